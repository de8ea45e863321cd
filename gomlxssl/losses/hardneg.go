package losses

import (
	"fmt"
	"math"

	. "github.com/gomlx/gomlx/core/graph"
)

// HardNegative is the hard-negative contrastive loss of Robinson, Chuang,
// Sra & Jegelka (2021, "Contrastive learning with hard negative samples",
// eq. 4 and their reference code), over the same 2B anchors as NTXent: for
// an anchor with positive similarity s⁺ and the N = 2B − 2 negatives' s_k
// (cosines), with p = exp(s⁺/τ) and n_k = exp(s_k/τ),
//
//	w_k = n_k^β / mean_k(n_k^β)                  (importance of negative k)
//	Ng  = max((Σ_k w_k n_k − τ⁺ N p) / (1 − τ⁺), N e^{−1/τ})
//	ℓ   = −log(p / (p + Ng))
//
// β concentrates the weight on negatives similar to the anchor (hard ones);
// τ⁺ is the class prior that corrects for negatives that share the anchor's
// class (the debiasing of Chuang et al. 2020). β = 0 is the debiased loss
// alone; β = 0 and τ⁺ = 0 is NT-Xent.
func HardNegative(z1, z2 *Node, temperature, beta, tauPlus float64) *Node {
	if !z1.Shape().Equal(z2.Shape()) || z1.Rank() != 2 {
		panic(fmt.Sprintf("losses.HardNegative: want two [B, D] views of one shape, got %s and %s", z1.Shape(), z2.Shape()))
	}
	n := 2 * z1.Shape().Dim(0)
	logits, positive, self := viewPairs(z1, z2, temperature) // s/τ, [2B, 2B]
	negative := LogicalNot(LogicalOr(positive, self))
	zeros := ZerosLike(logits)
	posLogit := ReduceSum(Where(positive, logits, zeros), -1) // s⁺/τ per anchor
	numNeg := float64(n - 2)
	// exp((1+β)s/τ) and exp(βs/τ) over the negatives only.
	imp := Where(negative, Exp(MulScalar(logits, beta)), zeros)
	weighted := ReduceSum(Where(negative, Exp(MulScalar(logits, 1+beta)), zeros), -1)
	reweighted := Div(weighted, DivScalar(ReduceSum(imp, -1), numNeg))
	p := Exp(posLogit)
	ng := DivScalar(Sub(reweighted, MulScalar(p, tauPlus*numNeg)), 1-tauPlus)
	ng = MaxScalar(ng, numNeg*math.Exp(-1/temperature))
	return ReduceAllMean(Neg(Log(Div(p, Add(p, ng)))))
}
