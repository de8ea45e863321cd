package losses

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/mega-ssl/mega/gomlxssl/backend/backendtest"
)

// contrastiveReference is Hadsell et al.'s L(Y, D) over every ordered pair
// i ≠ j, the similar pairs' mean and the dissimilar pairs' mean averaged.
func contrastiveReference(z [][]float64, dissimilar [][]bool, m float64) float64 {
	var pull, push float64
	var nPull, nPush int
	for i := range z {
		for j := range z {
			if i == j {
				continue
			}
			d := 0.0
			for k := range z[i] {
				d += (z[i][k] - z[j][k]) * (z[i][k] - z[j][k])
			}
			d = math.Sqrt(d)
			if dissimilar[i][j] {
				push += 0.5 * math.Pow(math.Max(0, m-d), 2)
				nPush++
			} else {
				pull += 0.5 * d * d
				nPull++
			}
		}
	}
	return 0.5 * (pull/float64(max(nPull, 1)) + push/float64(max(nPush, 1)))
}

func runContrastive(t *testing.T, z [][]float64, dissimilar [][]bool, m float64) float64 {
	t.Helper()
	backend := backendtest.Go(t)
	mask := make([]bool, 0, len(z)*len(z))
	for _, row := range dissimilar {
		mask = append(mask, row...)
	}
	out := MustExecOnce(backend, func(z, y *Node) *Node { return Contrastive(z, y, m) },
		toTensor(z), tensors.FromFlatDataAndDimensions(mask, len(z), len(z)))
	return float64(tensors.ToScalar[float32](out))
}

func TestContrastiveMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 1))
	for _, tc := range []struct {
		n, d     int
		scale, m float64
	}{{4, 3, 0.3, 1}, {16, 8, 0.2, 1}, {32, 16, 0.1, 0.5}} {
		z := rounded(randomRows(rng, tc.n, tc.d))
		for _, r := range z {
			for j := range r {
				r[j] = float64(float32(r[j] * tc.scale)) // distances on both sides of the margin
			}
		}
		y := make([][]bool, tc.n)
		for i := range y {
			y[i] = make([]bool, tc.n)
			for j := range y[i] {
				y[i][j] = (i%4 != j%4) // four "classes": similar within, dissimilar across
			}
		}
		checkClose(t, "Contrastive", runContrastive(t, z, y, tc.m), contrastiveReference(z, y, tc.m))
	}
	// Hand-checked, margin 1: points 0 and 1 similar at distance 0.6 (½·0.36),
	// point 2 dissimilar to both at distances 0.8 and 1 (½·0.2², ½·0²): pull
	// mean 0.18, push mean (0.02 + 0) / 2 = 0.01 over the four ordered pairs,
	// loss ½(0.18 + 0.01) = 0.095.
	z := [][]float64{{0, 0}, {0.6, 0}, {0, 0.8}}
	y := [][]bool{{false, false, true}, {false, false, true}, {true, true, false}}
	if got := runContrastive(t, z, y, 1); math.Abs(got-0.095) > 1e-6 {
		t.Errorf("Contrastive hand-checked = %g, want 0.095", got)
	}
}
