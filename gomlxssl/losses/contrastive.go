package losses

import (
	"fmt"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
)

// Contrastive is the margin loss of Siamese networks (Chopra, Hadsell & LeCun
// 2005; Hadsell, Chopra & LeCun 2006) over every pair of the N embeddings z
// [N, D]. dissimilar [N, N] (boolean) is the paper's label Y: false (Y = 0)
// for a similar pair, pulled together, true (Y = 1) for a dissimilar pair,
// pushed apart until their distance reaches the margin m. With D_ij the
// Euclidean distance,
//
//	L_ij = (1 − Y_ij) · ½ D_ij² + Y_ij · ½ max(0, m − D_ij)²
//
// The papers sample pairs; here every pair (i, j ≠ i) of the batch is used,
// and similar and dissimilar pairs are weighed equally — the mean over the
// similar pairs and the mean over the dissimilar ones, averaged — as a
// balanced pair sampler would, since a batch holds far more dissimilar pairs.
func Contrastive(z, dissimilar *Node, margin float64) *Node {
	n := z.Shape().Dim(0)
	if z.Rank() != 2 || dissimilar.DType() != dtypes.Bool || dissimilar.Rank() != 2 ||
		dissimilar.Shape().Dim(0) != n || dissimilar.Shape().Dim(1) != n {
		panic(fmt.Sprintf("losses.Contrastive: want z [N, D] and a boolean dissimilar [N, N], got %s and %s", z.Shape(), dissimilar.Shape()))
	}
	g := z.Graph()
	sq := ReduceSum(Square(z), -1) // [N]
	d2 := Sub(Add(InsertAxes(sq, -1), InsertAxes(sq, 0)), MulScalar(MatMul(z, Transpose(z, 0, 1)), 2))
	d2 = MaxScalar(d2, 0) // rounding can leave −ε
	dist := Sqrt(MaxScalar(d2, 1e-12))
	pull := MulScalar(d2, 0.5)
	push := MulScalar(Square(MaxScalar(AddScalar(Neg(dist), margin), 0)), 0.5) // ½ max(0, m − D)²
	self := diagonal(g, n)
	similar := And(LogicalNot(dissimilar), LogicalNot(self))
	apart := And(dissimilar, LogicalNot(self))
	mean := func(mask, v *Node) *Node {
		w := ConvertDType(mask, z.DType())
		return Div(ReduceAllSum(Mul(w, v)), MaxScalar(ReduceAllSum(w), 1))
	}
	return MulScalar(Add(mean(similar, pull), mean(apart, push)), 0.5)
}
