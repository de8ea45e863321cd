package losses

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/mega-ssl/mega/gomlxssl/backend/backendtest"
)

// simsiamReference: ½(−mean cos(p1_b, z2_b)) + ½(−mean cos(p2_b, z1_b)).
func simsiamReference(p1, p2, z1, z2 [][]float64) float64 {
	cos := cosine
	var s1, s2 float64
	for b := range p1 {
		s1 += cos(p1[b], z2[b])
		s2 += cos(p2[b], z1[b])
	}
	n := float64(len(p1))
	return -0.5*s1/n - 0.5*s2/n
}

func TestSimSiamMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 1))
	backend := backendtest.Go(t)
	flat := toTensor
	for _, tc := range []struct{ b, d int }{{2, 3}, {16, 32}, {64, 128}} {
		p1, p2 := rounded(randomRows(rng, tc.b, tc.d)), rounded(randomRows(rng, tc.b, tc.d))
		z1, z2 := rounded(randomRows(rng, tc.b, tc.d)), rounded(randomRows(rng, tc.b, tc.d))
		outs := MustExecOnceN(backend, func(p1, p2, z1, z2 *Node) []*Node {
			loss := SimSiam(p1, p2, z1, z2)
			g := Gradient(loss, p1, z1)
			return []*Node{loss, ReduceAllSum(Abs(g[1]))}
		}, flat(p1), flat(p2), flat(z1), flat(z2))
		checkClose(t, "SimSiam", float64(tensors.ToScalar[float32](outs[0])), simsiamReference(p1, p2, z1, z2))
		// The stop-gradient: no gradient reaches the projections.
		if g := tensors.ToScalar[float32](outs[1]); g != 0 {
			t.Errorf("gradient through the stop-gradient: Σ|∂L/∂z1| = %g", g)
		}
	}
	// Hand-checked: predictions equal to the other view's projections give −1.
	z := [][]float64{{1, 2}, {-3, 0.5}}
	if got := runLoss(t, func(a, b *Node) *Node { return SimSiam(a, b, b, a) }, z, [][]float64{{2, 4}, {-6, 1}}); math.Abs(got+1) > 1e-6 {
		t.Errorf("SimSiam with p1 ∥ z2, p2 ∥ z1 = %g, want −1", got)
	}
}
