package models

import (
	"fmt"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
)

// PatchMask is MAE's random masking of an image's N patch tokens (He et al.
// 2022): each image keeps Keep of them, its own random choice, and hides
// the rest.
type PatchMask struct {
	// Select [B, Keep, N] holds one-hot rows: row r picks the visible token
	// of rank r. Gathering and scattering tokens are then products with it,
	// which keep the graph static and differentiable.
	Select *Node
	// Masked [B, N] is 1 where a patch is hidden, 0 where it is visible.
	Masked *Node
}

// RandomPatchMask keeps, in each image, the keep patches with the smallest
// noise [B, N] (uniform noise: a uniformly random subset), in increasing
// order of noise, as the paper's code does with an argsort. A patch's rank is
// the count of patches with smaller noise, ties broken by position, so that
// every image keeps exactly keep patches.
func RandomPatchMask(noise *Node, keep int) PatchMask {
	g := noise.Graph()
	if noise.Rank() != 2 || keep <= 0 || keep > noise.Shape().Dim(1) {
		panic(fmt.Sprintf("models.RandomPatchMask: want noise [B, N] and 0 < keep ≤ N, got %s and keep %d", noise.Shape(), keep))
	}
	n := noise.Shape().Dim(1)
	f32 := func(x *Node) *Node { return ConvertDType(x, dtypes.Float32) }
	mine := InsertAxes(noise, -1) // [B, N, 1]: patch i
	other := InsertAxes(noise, 1) // [B, 1, N]: patch j
	// before[i, j] = 1 where j < i: ties go to the earlier patch.
	pos := Iota(g, shapes.Make(dtypes.Int32, n, n), 0)
	before := f32(LessThan(Iota(g, shapes.Make(dtypes.Int32, n, n), 1), pos))
	rank := ReduceSum(Add(f32(LessThan(other, mine)), Mul(f32(Equal(other, mine)), InsertAxes(before, 0))), -1) // [B, N]
	ranks := Iota(g, shapes.Make(dtypes.Float32, 1, keep, 1), 1)
	sel := f32(Equal(InsertAxes(rank, 1), ranks)) // [B, keep, N]
	return PatchMask{Select: sel, Masked: f32(GreaterOrEqual(rank, Scalar(g, dtypes.Float32, float32(keep))))}
}

// Visible gathers the kept tokens [B, Keep, W] from tokens [B, N, W].
func (m PatchMask) Visible(tokens *Node) *Node {
	return Einsum("brn,bnw->brw", m.Select, tokens)
}

// Scatter puts the kept tokens [B, Keep, W] back at their patches' places in
// [B, N, W], with fill [W] at the hidden ones.
func (m PatchMask) Scatter(visible, fill *Node) *Node {
	placed := Einsum("brn,brw->bnw", m.Select, visible)
	return Add(placed, Mul(InsertAxes(m.Masked, -1), Reshape(fill, 1, 1, fill.Shape().Size())))
}

// MAEDecoder is MAE's light decoder: the encoder's tokens (CLS first, then
// the visible patches) mapped to Width, a learned mask token at every hidden
// patch, position embeddings of its own, Depth transformer blocks, and a
// linear layer to each patch's PatchDim pixel values. It is used for
// pre-training only: the representation is the encoder's.
type MAEDecoder struct {
	Width, Depth, Heads int
}

// Apply returns the predicted pixels of every patch [B, N, patchDim] from the
// encoded tokens [B, 1+Keep, W] and the mask that chose them.
func (d MAEDecoder) Apply(scope *model.Scope, encoded *Node, m PatchMask, patchDim int) *Node {
	g := encoded.Graph()
	n := m.Masked.Shape().Dim(1)
	x := layers.Dense(scope.In("embed"), encoded, true, d.Width)
	cls := Slice(x, AxisRange(), AxisRange(0, 1))
	visible := Slice(x, AxisRange(), AxisRange(1))
	init := initializer.RandomNormalFn(scope, 0.02)
	mask := scope.In("mask").WithInitializer(init).VariableWithShape("token", shapes.Make(dtypes.Float32, d.Width)).NodeValue(g)
	pos := scope.In("position").WithInitializer(init).VariableWithShape("embeddings", shapes.Make(dtypes.Float32, n, d.Width)).NodeValue(g)
	patches := Add(m.Scatter(visible, mask), InsertAxes(pos, 0))
	x = transformer(scope, Concatenate([]*Node{cls, patches}, 1), d.Depth, d.Heads)
	return layers.Dense(scope.In("predict"), Slice(x, AxisRange(), AxisRange(1)), true, patchDim)
}
