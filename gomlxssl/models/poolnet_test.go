package models

import (
	"math/rand/v2"
	"slices"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/mega-ssl/mega/gomlxssl/backend/backendtest"
)

// maxPool2 is GoMLX's 2×2 max pool at stride 2, odd sides included, and so
// is its gradient.
func TestMaxPool2MatchesMaxPool(t *testing.T) {
	backend := backendtest.Go(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, dims := range [][]int{{2, 6, 4, 3}, {3, 7, 5, 2}} {
		xs := make([]float32, dims[0]*dims[1]*dims[2]*dims[3])
		for i := range xs {
			xs[i] = float32(rng.NormFloat64())
		}
		x := tensors.FromFlatDataAndDimensions(xs, dims...)
		outs := MustExecOnceN(backend, func(x *Node) []*Node {
			ours, ref := maxPool2(x), MaxPool(x).Window(2).Strides(2).Done()
			// The gradients of a weighted sum, so that every output counts.
			w := Iota(x.Graph(), ours.Shape(), 1)
			return []*Node{ours, ref,
				Gradient(ReduceAllSum(Mul(ours, w)), x)[0], Gradient(ReduceAllSum(Mul(ref, w)), x)[0]}
		}, x)
		if !outs[0].Shape().Equal(outs[1].Shape()) {
			t.Fatalf("%v: shape %s, MaxPool's %s", dims, outs[0].Shape(), outs[1].Shape())
		}
		for i := 0; i < 4; i += 2 {
			a, b := tensors.MustCopyFlatData[float32](outs[i]), tensors.MustCopyFlatData[float32](outs[i+1])
			if !slices.Equal(a, b) {
				t.Fatalf("%v: output %d differs from MaxPool's:\n%v\n%v", dims, i, a, b)
			}
		}
	}
}
