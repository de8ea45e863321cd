// Package pretext holds the transformations of handcrafted pretext tasks as
// graph operations — rotations (RotNet, the self-supervised GAN's auxiliary
// loss) and jigsaw puzzles (tiles, shuffles and the permutation set) — so that
// the experiments that train on them share one tested implementation.
package pretext

import (
	"fmt"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
)

// Rotate90 turns square images x [B, H, W, C] by k quarter turns
// counter-clockwise: pixel (i, j) of the result is pixel (j, W−1−i) of x for
// one turn.
func Rotate90(x *Node, k int) *Node {
	if x.Rank() != 4 || x.Shape().Dim(1) != x.Shape().Dim(2) {
		panic(fmt.Sprintf("pretext.Rotate90: want square images [B, H, W, C], got %s", x.Shape()))
	}
	switch ((k % 4) + 4) % 4 {
	case 1:
		return Reverse(Transpose(x, 1, 2), 1)
	case 2:
		return Reverse(x, 1, 2)
	case 3:
		return Reverse(Transpose(x, 1, 2), 2)
	}
	return x
}

// Rotations stacks the four rotations of a batch x [B, H, W, C] — 0°, 90°,
// 180°, 270°, each a block of B — into [4B, H, W, C], with the number of
// quarter turns of each row as int32 labels [4B].
func Rotations(x *Node) (rotated, turns *Node) {
	b := x.Shape().Dim(0)
	parts := make([]*Node, 4)
	for k := range parts {
		parts[k] = Rotate90(x, k)
	}
	turns = Div(Iota(x.Graph(), shapes.Make(dtypes.Int32, 4*b), 0), Scalar(x.Graph(), dtypes.Int32, b))
	return Concatenate(parts, 0), turns
}

// RotateQuarters turns each quarter of a batch x [B, H, W, C] (B a multiple
// of 4) by its own number of quarter turns — the first quarter not at all,
// the last by 270° — and returns the turns as int32 labels [B]: one rotation
// per image, the self-supervised GAN's estimate of the rotation loss at the
// cost of one batch instead of four.
func RotateQuarters(x *Node) (rotated, turns *Node) {
	b := x.Shape().Dim(0)
	if b%4 != 0 {
		panic(fmt.Sprintf("pretext.RotateQuarters: a batch of %d does not split in quarters", b))
	}
	q := b / 4
	parts := make([]*Node, 4)
	for k := range parts {
		parts[k] = Rotate90(Slice(x, AxisRange(k*q, (k+1)*q)), k)
	}
	turns = Div(Iota(x.Graph(), shapes.Make(dtypes.Int32, b), 0), Scalar(x.Graph(), dtypes.Int32, q))
	return Concatenate(parts, 0), turns
}
