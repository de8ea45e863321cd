package models

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/mega-ssl/mega/gomlxssl/backend/backendtest"
)

// TestBatchNormGradient checks batch norm's training pass and its written-out
// gradients (of the input, the scale and the offset) against GoMLX's
// autodiff of the same formula, on inputs far from standardised.
func TestBatchNormGradient(t *testing.T) {
	for _, dims := range [][]int{{4, 3, 3, 5}, {6, 5}} { // a convolution's activations, a head's
		testBatchNormGradient(t, dims)
	}
}

func testBatchNormGradient(t *testing.T, dims []int) {
	backend := backendtest.Go(t)
	rng := rand.New(rand.NewPCG(3, 4))
	c, count := dims[len(dims)-1], 1
	for _, d := range dims[:len(dims)-1] {
		count *= d
	}
	xs, ss, os := make([]float32, count*c), make([]float32, c), make([]float32, c)
	for i := range xs {
		xs[i] = float32(3*rng.NormFloat64() + 2)
	}
	for i := range ss {
		ss[i], os[i] = float32(0.5+rng.Float64()), float32(rng.NormFloat64())
	}
	x := tensors.FromFlatDataAndDimensions(xs, dims...)
	scale, offset := tensors.FromFlatDataAndDimensions(ss, c), tensors.FromFlatDataAndDimensions(os, c)
	rank := len(dims)
	outs := MustExecOnceN(backend, func(x, scale, offset *Node) []*Node {
		axes := make([]int, rank-1)
		for i := range axes {
			axes[i] = i
		}
		ours, _, _ := normalise(x, scale, offset, axes, count)
		mean := ReduceMean(x, axes...)
		centred := Sub(x, ExpandLeftToRank(mean, rank))
		inv := Reciprocal(Sqrt(AddScalar(ReduceMean(Square(centred), axes...), bnEpsilon)))
		ref := Add(Mul(centred, ExpandLeftToRank(Mul(inv, scale), rank)), ExpandLeftToRank(offset, rank))
		// A loss that weights every output differently, so gradients are informative.
		weights := Sin(IotaFull(x.Graph(), ours.Shape()))
		g := Gradient(ReduceAllSum(Mul(ours, weights)), x, scale, offset)
		gr := Gradient(ReduceAllSum(Mul(ref, weights)), x, scale, offset)
		return []*Node{ours, ref, g[0], gr[0], g[1], gr[1], g[2], gr[2]}
	}, x, scale, offset)
	for i, name := range []string{"output", "dL/dx", "dL/dscale", "dL/doffset"} {
		a, b := tensors.MustCopyFlatData[float32](outs[2*i]), tensors.MustCopyFlatData[float32](outs[2*i+1])
		for j := range a {
			if math.Abs(float64(a[j]-b[j])) > 1e-4*(1+math.Abs(float64(b[j]))) {
				t.Fatalf("%v: %s[%d] = %g, autodiff gives %g", dims, name, j, a[j], b[j])
			}
		}
	}
}

// BenchmarkBatchNormTrain times batch norm's training pass, forward and
// backward (gradients for the input, scale and offset), on the benchmark
// encoder's first activation (256 views of 32×32×32), written-out gradients
// ("written") against autodiff of the same formula ("autodiff").
func BenchmarkBatchNormTrain(b *testing.B) {
	be := backendtest.Go(b)
	const n, h, c = 256, 32, 32
	for _, written := range []bool{true, false} {
		b.Run(map[bool]string{true: "written", false: "autodiff"}[written], func(b *testing.B) {
			x := tensors.FromShape(shapeOfDims(n, h, h, c))
			scale, offset := tensors.FromShape(shapeOfDims(c)), tensors.FromShape(shapeOfDims(c))
			exec := MustNewExec(be, func(x, scale, offset *Node) []*Node {
				axes := []int{0, 1, 2}
				var y *Node
				if written {
					y, _, _ = normalise(x, scale, offset, axes, n*h*h)
				} else {
					mean := ReduceMean(x, axes...)
					inv := Reciprocal(Sqrt(AddScalar(ReduceMean(Square(Sub(x, ExpandLeftToRank(mean, 4))), axes...), bnEpsilon)))
					y = Add(Mul(Sub(x, ExpandLeftToRank(mean, 4)), ExpandLeftToRank(Mul(inv, scale), 4)), ExpandLeftToRank(offset, 4))
				}
				return Gradient(ReduceAllSum(Mul(y, y)), x, scale, offset)
			})
			exec.MustCall(x, scale, offset)
			for b.Loop() {
				for _, t := range exec.MustCall(x, scale, offset) {
					t.MustFinalizeAll()
				}
			}
		})
	}
}
