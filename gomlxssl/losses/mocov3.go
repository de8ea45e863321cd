package losses

import (
	"fmt"

	. "github.com/gomlx/gomlx/core/graph"
)

// MoCoV3 is the symmetrised contrastive loss of MoCo v3 (Chen, Xie & He
// 2021, Algorithm 1) for the two views' queries q1, q2 (the online network's
// predictions) and keys k1, k2 (the momentum encoder's projections), all
// [B, D]: each query's positive is the other view's key of the same image,
// its negatives the other images' keys of that view, in the batch (no
// queue). On unit vectors,
//
//	ctr(q, k) = 2τ · mean_i −log( exp(q_i·k_i/τ) / Σ_j exp(q_i·k_j/τ) )
//
// and the loss is ctr(q1, k2) + ctr(q2, k1). The factor 2τ is the paper's
// (it makes the gradient's scale independent of τ). Keys are targets: no
// gradient flows into them.
func MoCoV3(q1, q2, k1, k2 *Node, temperature float64) *Node {
	if !q1.Shape().Equal(q2.Shape()) || !k1.Shape().Equal(k2.Shape()) || !q1.Shape().Equal(k1.Shape()) || q1.Rank() != 2 {
		panic(fmt.Sprintf("losses.MoCoV3: want queries and keys of one shape [B, D], got %s, %s, %s, %s", q1.Shape(), q2.Shape(), k1.Shape(), k2.Shape()))
	}
	ctr := func(q, k *Node) *Node {
		qn := L2NormalizeWithEpsilon(q, 1e-12, -1)
		kn := L2NormalizeWithEpsilon(StopGradient(k), 1e-12, -1)
		logProb := LogSoftmax(DivScalar(MatMul(qn, Transpose(kn, 0, 1)), temperature), -1) // [B, B]
		positive := diagonal(q.Graph(), q.Shape().Dim(0))
		return MulScalar(Neg(ReduceAllMean(ReduceSum(Where(positive, logProb, ZerosLike(logProb)), -1))), 2*temperature)
	}
	return Add(ctr(q1, k2), ctr(q2, k1))
}
