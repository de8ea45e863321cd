package models

import (
	"fmt"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/layers/attention"
	"github.com/gomlx/gomlx/ml/layers/norm"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
)

// ViT is a small Vision Transformer (Dosovitskiy et al. 2021) sized for 2
// cores: the image cut into Patch×Patch patches (4 on 28- or 32-pixel
// images: 49 or 64 tokens), each flattened and linearly embedded to Width,
// learned position embeddings, a learned CLS token, Depth pre-norm blocks of
// multi-head self-attention (Heads heads; GoMLX's attention layer) and an
// MLP of 4×Width with GELU, a final layer norm. The representation is the
// CLS token's output, or with Mean the mean of the patch tokens' (the
// pooling MAE's authors also probe). Embed and Blocks are exposed apart so
// that MAE can encode only the visible patches.
type ViT struct {
	Width, Depth, Heads, Patch int
	Mean                       bool
}

// Name identifies the architecture: vit-WIDTH-DEPTH-HEADS (patch 4), or
// with -pP for another patch size.
func (v ViT) Name() string {
	name := fmt.Sprintf("vit-%d-%d-%d", v.Width, v.Depth, v.Heads)
	if v.Patch != 4 {
		name += fmt.Sprintf("-p%d", v.Patch)
	}
	if v.Mean {
		name += "-mean"
	}
	return name
}

// Dim is the width of the CLS token.
func (v ViT) Dim() int { return v.Width }

// Apply encodes images [B, H, W, C] to their CLS tokens [B, Width] (with
// Mean, their patch tokens' mean).
func (v ViT) Apply(scope *model.Scope, x *Node) *Node {
	out := v.Blocks(scope, v.Embed(scope, x))
	if v.Mean {
		return ReduceMean(Slice(out, AxisRange(), AxisRange(1)), 1)
	}
	return Squeeze(Slice(out, AxisRange(), AxisRange(0, 1)), 1)
}

// Patches cuts images [B, H, W, C] into the rows of their patches
// [B, (H/P)·(W/P), P·P·C], row-major over the patch grid.
func (v ViT) Patches(x *Node) *Node {
	b, h, w, c := x.Shape().Dim(0), x.Shape().Dim(1), x.Shape().Dim(2), x.Shape().Dim(3)
	p := v.Patch
	if h%p != 0 || w%p != 0 {
		panic(fmt.Sprintf("models.ViT: %d×%d images do not tile into %d-pixel patches", h, w, p))
	}
	x = Reshape(x, b, h/p, p, w/p, p, c)
	x = TransposeAllDims(x, 0, 1, 3, 2, 4, 5)
	return Reshape(x, b, (h/p)*(w/p), p*p*c)
}

// PixelOf is where value j of patch number patch (as Patches lays them
// out) lies in a flat h×w×c image: the inverse of Patches, for drawing a
// model's patches back into images on the host.
func (v ViT) PixelOf(patch, j, w, c int) int {
	p := v.Patch
	py, px := patch/(w/p), patch%(w/p)
	y, x, k := j/(p*c), (j/c)%p, j%c
	return ((py*p+y)*w+px*p+x)*c + k
}

// Embed returns the patch tokens [B, N, Width] with their position
// embeddings added, before any block (scope "embed").
func (v ViT) Embed(scope *model.Scope, x *Node) *Node {
	patches := v.Patches(x)
	n := patches.Shape().Dim(1)
	s := scope.In("embed")
	tokens := layers.Dense(s.In("patch"), patches, true, v.Width)
	pos := s.In("position").WithInitializer(initializer.RandomNormalFn(scope, 0.02)).
		VariableWithShape("embeddings", shapes.Make(dtypes.Float32, n, v.Width)).NodeValue(x.Graph())
	return Add(tokens, ExpandAxes(pos, 0))
}

// Blocks prepends the CLS token to tokens [B, n, Width] (all patches, or
// MAE's visible ones), runs the transformer blocks and the final layer norm,
// and returns [B, 1+n, Width], the CLS token first.
func (v ViT) Blocks(scope *model.Scope, tokens *Node) *Node {
	g := tokens.Graph()
	b := tokens.Shape().Dim(0)
	cls := scope.In("cls").WithInitializer(initializer.RandomNormalFn(scope, 0.02)).
		VariableWithShape("token", shapes.Make(dtypes.Float32, 1, 1, v.Width)).NodeValue(g)
	x := Concatenate([]*Node{BroadcastToDims(cls, b, 1, v.Width), tokens}, 1)
	return transformer(scope, x, v.Depth, v.Heads)
}

// transformer runs depth pre-norm blocks (scopes block0, block1, …) of
// multi-head self-attention and a 4×-wide GELU MLP, each added to its input,
// over tokens x [B, n, width], then a final layer norm (scope "norm"): the
// ViT's encoder and MAE's decoder.
func transformer(scope *model.Scope, x *Node, depth, heads int) *Node {
	width := x.Shape().Dim(-1)
	for i := range depth {
		blk := scope.In("block%d", i)
		y := norm.LayerNorm(blk.In("norm1"), x, -1).Done()
		x = Add(x, attention.SelfAttention(blk.In("attention"), y, heads, width/heads).Done())
		y = norm.LayerNorm(blk.In("norm2"), x, -1).Done()
		y = activation.Gelu(layers.Dense(blk.In("mlp1"), y, true, 4*width))
		x = Add(x, layers.Dense(blk.In("mlp2"), y, true, width))
	}
	return norm.LayerNorm(scope.In("norm"), x, -1).Done()
}
