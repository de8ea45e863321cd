package losses

import (
	"fmt"

	. "github.com/gomlx/gomlx/core/graph"
)

// MoCo is the InfoNCE loss of MoCo (He et al. 2020, eq. 1) for queries q
// [B, D] with their positive keys k [B, D] (from the momentum key encoder)
// and the queue [K, D] of earlier keys as negatives, all L2-normalised here:
//
//	ℓ_b = −log( exp(q_b·k_b/τ) / (exp(q_b·k_b/τ) + Σ_j exp(q_b·queue_j/τ)) )
//
// averaged over the batch. Keys and queue are targets: no gradient flows into
// them.
func MoCo(q, k, queue *Node, temperature float64) *Node {
	if !q.Shape().Equal(k.Shape()) || q.Rank() != 2 || queue.Rank() != 2 || queue.Shape().Dim(1) != q.Shape().Dim(1) {
		panic(fmt.Sprintf("losses.MoCo: want q and k [B, D] and queue [K, D], got %s, %s, %s", q.Shape(), k.Shape(), queue.Shape()))
	}
	qn := L2NormalizeWithEpsilon(q, 1e-12, -1)
	kn := L2NormalizeWithEpsilon(StopGradient(k), 1e-12, -1)
	negs := L2NormalizeWithEpsilon(StopGradient(queue), 1e-12, -1)
	pos := ReduceSum(Mul(qn, kn), -1)                                                   // [B]
	neg := MatMul(qn, Transpose(negs, 0, 1))                                            // [B, K]
	logits := DivScalar(Concatenate([]*Node{InsertAxes(pos, -1), neg}, 1), temperature) // [B, 1+K]
	logProb := LogSoftmax(logits, -1)
	return Neg(ReduceAllMean(Slice(logProb, AxisRange(), AxisElem(0))))
}
