// Package models holds the networks the experiments share: a convolution written
// as patch extraction plus one matrix product (im2col), the small ConvNet encoder
// sized for the Go backend, ResNet-18 with the CIFAR stem, and MLP heads.
//
// Every tensor is channels-last (NHWC).
package models

import (
	"fmt"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/shapes"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
)

// Conv2D applies a square kxk convolution with "same" padding (k/2 on every side)
// and the given stride to x [B, H, W, C], producing [B, H', W', outChannels],
// with H' = (H + 2*(k/2) - k)/stride + 1.
//
// It is written as im2col: the k*k shifted (and strided) slices of the padded
// input are concatenated on the channel axis and multiplied by the kernel in
// one MatMul. On GoMLX's Go backend this is about 30x faster than the backend's
// own convolution, which runs single-threaded; on XLA both are fine. The kernel
// variable "weights" has the same [k, k, C, out] layout as layers.Convolution, so
// weights are interchangeable with it (TestConv2DMatchesConvolve checks values
// and gradients against graph.Convolve).
func Conv2D(scope *model.Scope, x *Node, outChannels, kernel, stride int) *Node {
	if x.Rank() != 4 {
		panic(fmt.Sprintf("models.Conv2D: want x of rank 4 (NHWC), got shape %s", x.Shape()))
	}
	inChannels := x.Shape().Dim(3)
	s := scope.In("conv")
	w := s.WithInitializer(initializer.HeFn(scope)).
		VariableWithShape("weights", shapeOf(x, kernel, kernel, inChannels, outChannels)).
		NodeValue(x.Graph())
	return Conv2DWithKernel(x, w, stride)
}

// Conv2DWithKernel is Conv2D with an explicit kernel w [k, k, C, out].
func Conv2DWithKernel(x, w *Node, stride int) *Node {
	k := w.Shape().Dim(0)
	inChannels, outChannels := w.Shape().Dim(2), w.Shape().Dim(3)
	batch, height, width := x.Shape().Dim(0), x.Shape().Dim(1), x.Shape().Dim(2)
	pad := k / 2
	outH := (height+2*pad-k)/stride + 1
	outW := (width+2*pad-k)/stride + 1

	if k == 1 && stride == 1 {
		y := MatMul(Reshape(x, batch*height*width, inChannels), Reshape(w, inChannels, outChannels))
		return Reshape(y, batch, outH, outW, outChannels)
	}
	xp := x
	if pad > 0 {
		xp = padSpatial(x, pad)
	}
	patches := make([]*Node, 0, k*k)
	for dy := range k {
		for dx := range k {
			patches = append(patches, Slice(xp,
				AxisRange(),
				AxisRange(dy, dy+(outH-1)*stride+1).Stride(stride),
				AxisRange(dx, dx+(outW-1)*stride+1).Stride(stride),
				AxisRange()))
		}
	}
	cols := patches[0]
	if len(patches) > 1 {
		cols = Concatenate(patches, 3) // [B, H', W', k*k*C], ordered (dy, dx, c) like w.
	}
	cols = Reshape(cols, batch*outH*outW, k*k*inChannels)
	y := MatMul(cols, Reshape(w, k*k*inChannels, outChannels))
	return Reshape(y, batch, outH, outW, outChannels)
}

// padSpatial zero-pads the two spatial axes of x [B, H, W, C] by pad on each side.
func padSpatial(x *Node, pad int) *Node {
	zero := ScalarZero(x.Graph(), x.DType())
	return Pad(x, zero,
		compute.PadAxis{},
		compute.PadAxis{Start: pad, End: pad},
		compute.PadAxis{Start: pad, End: pad},
		compute.PadAxis{})
}

// shapeOf is the kernel shape with x's dtype.
func shapeOf(x *Node, dims ...int) shapes.Shape {
	return shapes.Make(x.DType(), dims...)
}
