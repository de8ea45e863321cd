package losses

import (
	"fmt"

	. "github.com/gomlx/gomlx/core/graph"
)

// BarlowTwins is the redundancy-reduction objective of Zbontar et al. (2021,
// eq. 1). z1 and z2 are [B, D] projections of two views; each of the D
// dimensions is standardised over the batch (mean 0, standard deviation 1,
// the biased estimate, as the paper's batch norm without affine), C is their
// cross-correlation matrix [D, D], and
//
//	L = Σ_i (1 − C_ii)² + λ Σ_i Σ_{j≠i} C_ij²
//
// The first term makes every dimension invariant to the augmentation; the
// second decorrelates the dimensions, so that they cannot all carry the same
// information — the paper's answer to collapse, with no negatives.
func BarlowTwins(z1, z2 *Node, lambda float64) *Node {
	if !z1.Shape().Equal(z2.Shape()) || z1.Rank() != 2 {
		panic(fmt.Sprintf("losses.BarlowTwins: want two [B, D] views of one shape, got %s and %s", z1.Shape(), z2.Shape()))
	}
	b, d := z1.Shape().Dim(0), z1.Shape().Dim(1)
	standardise := func(z *Node) *Node {
		centred := Sub(z, InsertAxes(ReduceMean(z, 0), 0))
		std := InsertAxes(Sqrt(AddScalar(ReduceMean(Square(centred), 0), 1e-5)), 0)
		return Div(centred, std)
	}
	c := DivScalar(MatMul(Transpose(standardise(z1), 0, 1), standardise(z2)), float64(b)) // [D, D]
	eye := diagonal(z1.Graph(), d)
	zeros := ZerosLike(c)
	onDiag := ReduceAllSum(Square(Where(eye, OneMinus(c), zeros)))
	offDiag := ReduceAllSum(Square(Where(eye, zeros, c)))
	return Add(onDiag, MulScalar(offDiag, lambda))
}
