package losses

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/mega-ssl/mega/gomlxssl/backend/backendtest"
)

// ntxentReference is NT-Xent written directly from SimCLR's eq. (1) in float64,
// independently of the graph code: for each of the 2B anchors, the negative
// log of exp(sim(anchor, positive)/τ) over the sum of exp(sim(anchor, k)/τ)
// for every k ≠ anchor, averaged.
func ntxentReference(z1, z2 [][]float64, tau float64) float64 {
	z := append(append([][]float64{}, z1...), z2...)
	n, b := len(z), len(z1)
	cos := cosine
	var total float64
	for i := range n {
		pos := (i + b) % n
		var denom float64
		for k := range n {
			if k != i {
				denom += math.Exp(cos(z[i], z[k]) / tau)
			}
		}
		total += -math.Log(math.Exp(cos(z[i], z[pos])/tau) / denom)
	}
	return total / float64(n)
}

func ntxentGraph(t *testing.T, z1, z2 [][]float64, tau float64) float64 {
	t.Helper()
	return runLoss(t, func(a, b *Node) *Node { return NTXent(a, b, tau) }, z1, z2)
}

func randomRows(rng *rand.Rand, n, d int) [][]float64 {
	rows := make([][]float64, n)
	for i := range rows {
		rows[i] = make([]float64, d)
		for j := range rows[i] {
			rows[i][j] = rng.NormFloat64()
		}
	}
	return rows
}

func TestNTXentMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, tc := range []struct {
		b, d int
		tau  float64
	}{{2, 3, 0.5}, {8, 16, 0.5}, {16, 32, 0.1}, {5, 128, 1.0}} {
		z1, z2 := randomRows(rng, tc.b, tc.d), randomRows(rng, tc.b, tc.d)
		want := ntxentReference(z1, z2, tc.tau)
		got := ntxentGraph(t, z1, z2, tc.tau)
		if rel := math.Abs(got-want) / want; rel > 1e-5 {
			t.Errorf("B=%d D=%d τ=%g: NTXent = %.7f, reference %.7f (rel. error %.2g)", tc.b, tc.d, tc.tau, got, want, rel)
		}
	}
}

// Hand-checked edge cases.
func TestNTXentEdgeCases(t *testing.T) {
	tau := 0.5
	// Identical views of B mutually orthogonal embeddings: each anchor's
	// positive (its copy) has similarity 1 and the 2B−2 other rows 0, so ℓ = −log(e^{1/τ} / (e^{1/τ} + (2B−2)·e^0)).
	b := 4
	z := make([][]float64, b)
	for i := range z {
		z[i] = make([]float64, b)
		z[i][i] = 3 // scale must not matter: the loss uses cosine similarity
	}
	want := -math.Log(math.Exp(1/tau) / (math.Exp(1/tau) + float64(2*b-2)))
	if got := ntxentGraph(t, z, z, tau); math.Abs(got-want) > 1e-5 {
		t.Errorf("identical orthogonal views: got %.6f, want %.6f", got, want)
	}
	// All embeddings identical (total collapse): every similarity is 1, so the
	// loss is log(2B−1), the chance level, whatever τ.
	same := make([][]float64, b)
	for i := range same {
		same[i] = []float64{1, 2, 3}
	}
	want = math.Log(float64(2*b - 1))
	if got := ntxentGraph(t, same, same, 0.1); math.Abs(got-want) > 1e-4 {
		t.Errorf("collapsed embeddings: got %.6f, want log(2B−1) = %.6f", got, want)
	}
	// Views orthogonal to each other (positives at similarity 0) while the
	// rows of each view coincide: z1 rows all e1, z2 rows all e2. For an
	// anchor in view 1 the B−1 other view-1 rows have similarity 1, the B
	// view-2 rows (positive included) 0: ℓ = −log(1 / ((B−1)e^{1/τ} + B)).
	e1, e2 := make([][]float64, b), make([][]float64, b)
	for i := range e1 {
		e1[i], e2[i] = []float64{1, 0}, []float64{0, 1}
	}
	want = -math.Log(1 / (float64(b-1)*math.Exp(1/tau) + float64(b)))
	if got := ntxentGraph(t, e1, e2, tau); math.Abs(got-want) > 1e-5 {
		t.Errorf("orthogonal views: got %.6f, want %.6f", got, want)
	}
}

func TestCrossEntropy(t *testing.T) {
	backend := backendtest.Go(t)
	logits := [][]float32{{1, 2, 3}, {0, 0, 0}}
	labels := []int32{2, 1}
	want := 0.0
	for i, row := range logits {
		var z float64
		for _, v := range row {
			z += math.Exp(float64(v))
		}
		want += -math.Log(math.Exp(float64(row[labels[i]])) / z)
	}
	want /= 2
	out := MustExecOnce(backend, CrossEntropy, tensors.FromValue(logits), tensors.FromValue(labels))
	if got := float64(tensors.ToScalar[float32](out)); math.Abs(got-want) > 1e-6 {
		t.Errorf("CrossEntropy = %g, want %g", got, want)
	}
}
