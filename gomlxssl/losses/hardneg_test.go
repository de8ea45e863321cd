package losses

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
)

// hardNegReference is Robinson et al.'s eq. (4) estimator as their code
// computes it, for each of the 2B anchors over its 2B − 2 negatives.
func hardNegReference(z1, z2 [][]float64, tau, beta, tauPlus float64) float64 {
	z := append(append([][]float64{}, z1...), z2...)
	n, b := len(z), len(z1)
	cos := cosine
	N := float64(n - 2)
	total := 0.0
	for i := range n {
		pos := math.Exp(cos(z[i], z[(i+b)%n]) / tau)
		var sumImpNeg, sumImp float64
		for k := range n {
			if k == i || k == (i+b)%n {
				continue
			}
			neg := math.Exp(cos(z[i], z[k]) / tau)
			imp := math.Pow(neg, beta)
			sumImpNeg += imp * neg
			sumImp += imp
		}
		ng := (-tauPlus*N*pos + sumImpNeg/(sumImp/N)) / (1 - tauPlus)
		ng = math.Max(ng, N*math.Exp(-1/tau))
		total += -math.Log(pos / (pos + ng))
	}
	return total / float64(n)
}

func TestHardNegativeMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 1))
	for _, tc := range []struct {
		b, d               int
		tau, beta, tauPlus float64
	}{{4, 8, 0.5, 1, 0.1}, {16, 32, 0.5, 1, 0.1}, {16, 32, 0.2, 0.5, 0.05}, {8, 16, 0.5, 0, 0.1}} {
		z1, z2 := rounded(randomRows(rng, tc.b, tc.d)), rounded(randomRows(rng, tc.b, tc.d))
		got := runLoss(t, func(a, b *Node) *Node { return HardNegative(a, b, tc.tau, tc.beta, tc.tauPlus) }, z1, z2)
		checkClose(t, "HardNegative", got, hardNegReference(z1, z2, tc.tau, tc.beta, tc.tauPlus))
	}
	// With β = 0 and τ⁺ = 0 it is NT-Xent.
	z1, z2 := rounded(randomRows(rng, 8, 16)), rounded(randomRows(rng, 8, 16))
	got := runLoss(t, func(a, b *Node) *Node { return HardNegative(a, b, 0.5, 0, 0) }, z1, z2)
	checkClose(t, "HardNegative(β=0, τ⁺=0) vs NT-Xent", got, ntxentReference(z1, z2, 0.5))
}
