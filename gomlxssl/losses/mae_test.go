package losses

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/mega-ssl/mega/gomlxssl/backend/backendtest"
)

// maeReference is the loss of He et al. (2022) with normalised-pixel
// targets, in float64, as their code computes it: each patch's target is
// (x − mean) / √(var + 10⁻⁶) with the unbiased variance of its values; the
// squared error is averaged over a patch's values, then over the hidden
// patches.
func maeReference(pred, patches [][][]float64, masked [][]float64) float64 {
	var sum, count float64
	for b := range pred {
		for n := range pred[b] {
			x := patches[b][n]
			d := float64(len(x))
			mean := meanOf(x)
			ss := 0.0
			for _, v := range x {
				ss += (v - mean) * (v - mean)
			}
			std := math.Sqrt(ss/(d-1) + 1e-6)
			e := 0.0
			for j, v := range x {
				diff := pred[b][n][j] - (v-mean)/std
				e += diff * diff
			}
			sum += masked[b][n] * e / d
			count += masked[b][n]
		}
	}
	return sum / count
}

// cube is [B][N][D] random values, rounded to float32, and its tensor.
func cube(rng *rand.Rand, b, n, d int) ([][][]float64, *tensors.Tensor) {
	out := make([][][]float64, b)
	flat := make([]float32, 0, b*n*d)
	for i := range out {
		out[i] = rounded(randomRows(rng, n, d))
		for _, r := range out[i] {
			for _, v := range r {
				flat = append(flat, float32(v))
			}
		}
	}
	return out, tensors.FromFlatDataAndDimensions(flat, b, n, d)
}

// randomMask hides about 3/4 of each row's patches, at least one per batch.
func randomMask(rng *rand.Rand, b, n int) [][]float64 {
	m := make([][]float64, b)
	for i := range m {
		m[i] = make([]float64, n)
		for j := range m[i] {
			if rng.Float64() < 0.75 {
				m[i][j] = 1
			}
		}
	}
	m[0][0] = 1
	return m
}

func TestMAEMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 19))
	backend := backendtest.Go(t)
	for _, tc := range []struct{ b, n, d int }{{2, 4, 3}, {4, 16, 48}, {3, 49, 16}} {
		pred, predT := cube(rng, tc.b, tc.n, tc.d)
		patches, patchesT := cube(rng, tc.b, tc.n, tc.d)
		masked := randomMask(rng, tc.b, tc.n)
		out := MustExecOnce(backend, func(p, x, m *Node) *Node { return MAE(p, x, m) }, predT, patchesT, toTensor(masked))
		checkClose(t, "MAE", float64(tensors.ToScalar[float32](out)), maeReference(pred, patches, masked))
	}
	// Hand-checked: a flat patch normalises to zeros, so predicting ones
	// costs 1 per value; the visible patch, however wrong, costs nothing.
	flat := tensors.FromFlatDataAndDimensions([]float32{5, 5, 5, 5, 1, 2, 3, 4}, 1, 2, 4)
	ones := tensors.FromFlatDataAndDimensions([]float32{1, 1, 1, 1, 9, 9, 9, 9}, 1, 2, 4)
	out := MustExecOnce(backend, func(p, x, m *Node) *Node { return MAE(p, x, m) }, ones, flat, toTensor([][]float64{{1, 0}}))
	checkClose(t, "MAE hand-checked", float64(tensors.ToScalar[float32](out)), 1)
}

// Only the hidden patches' predictions get a gradient, and none reaches the
// targets.
func TestMAEGradientOnHiddenPatchesOnly(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	backend := backendtest.Go(t)
	_, predT := cube(rng, 2, 4, 5)
	_, patchesT := cube(rng, 2, 4, 5)
	masked := [][]float64{{1, 0, 1, 0}, {0, 0, 1, 1}}
	outs := MustExecOnceN(backend, func(x []*Node) []*Node {
		return Gradient(MAE(x[0], x[1], x[2]), x[0], x[1])
	}, predT, patchesT, toTensor(masked))
	grad := tensors.MustCopyFlatData[float32](outs[0])
	for b := range 2 {
		for n := range 4 {
			row := tensors.FromFlatDataAndDimensions(grad[(b*4+n)*5:(b*4+n+1)*5], 5)
			_, some := nonZero(row)
			if hidden := masked[b][n] == 1; some != hidden {
				t.Errorf("image %d patch %d (hidden: %v): gradient %v", b, n, hidden, tensors.MustCopyFlatData[float32](row))
			}
		}
	}
	if v, some := nonZero(outs[1]); some {
		t.Errorf("the targets got a gradient (%g): they must be data", v)
	}
}
