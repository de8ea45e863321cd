package models

import (
	"fmt"
	"strconv"
	"strings"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
)

// Encoder maps a batch of images [B, H, W, C] to representations [B, Dim()].
type Encoder interface {
	// Name identifies the architecture in results, e.g. "convnet-32-64-128-256".
	Name() string
	// Dim is the size of the representation.
	Dim() int
	// Apply builds the encoder's graph in scope.
	Apply(scope *model.Scope, x *Node) *Node
}

// ConvNet is the small encoder sized for the Go backend on 2 cores: one 3x3
// convolution + batch norm + ReLU per entry of Widths (stride 1 for the first,
// 2 for the others), then global average pooling.
type ConvNet struct {
	Widths []int
}

// DefaultConvNet is the benchmark encoder: 3→32 s1, 32→64 s2, 64→128 s2, 128→256 s2.
func DefaultConvNet() ConvNet { return ConvNet{Widths: []int{32, 64, 128, 256}} }

// Name implements Encoder.
func (c ConvNet) Name() string { return widthsName("convnet", c.Widths) }

// widthsName names a network by its kind and layer widths:
// "convnet-16-32-64-128".
func widthsName(kind string, widths []int) string {
	parts := make([]string, len(widths))
	for i, w := range widths {
		parts[i] = strconv.Itoa(w)
	}
	return kind + "-" + strings.Join(parts, "-")
}

// Dim implements Encoder.
func (c ConvNet) Dim() int { return c.Widths[len(c.Widths)-1] }

// Apply implements Encoder.
func (c ConvNet) Apply(scope *model.Scope, x *Node) *Node {
	return ReduceMean(c.FeatureMaps(scope, x, len(c.Widths)), 1, 2)
}

// FeatureMaps is the output of the first blocks blocks (after batch norm and
// ReLU), [B, H', W', Widths[blocks−1]], under the scope names Apply uses:
// what the learned filters respond to, and where.
func (c ConvNet) FeatureMaps(scope *model.Scope, x *Node, blocks int) *Node {
	for i, width := range c.Widths[:blocks] {
		s := scope.In("block%d", i)
		stride := 2
		if i == 0 {
			stride = 1
		}
		x = activation.Relu(BatchNorm(s.In("bn"), Conv2D(s, x, width, 3, stride)))
	}
	return x
}

// FirstFilters is the first convolution's kernel [3, 3, C, Widths[0]] as
// Apply creates it under scope, or nil when scope holds none: the learned
// filters, for figures.
func (c ConvNet) FirstFilters(scope *model.Scope) *model.Variable {
	return scope.In("block0").In("conv").GetVariable("weights")
}

// ResNet18 is ResNet-18 with the CIFAR stem (3x3 convolution, stride 1, no
// max-pool), for GPU runs of the full preset. Its representation has 512 dims.
type ResNet18 struct{}

// Name implements Encoder.
func (ResNet18) Name() string { return "resnet18-cifar" }

// Dim implements Encoder.
func (ResNet18) Dim() int { return 512 }

// Apply implements Encoder.
func (ResNet18) Apply(scope *model.Scope, x *Node) *Node {
	stem := scope.In("stem")
	x = activation.Relu(BatchNorm(stem.In("bn"), Conv2D(stem, x, 64, 3, 1)))
	for stage, width := range []int{64, 128, 256, 512} {
		for block := range 2 {
			stride := 1
			if stage > 0 && block == 0 {
				stride = 2
			}
			x = basicBlock(scope.In("stage%d_block%d", stage, block), x, width, stride)
		}
	}
	return ReduceMean(x, 1, 2)
}

// basicBlock is ResNet's two-convolution residual block, with a 1x1 projection
// on the shortcut when the shape changes.
func basicBlock(scope *model.Scope, x *Node, width, stride int) *Node {
	y := activation.Relu(BatchNorm(scope.In("bn1"), Conv2D(scope.In("c1"), x, width, 3, stride)))
	y = BatchNorm(scope.In("bn2"), Conv2D(scope.In("c2"), y, width, 3, 1))
	shortcut := x
	if stride != 1 || x.Shape().Dim(3) != width {
		if stride != 1 {
			shortcut = Slice(x, AxisRange(), AxisRange().Stride(stride), AxisRange().Stride(stride), AxisRange())
		}
		shortcut = BatchNorm(scope.In("bn_sc"), Conv2D(scope.In("sc"), shortcut, width, 1, 1))
	}
	return activation.Relu(Add(y, shortcut))
}

// ParseEncoder reads an encoder name: "convnet" (the default widths),
// "convnet-16-32-64-128" (explicit widths) or "resnet18".
//
// Keep widths multiples of 16 on the Go backend with GOEXPERIMENT=simd: Go
// 1.27's archsimd.LoadFloat32x16Part loads 16 lanes and masks afterwards, so
// GoMLX's per-channel broadcast ops (batch norm, biases) on a channel count
// that is not a multiple of 16 read up to 60 bytes past a buffer and, rarely,
// crash with SIGSEGV when that crosses into an unmapped page (seen with
// convnet-4-8).
func ParseEncoder(name string) (Encoder, error) {
	switch {
	case name == "convnet":
		return DefaultConvNet(), nil
	case name == "resnet18" || name == "resnet18-cifar":
		return ResNet18{}, nil
	case strings.HasPrefix(name, "convnet-"):
		var widths []int
		for _, p := range strings.Split(strings.TrimPrefix(name, "convnet-"), "-") {
			w, err := strconv.Atoi(p)
			if err != nil || w <= 0 {
				return nil, fmt.Errorf("encoder %q: widths must be positive integers, as in convnet-32-64-128-256", name)
			}
			widths = append(widths, w)
		}
		return ConvNet{Widths: widths}, nil
	case strings.HasPrefix(name, "vit-"):
		return parseViT(name)
	}
	return nil, fmt.Errorf("unknown encoder %q: want convnet, convnet-W1-W2-..., resnet18, or vit-WIDTH-DEPTH-HEADS[-pPATCH][-mean]", name)
}

// parseViT reads vit-WIDTH-DEPTH-HEADS with an optional -pPATCH (4 by
// default) and an optional -mean (the mean patch token as the
// representation, not the CLS token); the width must split evenly into the
// heads.
func parseViT(name string) (Encoder, error) {
	parts := strings.Split(strings.TrimPrefix(name, "vit-"), "-")
	v := ViT{Patch: 4}
	if n := len(parts); n >= 4 && parts[n-1] == "mean" {
		v.Mean, parts = true, parts[:n-1]
	}
	if n := len(parts); n == 4 && strings.HasPrefix(parts[3], "p") {
		p, err := strconv.Atoi(strings.TrimPrefix(parts[3], "p"))
		if err != nil || p <= 0 {
			return nil, fmt.Errorf("encoder %q: the patch size must be a positive integer, as in vit-96-4-3-p4", name)
		}
		v.Patch, parts = p, parts[:3]
	}
	if len(parts) != 3 {
		return nil, fmt.Errorf("encoder %q: want vit-WIDTH-DEPTH-HEADS[-pPATCH][-mean], as in vit-96-4-3", name)
	}
	var dims [3]int
	for i, p := range parts {
		d, err := strconv.Atoi(p)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("encoder %q: width, depth and heads must be positive integers, as in vit-96-4-3", name)
		}
		dims[i] = d
	}
	v.Width, v.Depth, v.Heads = dims[0], dims[1], dims[2]
	if v.Width%v.Heads != 0 {
		return nil, fmt.Errorf("encoder %q: the width %d does not split into %d heads", name, v.Width, v.Heads)
	}
	return v, nil
}
