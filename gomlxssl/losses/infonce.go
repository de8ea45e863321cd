package losses

import (
	"fmt"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
)

// InfoNCE is the contrastive loss of MoCo (He et al. 2020, eq. 1) and of the
// memory bank (Wu et al. 2018, in its softmax form) for queries q [B, D],
// each with its positive key k [B, D] (from MoCo's momentum key encoder, or
// the bank's entry for the same image) and K negatives [K, D] shared by the
// batch (MoCo's queue, or entries sampled from the bank), all L2-normalised
// here:
//
//	ℓ_b = −log( exp(q_b·k_b/τ) / (exp(q_b·k_b/τ) + Σ_j exp(q_b·n_j/τ)) )
//
// averaged over the batch. exclude, if not nil, is a [B, K] boolean mask of
// negatives to leave out of a query's sum (a bank sample that is the query's
// own image). Keys and negatives are targets: no gradient flows into them.
func InfoNCE(q, k, negatives *Node, temperature float64, exclude *Node) *Node {
	if !q.Shape().Equal(k.Shape()) || q.Rank() != 2 || negatives.Rank() != 2 || negatives.Shape().Dim(1) != q.Shape().Dim(1) {
		panic(fmt.Sprintf("losses.InfoNCE: want q and k [B, D] and negatives [K, D], got %s, %s, %s", q.Shape(), k.Shape(), negatives.Shape()))
	}
	qn := L2NormalizeWithEpsilon(q, 1e-12, -1)
	kn := L2NormalizeWithEpsilon(StopGradient(k), 1e-12, -1)
	negs := L2NormalizeWithEpsilon(StopGradient(negatives), 1e-12, -1)
	pos := ReduceSum(Mul(qn, kn), -1)        // [B]
	neg := MatMul(qn, Transpose(negs, 0, 1)) // [B, K]
	if exclude != nil {
		if exclude.DType() != dtypes.Bool || exclude.Rank() != 2 || exclude.Shape().Dim(0) != neg.Shape().Dim(0) || exclude.Shape().Dim(1) != neg.Shape().Dim(1) {
			panic(fmt.Sprintf("losses.InfoNCE: exclude must be a [B, K] boolean mask, got %s", exclude.Shape()))
		}
		neg = Where(exclude, BroadcastToShape(Scalar(q.Graph(), neg.DType(), -1e9), neg.Shape()), neg)
	}
	logits := DivScalar(Concatenate([]*Node{InsertAxes(pos, -1), neg}, 1), temperature) // [B, 1+K]
	logProb := LogSoftmax(logits, -1)
	return Neg(ReduceAllMean(Slice(logProb, AxisRange(), AxisElem(0))))
}
