package models

import (
	"fmt"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/mega-ssl/mega/gomlxssl/backend/backendtest"
)

// BenchmarkConv2DTrain times one convolution's forward and backward pass
// (gradients for the input and the kernel) for each layer of the benchmark
// encoder at 256 views, and of the default encoder on Fashion-MNIST's 28×28×1
// images (the one-channel path first), and reports GFLOP/s counting the three matrix
// products (forward, input gradient, kernel gradient).
func BenchmarkConv2DTrain(b *testing.B) {
	be := backendtest.Go(b)
	const batch = 256
	for _, l := range []struct{ h, c, out, stride int }{{32, 3, 32, 1}, {32, 32, 64, 2}, {16, 64, 128, 2}, {8, 128, 256, 2},
		{28, 1, 16, 1}, {28, 16, 32, 2}, {14, 32, 64, 2}, {7, 64, 128, 2}} {
		b.Run(fmt.Sprintf("%dx%dx%d-to-%d-s%d", l.h, l.h, l.c, l.out, l.stride), func(b *testing.B) {
			x := tensors.FromShape(shapeOfDims(batch, l.h, l.h, l.c))
			w := tensors.FromShape(shapeOfDims(3, 3, l.c, l.out))
			exec := MustNewExec(be, func(x, w *Node) []*Node {
				y := Conv2DWithKernel(x, w, l.stride)
				loss := ReduceAllSum(Mul(y, y))
				if l.c <= 3 {
					return Gradient(loss, w) // the input layer: no gradient for the image
				}
				return Gradient(loss, x, w)
			})
			exec.MustCall(x, w)
			for b.Loop() {
				for _, t := range exec.MustCall(x, w) {
					t.MustFinalizeAll()
				}
			}
			outHW := (l.h + l.stride - 1) / l.stride
			flops := 3 * 2 * float64(batch*outHW*outHW) * float64(9*l.c*l.out)
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

func shapeOfDims(dims ...int) shapes.Shape { return shapes.Make(dtypes.Float32, dims...) }
