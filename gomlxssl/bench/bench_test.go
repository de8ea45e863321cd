package bench

import (
	"math"
	"math/rand/v2"
	"testing"
)

// OneNNAgreement against the brute-force definition.
func TestOneNNAgreementMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 700
	y := make([]float64, 2*n)
	labels := make([]int32, n)
	for i := range n {
		labels[i] = int32(rng.IntN(4))
		y[2*i] = rng.NormFloat64() + float64(labels[i])*0.8
		y[2*i+1] = rng.NormFloat64() * float64(1+labels[i])
	}
	agree := 0
	for i := range n {
		best, bj := math.Inf(1), -1
		for j := range n {
			if j == i {
				continue
			}
			if d := (y[2*i]-y[2*j])*(y[2*i]-y[2*j]) + (y[2*i+1]-y[2*j+1])*(y[2*i+1]-y[2*j+1]); d < best {
				best, bj = d, j
			}
		}
		if labels[bj] == labels[i] {
			agree++
		}
	}
	want := float64(agree) / float64(n)
	if got := OneNNAgreement(y, labels); got != want {
		t.Errorf("OneNNAgreement = %v, brute force %v", got, want)
	}
}

func TestRatio(t *testing.T) {
	r := Result{Value: 500, HigherIsBetter: true}
	r.SetPeer("torch", 1000)
	if r.Ratio != 0.5 {
		t.Errorf("throughput ratio %v", r.Ratio)
	}
	s := Result{Value: 20}
	s.SetPeer("sklearn", 40)
	if s.Ratio != 2 {
		t.Errorf("time ratio %v", s.Ratio)
	}
}

func TestFormat(t *testing.T) {
	for v, want := range map[float64]string{53350.4: "53,350", 562.94: "562.9", 0.026784: "0.02678", 1234567: "1,234,567", 9999: "9999"} {
		if got := Format(v); got != want {
			t.Errorf("Format(%v) = %q, want %q", v, got, want)
		}
	}
}
