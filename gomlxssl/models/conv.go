// Package models holds the networks the experiments share: a convolution written
// as patch extraction plus one matrix product (im2col), the small ConvNet encoder
// sized for the Go backend, ResNet-18 with the CIFAR stem, and MLP heads.
//
// Every tensor is channels-last (NHWC).
package models

import (
	"fmt"
	"math"
	"strings"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
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
	// An inference graph is never differentiated: its one-channel windows
	// can be cut by block copies (see conv2DOneChannel).
	return conv2D(x, w, stride, !scope.IsTraining(x.Graph()))
}

// Conv2DWithKernel is Conv2D with an explicit kernel w [k, k, C, out].
//
// On the Go backend it is im2col: one gather reads, for every output position,
// the k*k input pixels its kernel covers into a patch matrix [B*H'*W', k*k*C]
// that one MatMul multiplies by the kernel. The image is padded once, and the
// k taps of a kernel row are k neighbouring pixels of one padded image row,
// k*C floats in a row in memory: the gather copies one such window per
// kernel row, k per output position, where a gather of single pixels made k*k
// smaller copies (the benchmark encoder's step about 15% faster). A
// one-channel input at stride 1 builds its patches otherwise
// (conv2DOneChannel). On XLA the backend's own convolution is used: there it
// is the fast path.
//
// Its gradients are written out in the layouts the backend's matrix kernels
// read directly. GoMLX's gradient of MatMul(cols, w) computes dw as colsᵀ·dY, contracting
// the patch matrix's first axis; the Go backend's matrix kernels want the
// left operand's contracted axis last, so it transposed the whole patch
// matrix every step (a third of the step's time). Here dw is (dYᵀ·cols)ᵀ, which
// transposes only dY, K/O ≈ 4.5 times smaller for a 3x3 convolution. And the
// input's gradient goes through one scatter-sum of the same windows (in the
// same order, so the same sums as a gather of single pixels gave, to the
// bit), without the identity transposes and copies GoMLX's generic
// gradients add.
//
// How: x and w enter through identities with custom gradients, and the
// product's output through one that records dY. Reverse-mode autodiff visits
// the output first; the identities' gradient functions then build their
// gradients from dY and ignore the gradient autodiff derived for them, which
// the backend never computes because nothing uses it (its executable prunes
// unused nodes). TestConv2DMatchesConvolve checks both gradients against the
// backend's own convolution.
func Conv2DWithKernel(x, w *Node, stride int) *Node { return conv2D(x, w, stride, false) }

// conv2D is Conv2DWithKernel; frozen says the graph is never differentiated
// (see conv2DOneChannel).
func conv2D(x, w *Node, stride int, frozen bool) *Node {
	if strings.HasPrefix(x.Graph().Backend().Name(), "xla") {
		return Convolve(x, w).StridePerAxis(stride, stride).PadSame().Done()
	}
	if k := w.Shape().Dim(0); w.Shape().Dim(2) == 1 && stride == 1 && k > 1 {
		return conv2DOneChannel(x, w, frozen)
	}
	return conv2DPatches(x, w, stride)
}

// conv2DPatches is the convolution as one matrix product of the image's
// patches (im2col) by the kernel, with its gradients written out.
func conv2DPatches(x, w *Node, stride int) *Node {
	k := w.Shape().Dim(0)
	inChannels, outChannels := w.Shape().Dim(2), w.Shape().Dim(3)
	batch, height, width := x.Shape().Dim(0), x.Shape().Dim(1), x.Shape().Dim(2)
	pad := k / 2
	outH := (height+2*pad-k)/stride + 1
	outW := (width+2*pad-k)/stride + 1

	// The patch matrix's width, rounded up to a multiple of 16 with zero
	// columns (and zero kernel rows): the backend's packing and matrix kernels
	// are several times slower on ragged widths (the input layer's 27: 250 →
	// 118 ms for its forward and backward pass).
	kk := k * k * inChannels
	kkPadded := (kk + 15) / 16 * 16
	pixels := batch * height * width
	ph, pw := height+2*pad, width+2*pad // the padded image
	var idx *Node
	switch {
	case pad > 0:
		idx = ConstTensor(x.Graph(), rowWindowStarts(batch, ph, pw, outH, outW, k, stride))
	case stride > 1:
		idx = ConstTensor(x.Graph(), im2colIndices(batch, height, width, outH, outW, stride))
	}
	patches := func(x *Node) *Node {
		if pad > 0 { // k pixels of a padded image row at a time, [B*H'*W'*k, k, C]
			src := Reshape(padSpatial(x, pad), batch*ph*pw, inChannels)
			cols := Reshape(GatherSlices(src, []int{0}, idx, []int{k}, false), batch*outH*outW, kk) // (dy, dx, c) order, like w
			return zeroPadAxis(cols, 1, kkPadded)
		}
		rows := Reshape(x, pixels, inChannels)
		if idx == nil {
			return zeroPadAxis(rows, 1, kkPadded)
		}
		return zeroPadAxis(Reshape(Gather(rows, idx, true), batch*outH*outW, kk), 1, kkPadded)
	}

	var dY, cols, w2 *Node // dY: the gradient of the output, [B*H'*W', out]
	need := func() {
		if dY == nil {
			panic("models: a convolution's input gradient was asked for before its output's")
		}
	}
	xg := IdentityWithCustomGradient(x, func(_, _ *Node) *Node {
		need()
		dCols := trimAxis(DotGeneral(dY, []int{1}, nil, w2, []int{1}, nil), 1, kk) // [B*H'*W', kk]
		switch {
		case pad > 0: // each window's k pixels added back where they were read, then the padding cut off
			zeros := Zeros(x.Graph(), shapes.Make(x.DType(), batch*ph*pw, inChannels))
			windows := Reshape(dCols, batch*outH*outW*k, k, inChannels)
			dSrc := BackendScatterSum(zeros, idx, windows, 1, []int{1, 2}, nil, []int{0}, false, false)
			return unpadSpatial(Reshape(dSrc, batch, ph, pw, inChannels), pad)
		case idx == nil:
			return Reshape(dCols, x.Shape().Dimensions...)
		}
		zeros := Zeros(x.Graph(), shapes.Make(x.DType(), pixels, inChannels))
		return Reshape(ScatterSum(zeros, idx, dCols, true, false), x.Shape().Dimensions...)
	})
	wg := IdentityWithCustomGradient(w, func(_, _ *Node) *Node {
		need()
		// dYᵀ [out, B*H'*W'] as I·dYᵀ: the matrix kernels transpose while
		// packing, at memory speed; the backend's Transpose op ran at 0.6
		// GB/s on these tall, thin matrices. The product by the identity
		// costs 2·out²·B·H'·W' flops, about 5 ms per layer here.
		dYt := DotGeneral(identity(dY.Graph(), dY.DType(), outChannels), []int{1}, nil, dY, []int{1}, nil)
		dW := Transpose(DotGeneral(dYt, []int{1}, nil, cols, []int{0}, nil), 0, 1)
		return Reshape(trimAxis(dW, 0, kk), w.Shape().Dimensions...)
	})
	cols, w2 = patches(xg), zeroPadAxis(Reshape(wg, kk, outChannels), 0, kkPadded)
	y := IdentityWithCustomGradient(MatMul(cols, w2), func(_, v *Node) *Node {
		dY = v
		return v
	})
	return Reshape(y, batch, outH, outW, outChannels)
}

// conv2DOneChannel is Conv2DWithKernel for a one-channel image (Fashion-MNIST's
// input layer) at stride 1. Gathering its patches reads one float per index,
// a call each (a fifth of that step); here the patch matrix is built
// transposed instead, tap by tap: each of the k*k shifted windows of the
// padded image is one slice of whole image rows, and the windows stacked
// [k*k, B*H*W] are multiplied by the kernel contracting their first axis.
// The kernel's gradient is written out as windows·dY, the layout the
// backend's matrix kernels read directly: GoMLX's generic gradient
// transposed dY [B*H*W, out] first, a third of this layer's time. The
// image's gradient, when asked for (a GAN's discriminator), is GoMLX's own.
//
// frozen cuts the windows with negative pads instead of Slices: the same
// values, copied a row of pixels at a time where a Slice copies one float at
// a time (about 2 ns each; the nine Slices were an eighth of the features'
// extraction on Fashion-MNIST). GoMLX cannot differentiate a negative pad, so
// only graphs that are never differentiated (inference) ask for it.
func conv2DOneChannel(x, w *Node, frozen bool) *Node {
	k, outChannels := w.Shape().Dim(0), w.Shape().Dim(3)
	batch, height, width := x.Shape().Dim(0), x.Shape().Dim(1), x.Shape().Dim(2)
	pad := k / 2
	var dY, windows *Node
	wg := IdentityWithCustomGradient(w, func(_, _ *Node) *Node {
		if dY == nil {
			panic("models: a convolution's kernel gradient was asked for before its output's")
		}
		return Reshape(DotGeneral(windows, []int{1}, nil, dY, []int{0}, nil), w.Shape().Dimensions...)
	})
	xp := padSpatial(x, pad)
	taps := make([]*Node, 0, k*k)
	for dy := range k {
		for dx := range k {
			var win *Node
			if frozen {
				win = cropSpatial(xp, dy, dx, height, width)
			} else {
				win = Slice(xp, AxisRange(), AxisRange(dy, dy+height), AxisRange(dx, dx+width), AxisRange())
			}
			taps = append(taps, Reshape(win, 1, batch*height*width))
		}
	}
	windows = Concatenate(taps, 0)
	y := DotGeneral(windows, []int{0}, nil, Reshape(wg, k*k, outChannels), []int{0}, nil)
	y = IdentityWithCustomGradient(y, func(_, v *Node) *Node {
		dY = v
		return v
	})
	return Reshape(y, batch, height, width, outChannels)
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

// unpadSpatial cuts pad rows and columns off every side of x [B, H, W, C]
// (undoing padSpatial) with a negative padding: block copies of image rows,
// where a Slice copies element by element. GoMLX cannot differentiate it: it
// serves only inside the gradients written out here.
func unpadSpatial(x *Node, pad int) *Node {
	return cropSpatial(x, pad, pad, x.Shape().Dim(1)-2*pad, x.Shape().Dim(2)-2*pad)
}

// cropSpatial keeps the height×width window of x [B, H, W, C] whose first
// pixel is (top, left), with a negative padding (block copies of image rows;
// not differentiable, like unpadSpatial).
func cropSpatial(x *Node, top, left, height, width int) *Node {
	return Pad(x, cropFill(x),
		compute.PadAxis{},
		compute.PadAxis{Start: -top, End: top + height - x.Shape().Dim(1)},
		compute.PadAxis{Start: -left, End: left + width - x.Shape().Dim(2)},
		compute.PadAxis{})
}

// zeroPadAxis appends zeros to axis of the matrix m up to size.
func zeroPadAxis(m *Node, axis, size int) *Node {
	n := m.Shape().Dim(axis)
	if size <= n {
		return m
	}
	pads := make([]compute.PadAxis, m.Rank())
	pads[axis].End = size - n
	return Pad(m, ScalarZero(m.Graph(), m.DType()), pads...)
}

// trimAxis keeps the first size entries of axis of m (undoing zeroPadAxis).
// It is a Pad with a negative end, which the Go backend runs as block
// copies where its Slice copies element by element, about 2 ns each. GoMLX
// cannot differentiate a negative padding: trimAxis serves only inside the
// gradients written out here.
func trimAxis(m *Node, axis, size int) *Node {
	n := m.Shape().Dim(axis)
	if n <= size {
		return m
	}
	pads := make([]compute.PadAxis, m.Rank())
	pads[axis].End = size - n
	return Pad(m, ScalarZero(m.Graph(), m.DType()), pads...)
}

// im2colIndices returns, for every output position (b, y, x) of a 1x1
// convolution at stride, the row of the flattened input [B*H*W, C] it reads:
// a tensor [B*outH*outW, 1] of int32.
func im2colIndices(batch, height, width, outH, outW, stride int) *tensors.Tensor {
	flat := make([]int32, 0, batch*outH*outW)
	for b := range batch {
		for oy := range outH {
			for ox := range outW {
				flat = append(flat, int32((b*height+oy*stride)*width+ox*stride))
			}
		}
	}
	return tensors.FromFlatDataAndDimensions(flat, len(flat), 1)
}

// rowWindowStarts returns, for every output position (b, y, x) and kernel
// row dy in that order, the first of the k pixels its taps read in the
// padded image [B, ph, pw, C] flattened to rows of channels [B*ph*pw, C]:
// the k taps of a kernel row are k neighbours of one padded image row, so
// one gathered window of k*C floats holds them, (dx, c) in order. A tensor
// [B*outH*outW*k, 1] of int32.
func rowWindowStarts(batch, ph, pw, outH, outW, k, stride int) *tensors.Tensor {
	flat := make([]int32, 0, batch*outH*outW*k)
	for b := range batch {
		for oy := range outH {
			for ox := range outW {
				for dy := range k {
					flat = append(flat, int32((b*ph+oy*stride+dy)*pw+ox*stride))
				}
			}
		}
	}
	return tensors.FromFlatDataAndDimensions(flat, len(flat), 1)
}

// cropFill is the fill value of a pad that only crops (every padding
// negative), where it never reaches the output: negative zero, because the
// Go backend fills a pad's output before it copies the operand in, and for a
// value whose bytes are all zero it takes a loop that stores one element at
// a time, for any other value doubling block copies (the one-channel frozen
// windows' fills: 0.76 s of a 4.4 s extraction with zero, about what the
// Slices they replace had cost).
func cropFill(x *Node) *Node {
	return Scalar(x.Graph(), x.DType(), math.Copysign(0, -1))
}

// shapeOf is the kernel shape with x's dtype.
func shapeOf(x *Node, dims ...int) shapes.Shape {
	return shapes.Make(x.DType(), dims...)
}

// identity is the n×n identity matrix.
func identity(g *Graph, dtype dtypes.DType, n int) *Node {
	return ConvertDType(Equal(Iota(g, shapes.Make(dtypes.Int32, n, n), 0), Iota(g, shapes.Make(dtypes.Int32, n, n), 1)), dtype)
}
