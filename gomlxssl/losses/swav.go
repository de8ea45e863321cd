package losses

import (
	"fmt"

	. "github.com/gomlx/gomlx/core/graph"
)

// Sinkhorn turns scores [N, P] (similarities of N samples to P prototypes)
// into soft codes [N, P] by the Sinkhorn-Knopp algorithm, as SwAV does (Caron
// et al. 2020, section 3.1 and their distributed_sinkhorn): Q = exp(scores/ε)
// is rescaled, iterations times, so that every prototype receives the same
// total mass (1/P) and every sample carries 1/N — the equipartition that
// keeps all samples from being assigned to one prototype — and each row is
// returned summing to 1. The codes are targets: no gradient flows through
// them.
func Sinkhorn(scores *Node, epsilon float64, iterations int) *Node {
	if scores.Rank() != 2 {
		panic(fmt.Sprintf("losses.Sinkhorn: want scores [N, P], got %s", scores.Shape()))
	}
	n, p := scores.Shape().Dim(0), scores.Shape().Dim(1)
	s := StopGradient(scores)
	// Subtracting the largest score changes nothing after normalisation and
	// keeps exp(s/ε) finite for small ε.
	q := Exp(DivScalar(Sub(s, ReduceAllMax(s)), epsilon))
	q = Div(q, ReduceAllSum(q))
	for range iterations {
		q = DivScalar(Div(q, InsertAxes(ReduceSum(q, 0), 0)), float64(p))  // each prototype: 1/P
		q = DivScalar(Div(q, InsertAxes(ReduceSum(q, 1), -1)), float64(n)) // each sample: 1/N
	}
	return MulScalar(q, float64(n))
}

// SwAV is the swapped prediction loss (Caron et al. 2020, eq. 1–2): each
// view's codes are predicted from the other view's scores. scores1 and
// scores2 [B, P] are the two views' cosine similarities to the prototypes,
// codes1 and codes2 [B, P] their Sinkhorn codes, and with p = softmax(s/τ),
//
//	L = −½ · mean_b [ Σ_k q2_bk log p1_bk + Σ_k q1_bk log p2_bk ]
func SwAV(scores1, scores2, codes1, codes2 *Node, temperature float64) *Node {
	for _, x := range []*Node{scores2, codes1, codes2} {
		if !x.Shape().Equal(scores1.Shape()) || x.Rank() != 2 {
			panic(fmt.Sprintf("losses.SwAV: want scores and codes of one shape [B, P], got %s and %s", scores1.Shape(), x.Shape()))
		}
	}
	predict := func(codes, scores *Node) *Node {
		return ReduceAllMean(ReduceSum(Mul(StopGradient(codes), LogSoftmax(DivScalar(scores, temperature), -1)), -1))
	}
	return MulScalar(Add(predict(codes2, scores1), predict(codes1, scores2)), -0.5)
}
