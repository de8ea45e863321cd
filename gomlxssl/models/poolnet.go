package models

import (
	"strconv"
	"strings"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
)

// PoolNet is the plain supervised convnet a practitioner without
// self-supervision would train: per entry of Widths a 3×3 convolution at
// stride 1, batch norm and ReLU, followed (but after the last) by a 2×2 max
// pool that halves the side, then global average pooling — the VGG pattern at
// the width of MEGA's encoder. It is the label-efficiency tables' second
// supervised baseline: where ConvNet strides its convolutions (the encoder
// every method pre-trains), PoolNet keeps each layer's full resolution before
// pooling, which costs little at 28 px and is the stronger classifier.
type PoolNet struct {
	Widths []int
}

// Name implements Encoder: "poolnet-16-32-64-128".
func (p PoolNet) Name() string {
	parts := make([]string, len(p.Widths))
	for i, w := range p.Widths {
		parts[i] = strconv.Itoa(w)
	}
	return "poolnet-" + strings.Join(parts, "-")
}

// Dim implements Encoder.
func (p PoolNet) Dim() int { return p.Widths[len(p.Widths)-1] }

// Apply implements Encoder.
func (p PoolNet) Apply(scope *model.Scope, x *Node) *Node {
	for i, width := range p.Widths {
		s := scope.In("block%d", i)
		x = activation.Relu(BatchNorm(s.In("bn"), Conv2D(s, x, width, 3, 1)))
		if i < len(p.Widths)-1 && x.Shape().Dim(1) >= 2 && x.Shape().Dim(2) >= 2 {
			x = MaxPool(x).Window(2).Strides(2).Done()
		}
	}
	return ReduceMean(x, 1, 2)
}
