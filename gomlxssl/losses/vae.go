package losses

import (
	"fmt"

	. "github.com/gomlx/gomlx/core/graph"
)

// GaussianKL is the KL divergence of each latent dimension of a diagonal
// Gaussian posterior q(z|x) = N(μ, σ²) from the standard normal prior, in
// closed form (Kingma & Welling 2014, appendix B):
//
//	KL_j = ½ (μ_j² + σ_j² − 1 − log σ_j²)
//
// mu and logVar are [B, L]; the result is [B, L] (sum over L for an image's
// KL term).
func GaussianKL(mu, logVar *Node) *Node {
	if !mu.Shape().Equal(logVar.Shape()) || mu.Rank() != 2 {
		panic(fmt.Sprintf("losses.GaussianKL: want mu and logVar [B, L], got %s and %s", mu.Shape(), logVar.Shape()))
	}
	return MulScalar(Sub(Add(Square(mu), Exp(logVar)), AddScalar(logVar, 1)), 0.5)
}

// BernoulliNLL is the negative log-likelihood of images x [B, H, W, C] with
// values in [0, 1] under independent Bernoulli pixels of logits [B, H, W, C],
// summed over each image's pixels ([B]):
//
//	−log p(x|z) = Σ softplus(l) − x·l
//
// (the binary cross-entropy with logits, written stably). Grey values make it
// the "continuous Bernoulli" up to a constant, as the usual VAE code uses it.
func BernoulliNLL(logits, x *Node) *Node {
	if !logits.Shape().Equal(x.Shape()) {
		panic(fmt.Sprintf("losses.BernoulliNLL: logits %s and images %s differ", logits.Shape(), x.Shape()))
	}
	// softplus(l) = max(l, 0) + log(1 + exp(−|l|))
	softplus := Add(MaxScalar(logits, 0), Log1P(Exp(Neg(Abs(logits)))))
	perPixel := Sub(softplus, Mul(x, logits))
	return ReduceSum(Reshape(perPixel, x.Shape().Dim(0), -1), 1)
}

// NegativeELBO is the β-VAE objective averaged over the batch: the
// reconstruction's negative log-likelihood plus β times the KL term,
//
//	L = mean_b [ −log p(x_b|z_b) ] + β Σ_j max(λ, mean_b KL_bj)
//
// with z_b drawn by the reparameterisation z = μ + σ·ε. With λ = 0 the KL
// term is mean_b Σ_j KL_bj and, at β = 1, L is the negative evidence lower
// bound of Kingma & Welling. λ > 0 gives every latent dimension λ "free
// bits" (Kingma et al. 2016): below λ nats its KL costs nothing, so the
// optimiser gains nothing by collapsing it to the prior.
func NegativeELBO(logits, x, mu, logVar, beta *Node, freeBits float64) *Node {
	rec := ReduceAllMean(BernoulliNLL(logits, x))
	kl := ReduceMean(GaussianKL(mu, logVar), 0) // [L]: each dimension's KL, batch mean
	if freeBits > 0 {
		kl = MaxScalar(kl, freeBits)
	}
	return Add(rec, Mul(ConvertDType(beta, kl.DType()), ReduceAllSum(kl)))
}
