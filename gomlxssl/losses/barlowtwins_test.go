package losses

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
)

// barlowReference: C_ij = Σ_b ẑ1_bi ẑ2_bj / B with ẑ standardised per
// dimension over the batch (biased variance + 1e-5 under the root);
// L = Σ_i (1 − C_ii)² + λ Σ_{i≠j} C_ij².
func barlowReference(z1, z2 [][]float64, lambda float64) float64 {
	b, d := len(z1), len(z1[0])
	std := func(z [][]float64) [][]float64 {
		out := make([][]float64, b)
		for i := range out {
			out[i] = make([]float64, d)
		}
		for j := range d {
			c := column(z, j)
			m := meanOf(c)
			v := 0.0
			for _, x := range c {
				v += (x - m) * (x - m)
			}
			s := math.Sqrt(v/float64(b) + 1e-5)
			for i := range b {
				out[i][j] = (z[i][j] - m) / s
			}
		}
		return out
	}
	a, c := std(z1), std(z2)
	loss := 0.0
	for i := range d {
		for j := range d {
			cij := 0.0
			for k := range b {
				cij += a[k][i] * c[k][j]
			}
			cij /= float64(b)
			if i == j {
				loss += (1 - cij) * (1 - cij)
			} else {
				loss += lambda * cij * cij
			}
		}
	}
	return loss
}

func TestBarlowTwinsMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 1))
	for _, tc := range []struct {
		b, d   int
		lambda float64
	}{{4, 2, 0.0051}, {16, 8, 0.1}, {64, 32, 0.0051 * 8191 / 31}} {
		z1, z2 := rounded(randomRows(rng, tc.b, tc.d)), rounded(randomRows(rng, tc.b, tc.d))
		// The second view correlated with the first, as in training.
		for i := range z2 {
			for j := range z2[i] {
				z2[i][j] = float64(float32(0.7*z1[i][j] + 0.3*z2[i][j]))
			}
		}
		got := runLoss(t, func(a, b *Node) *Node { return BarlowTwins(a, b, tc.lambda) }, z1, z2)
		checkClose(t, "BarlowTwins", got, barlowReference(z1, z2, tc.lambda))
	}
	// Hand-checked: identical views with uncorrelated, standardised columns
	// give C = I and a loss of ~0; opposite views give C = −I: (1 − (−1))² per
	// dimension.
	z := [][]float64{{1, 1}, {-1, 1}, {1, -1}, {-1, -1}}
	neg := [][]float64{{-1, -1}, {1, -1}, {-1, 1}, {1, 1}}
	if got := runLoss(t, func(a, b *Node) *Node { return BarlowTwins(a, b, 0.5) }, z, z); got > 1e-4 {
		t.Errorf("BarlowTwins(z, z) with decorrelated columns = %g, want ~0", got)
	}
	if got := runLoss(t, func(a, b *Node) *Node { return BarlowTwins(a, b, 0.5) }, z, neg); math.Abs(got-8) > 1e-3 {
		t.Errorf("BarlowTwins(z, −z) = %g, want 2·(1+1)² = 8", got)
	}
}
