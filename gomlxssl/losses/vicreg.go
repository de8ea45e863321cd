package losses

import (
	"fmt"

	. "github.com/gomlx/gomlx/core/graph"
)

// VICRegWeights are VICReg's coefficients: invariance λ, variance μ,
// covariance ν (the paper's 25, 25, 1).
type VICRegWeights struct{ Invariance, Variance, Covariance float64 }

// DefaultVICReg are the paper's weights.
func DefaultVICReg() VICRegWeights { return VICRegWeights{Invariance: 25, Variance: 25, Covariance: 1} }

// VICReg is the variance–invariance–covariance objective of Bardes, Ponce &
// LeCun (2022), as their reference code computes it, for two [B, D] views:
//
//	s = mean over B and D of (z1 − z2)²                   (invariance)
//	v = ½ Σ_views mean_j max(0, 1 − √(Var(z_j) + 1e-4))    (variance, unbiased Var)
//	c = Σ_views Σ_{i≠j} Cov(z)_ij² / D                     (covariance, /(B − 1))
//	L = λ s + μ v + ν c
//
// The variance term keeps every dimension spread out across the batch (no
// collapse to a point), the covariance term decorrelates dimensions (no
// collapse to a line), and the invariance term pulls the two views together.
func VICReg(z1, z2 *Node, w VICRegWeights) *Node {
	if !z1.Shape().Equal(z2.Shape()) || z1.Rank() != 2 {
		panic(fmt.Sprintf("losses.VICReg: want two [B, D] views of one shape, got %s and %s", z1.Shape(), z2.Shape()))
	}
	b, d := z1.Shape().Dim(0), z1.Shape().Dim(1)
	inv := ReduceAllMean(Square(Sub(z1, z2)))
	eye := diagonal(z1.Graph(), d)
	variance, covariance := ScalarZero(z1.Graph(), z1.DType()), ScalarZero(z1.Graph(), z1.DType())
	for _, z := range []*Node{z1, z2} {
		centred := Sub(z, InsertAxes(ReduceMean(z, 0), 0))
		cov := DivScalar(MatMul(Transpose(centred, 0, 1), centred), float64(b-1)) // [D, D]
		diag := ReduceSum(Where(eye, cov, ZerosLike(cov)), 0)                     // Var(z_j), unbiased
		std := Sqrt(AddScalar(diag, 1e-4))
		variance = Add(variance, MulScalar(ReduceAllMean(MaxScalar(OneMinus(std), 0.0)), 0.5))
		covariance = Add(covariance, DivScalar(ReduceAllSum(Square(Where(eye, ZerosLike(cov), cov))), float64(d)))
	}
	return Add(Add(MulScalar(inv, w.Invariance), MulScalar(variance, w.Variance)), MulScalar(covariance, w.Covariance))
}
