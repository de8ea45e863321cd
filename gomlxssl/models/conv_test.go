package models

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mega-ssl/mega/gomlxssl/backend/backendtest"
)

// TestConv2DMatchesConvolve checks the im2col convolution against the
// backend's own convolution, values and gradients (of x and of the kernel),
// for the kernel sizes and strides the encoders use.
func TestConv2DMatchesConvolve(t *testing.T) {
	backend := backendtest.Go(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct{ h, c, out, k, stride int }{
		{8, 3, 4, 3, 1}, {8, 1, 4, 3, 1}, {7, 1, 3, 5, 1}, {8, 1, 5, 3, 2}, {8, 3, 5, 3, 2}, {7, 2, 3, 3, 2}, {6, 4, 3, 1, 1}, {8, 3, 4, 1, 2}, {9, 2, 2, 5, 1},
	} {
		xs := make([]float32, 2*tc.h*tc.h*tc.c)
		ws := make([]float32, tc.k*tc.k*tc.c*tc.out)
		for i := range xs {
			xs[i] = float32(rng.NormFloat64())
		}
		for i := range ws {
			ws[i] = float32(rng.NormFloat64())
		}
		x := tensors.FromFlatDataAndDimensions(xs, 2, tc.h, tc.h, tc.c)
		w := tensors.FromFlatDataAndDimensions(ws, tc.k, tc.k, tc.c, tc.out)
		outs := MustExecOnceN(backend, func(x, w *Node) []*Node {
			ours := Conv2DWithKernel(x, w, tc.stride)
			ref := Convolve(x, w).StridePerAxis(tc.stride, tc.stride).PadSame().Done()
			// A loss that weights every output differently, so gradients are informative.
			weights := Sin(IotaFull(x.Graph(), ours.Shape()))
			lo, lr := ReduceAllSum(Mul(ours, weights)), ReduceAllSum(Mul(ref, weights))
			g := Gradient(lo, x, w)
			gr := Gradient(lr, x, w)
			return []*Node{ours, ref, g[0], gr[0], g[1], gr[1]}
		}, x, w)
		if !outs[0].Shape().Equal(outs[1].Shape()) {
			t.Fatalf("%+v: shape %s, backend %s", tc, outs[0].Shape(), outs[1].Shape())
		}
		for i, name := range []string{"output", "dL/dx", "dL/dw"} {
			a, b := tensors.MustCopyFlatData[float32](outs[2*i]), tensors.MustCopyFlatData[float32](outs[2*i+1])
			for j := range a {
				if math.Abs(float64(a[j]-b[j])) > 1e-4*(1+math.Abs(float64(b[j]))) {
					t.Fatalf("%+v: %s[%d] = %g, backend convolution gives %g", tc, name, j, a[j], b[j])
				}
			}
		}
	}
}

// An inference graph's one-channel convolution (windows cut by negative
// pads) gives the training graph's values to the bit, through Conv2D and
// its scope's mode.
func TestConv2DOneChannelFrozen(t *testing.T) {
	backend := backendtest.Go(t)
	rng := rand.New(rand.NewPCG(3, 4))
	for _, k := range []int{3, 5} {
		xs := make([]float32, 3*9*7)
		ws := make([]float32, k*k*4)
		for i := range xs {
			xs[i] = float32(rng.NormFloat64())
		}
		for i := range ws {
			ws[i] = float32(rng.NormFloat64())
		}
		x := tensors.FromFlatDataAndDimensions(xs, 3, 9, 7, 1)
		w := tensors.FromFlatDataAndDimensions(ws, k, k, 1, 4)
		outs := MustExecOnceN(backend, func(x, w *Node) []*Node {
			return []*Node{conv2DOneChannel(x, w, true), conv2DOneChannel(x, w, false)}
		}, x, w)
		a, b := tensors.MustCopyFlatData[float32](outs[0]), tensors.MustCopyFlatData[float32](outs[1])
		if len(a) != 3*9*7*4 || len(a) != len(b) {
			t.Fatalf("k = %d: %d and %d values", k, len(a), len(b))
		}
		for i := range a {
			if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
				t.Fatalf("k = %d: frozen[%d] = %g, trained path %g", k, i, a[i], b[i])
			}
		}
	}
	// Conv2D takes the frozen path in inference mode and only there.
	store := model.NewStore()
	x := tensors.FromShape(shapeOfDims(2, 6, 6, 1))
	for _, training := range []bool{true, false} {
		exec, err := model.NewExec(backend, store, func(scope *model.Scope, x *Node) *Node {
			scope.SetTraining(x.Graph(), training)
			y := Conv2D(scope, x, 4, 3, 1)
			pads := 0
			for _, n := range x.Graph().Nodes() {
				if n.Type() == NodeTypePad {
					pads++
				}
			}
			if want := map[bool]int{true: 1, false: 10}[training]; pads != want {
				t.Errorf("training %v: %d pads, want %d", training, pads, want)
			}
			return y
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := exec.Call(x); err != nil {
			t.Fatal(err)
		}
		exec.Finalize()
	}
}
