// Package losses holds the self-supervised objectives as graph functions, each
// beside a test against an independent float64 reference written from the paper.
package losses

import (
	"fmt"

	. "github.com/gomlx/gomlx/core/graph"
)

// NTXent is SimCLR's normalized temperature-scaled cross-entropy (Chen et al.
// 2020, eq. 1), averaged symmetrically over both views.
//
// z1 and z2 are [B, D] projections of two views of the same B images: row i of
// z1 and row i of z2 are a positive pair; every other of the 2B-2 rows is a
// negative. With s the cosine similarity,
//
//	ℓ(i, j) = −log( exp(s(i,j)/τ) / Σ_{k≠i} exp(s(i,k)/τ) )
//
// and the loss is the mean of ℓ over all 2B anchors.
func NTXent(z1, z2 *Node, temperature float64) *Node {
	if !z1.Shape().Equal(z2.Shape()) || z1.Rank() != 2 {
		panic(fmt.Sprintf("losses.NTXent: want two [B, D] views of one shape, got %s and %s", z1.Shape(), z2.Shape()))
	}
	logits, positive, self := viewPairs(z1, z2, temperature)
	// An anchor is never its own negative: mask the diagonal out of the softmax.
	logits = Where(self, BroadcastToShape(Scalar(z1.Graph(), logits.DType(), -1e9), logits.Shape()), logits)
	logProb := LogSoftmax(logits, -1)
	picked := ReduceSum(Where(positive, logProb, ZerosLike(logProb)), -1)
	return Neg(ReduceAllMean(picked))
}

// CrossEntropy is the mean softmax cross-entropy of logits [B, C] against
// int32 labels [B] (the supervised baseline's loss).
func CrossEntropy(logits, labels *Node) *Node {
	oneHot := OneHot(labels, logits.Shape().Dim(1), logits.DType())
	return Neg(ReduceAllMean(ReduceSum(Mul(oneHot, LogSoftmax(logits, -1)), -1)))
}
