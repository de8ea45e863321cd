package losses

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
)

// vicregReference follows Bardes et al.'s reference code: invariance is the
// mean squared difference; variance ½Σ_views mean_j relu(1 − √(Var_j + 1e-4))
// with the unbiased variance; covariance Σ_views Σ_{i≠j} Cov_ij² / D with
// Cov = centredᵀ·centred / (B − 1).
func vicregReference(z1, z2 [][]float64, w VICRegWeights) float64 {
	b, d := len(z1), len(z1[0])
	inv := 0.0
	for i := range b {
		for j := range d {
			inv += (z1[i][j] - z2[i][j]) * (z1[i][j] - z2[i][j])
		}
	}
	inv /= float64(b * d)
	var variance, covariance float64
	for _, z := range [][][]float64{z1, z2} {
		means := make([]float64, d)
		for j := range d {
			means[j] = meanOf(column(z, j))
		}
		for i := range d {
			for j := range d {
				cov := 0.0
				for k := range b {
					cov += (z[k][i] - means[i]) * (z[k][j] - means[j])
				}
				cov /= float64(b - 1)
				if i == j {
					variance += 0.5 * math.Max(0, 1-math.Sqrt(cov+1e-4)) / float64(d)
				} else {
					covariance += cov * cov / float64(d)
				}
			}
		}
	}
	return w.Invariance*inv + w.Variance*variance + w.Covariance*covariance
}

func TestVICRegMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 1))
	for _, tc := range []struct{ b, d int }{{4, 2}, {16, 8}, {64, 32}} {
		z1, z2 := rounded(randomRows(rng, tc.b, tc.d)), rounded(randomRows(rng, tc.b, tc.d))
		// Small spreads, so that the variance hinge is active for some dimensions.
		for i := range z1 {
			for j := range z1[i] {
				if j%2 == 0 {
					z1[i][j] = float64(float32(z1[i][j] * 0.3))
				}
			}
		}
		got := runLoss(t, func(a, b *Node) *Node { return VICReg(a, b, DefaultVICReg()) }, z1, z2)
		checkClose(t, "VICReg", got, vicregReference(z1, z2, DefaultVICReg()))
	}
	// Hand-checked: a collapsed batch (every row the same) has no invariance
	// or covariance loss and a variance loss of 1 − √1e-4 = 0.99 per branch
	// and dimension: L = 25 · ½ · 2 · 0.99 = 24.75.
	z := [][]float64{{0.5, -2}, {0.5, -2}, {0.5, -2}}
	if got := runLoss(t, func(a, b *Node) *Node { return VICReg(a, b, DefaultVICReg()) }, z, z); math.Abs(got-24.75) > 1e-4 {
		t.Errorf("VICReg of a collapsed batch = %g, want 24.75", got)
	}
}
