package tsne

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestGradientMatchesReference checks the exact-repulsion gradient against
// the t-SNE gradient written directly from the paper, in float64:
// ∂C/∂y_i = 4 Σ_j (p_ij − q_ij)(y_i − y_j)(1 + ‖y_i − y_j‖²)⁻¹, with
// q_ij = (1+‖y_i−y_j‖²)⁻¹ / Σ_{k≠l} (1+‖y_k−y_l‖²)⁻¹. It also checks that the
// Barnes-Hut gradient (θ = 0.5) stays close to it.
func TestGradientMatchesReference(t *testing.T) {
	const n = 40
	rng := rand.New(rand.NewPCG(3, 4))
	y := make([]float64, 2*n)
	for i := range y {
		y[i] = rng.NormFloat64() * 3
	}
	// A random symmetric P with zero diagonal, summing to 1.
	dense := make([]float64, n*n)
	sum := 0.0
	for i := range n {
		for j := range i {
			if rng.Float64() < 0.3 {
				v := rng.Float64()
				dense[i*n+j], dense[j*n+i] = v, v
				sum += 2 * v
			}
		}
	}
	var sp sparseP
	sp.rowStart = make([]int, n+1)
	for i := range n {
		for j := range n {
			dense[i*n+j] /= sum
			if dense[i*n+j] > 0 {
				sp.col = append(sp.col, j)
				sp.val = append(sp.val, dense[i*n+j])
			}
		}
		sp.rowStart[i+1] = len(sp.col)
	}
	// Reference.
	z := 0.0
	for i := range n {
		for j := range n {
			if i != j {
				z += 1 / (1 + sq(y[2*i]-y[2*j]) + sq(y[2*i+1]-y[2*j+1]))
			}
		}
	}
	want := make([]float64, 2*n)
	for i := range n {
		for j := range n {
			if i == j {
				continue
			}
			w := 1 / (1 + sq(y[2*i]-y[2*j]) + sq(y[2*i+1]-y[2*j+1]))
			c := 4 * (dense[i*n+j] - w/z) * w
			want[2*i] += c * (y[2*i] - y[2*j])
			want[2*i+1] += c * (y[2*i+1] - y[2*j+1])
		}
	}
	for _, tc := range []struct {
		theta, tol float64
	}{{Exact, 1e-12}, {0.5, 0.05}} {
		cfg := Config{Theta: tc.theta, Workers: 2}.withDefaults(n)
		got := make([]float64, 2*n)
		newGradient(n, cfg).compute(sp, y, 1, got)
		scale := 0.0
		for _, v := range want {
			scale = math.Max(scale, math.Abs(v))
		}
		for i := range got {
			if math.Abs(got[i]-want[i]) > tc.tol*scale {
				t.Fatalf("θ=%g: grad[%d] = %g, reference %g (scale %g)", tc.theta, i, got[i], want[i], scale)
			}
		}
	}
}

func sq(v float64) float64 { return v * v }

func TestConditionalMatchesPerplexity(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	d := make([]float64, 90)
	for i := range d {
		d[i] = float64(i)*0.3 + rng.Float64()
	}
	p := make([]float64, len(d))
	conditional(d, p, 30)
	h, sum := 0.0, 0.0
	for _, v := range p {
		sum += v
		if v > 0 {
			h -= v * math.Log(v)
		}
	}
	if math.Abs(sum-1) > 1e-9 || math.Abs(math.Exp(h)-30) > 1e-3 {
		t.Errorf("Σp = %g, perplexity %g, want 1 and 30", sum, math.Exp(h))
	}
}

// clusters returns k Gaussian clusters of m points in d dimensions.
func clusters(k, m, d int, seed uint64) ([]float64, []int) {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := make([]float64, 0, k*m*d)
	var labels []int
	centres := make([]float64, k*d)
	for i := range centres {
		centres[i] = rng.NormFloat64() * 4
	}
	for c := range k {
		for range m {
			for j := range d {
				x = append(x, centres[c*d+j]+rng.NormFloat64())
			}
			labels = append(labels, c)
		}
	}
	return x, labels
}

// OneNNAgreement is the fraction of points whose nearest neighbour in the
// layout has the same label.
func oneNN(y []float64, labels []int) float64 {
	n, agree := len(labels), 0
	for i := range n {
		best, bj := math.Inf(1), -1
		for j := range n {
			if j == i {
				continue
			}
			if d := sq(y[2*i]-y[2*j]) + sq(y[2*i+1]-y[2*j+1]); d < best {
				best, bj = d, j
			}
		}
		if labels[bj] == labels[i] {
			agree++
		}
	}
	return float64(agree) / float64(n)
}

func TestSeparatesClustersReproducibly(t *testing.T) {
	x, labels := clusters(10, 60, 32, 7)
	n := len(labels)
	a, err := Embed(x, n, 32, Config{Seed: 5, Workers: 2, Iterations: 500})
	if err != nil {
		t.Fatal(err)
	}
	if acc := oneNN(a, labels); acc < 0.98 {
		t.Errorf("1-NN label agreement in the layout %.3f, want ≥ 0.98 for well-separated clusters", acc)
	}
	b, _ := Embed(x, n, 32, Config{Seed: 5, Workers: 1, Iterations: 500})
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("layout differs with 1 and 2 workers at %d: %g vs %g", i, a[i], b[i])
		}
	}
}

func TestRejectsBadInput(t *testing.T) {
	if _, err := Embed([]float64{1, 2, 3}, 3, 1, Config{}); err == nil {
		t.Error("3 points: no error")
	}
	x := []float64{1, 2, 3, math.NaN(), 5}
	if _, err := Embed(x, 5, 1, Config{}); err == nil {
		t.Error("NaN: no error")
	}
}

func BenchmarkEmbed2000(b *testing.B) {
	x, _ := clusters(10, 200, 128, 1)
	for b.Loop() {
		if _, err := Embed(x, 2000, 128, Config{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEmbed10000(b *testing.B) {
	x, _ := clusters(10, 1000, 128, 1)
	for b.Loop() {
		if _, err := Embed(x, 10000, 128, Config{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
