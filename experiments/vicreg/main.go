// # VICReg: variance, invariance, covariance
//
// VICReg (Bardes, Ponce & LeCun, 2022) takes Barlow Twins' idea — no
// negatives; keep the representation informative by a criterion on each
// batch's statistics — and splits it into three terms that each say what
// they prevent:
//
//  1. **Invariance** — the two views' projections should be close (a mean
//     squared distance);
//  2. **Variance** — every dimension should keep a standard deviation of at
//     least 1 across the batch, so the batch cannot collapse to a point;
//  3. **Covariance** — different dimensions should be uncorrelated, so they
//     cannot all carry the same information (a collapse to a line).
//
// Unlike Barlow Twins, the two branches need not share weights or even
// architectures, since nothing couples the views but the invariance term.
//
// Measured at the default preset (25 epochs of batch 128, seed 1): with the
// paper's weights, kNN 15.7% and linear 30.2% against the random-init
// encoder's 12.1% and 17.1% (SimCLR: 41.4%, 63.0%). The loss tells where it
// stalls: by the second epoch it is down from 28.3 to 20.1, where the
// variance and covariance terms balance the invariance term, and in the 23
// epochs that follow it falls only to 18.5. Which term
// holds it? Trials of the quick minute (4 epochs of 2,048 images, batch 64;
// kNN with k = 20, random init 11.8%): the paper's weights 12.2%; λ = 5 or
// 100 instead of 25: 12.4% and 11.4%; a learning rate of 10⁻³: 9.6%; a
// projector of 32, 64 or 128 dimensions instead of 512: 13.4%, 12.8%, 13.4%;
// ν = 0.01 or 0.1 instead of 1: 12.6% and 14.8%; **ν = 0: 16.2%** (linear
// 22.8% against 13.8%), with a loss that keeps falling. Without its
// covariance term VICReg learns (at the default preset: kNN 24.2%,
// linear 45.0%, effective rank 10.9); with it, it does not, here.
// Why is not pinned down. It is not the covariance matrix's rank alone: a
// batch of B images gives it rank below B, so with 512 dimensions its
// off-diagonal terms cannot all vanish — but with 32 dimensions, fewer than
// the batch's images, VICReg stalls too. The paper trains with batches of
// 2,048 for hundreds of epochs. The ν = 0 run is kept as the variant `nocov`
// (`go run ./experiments/vicreg -covariance 0`).
package main

import (
	"flag"
	"fmt"

	. "github.com/gomlx/gomlx/core/graph"

	"github.com/mega-ssl/mega/gomlxssl/augment"
	"github.com/mega-ssl/mega/gomlxssl/experiment"
	"github.com/mega-ssl/mega/gomlxssl/losses"
	"github.com/mega-ssl/mega/gomlxssl/models"
)

// ## The knobs
//
// The paper's weights λ = 25 (invariance), μ = 25 (variance), ν = 1
// (covariance). The projector is 512 → 512 (the paper: three layers of
// 8,192), the Go backend's budget.
var (
	weights             losses.VICRegWeights
	projHidden, projDim int
)

func knobs(fs *flag.FlagSet) {
	fs.Float64Var(&weights.Invariance, "invariance", losses.DefaultVICReg.Invariance, "weight λ of the invariance term")
	fs.Float64Var(&weights.Variance, "variance", losses.DefaultVICReg.Variance, "weight μ of the variance term")
	fs.Float64Var(&weights.Covariance, "covariance", losses.DefaultVICReg.Covariance, "weight ν of the covariance term")
	fs.IntVar(&projHidden, "proj-hidden", 512, "hidden width of the projector")
	fs.IntVar(&projDim, "proj-dim", 512, "output dimension D of the projector")
}

// ## The loss
//
// For the two views' projections $Z, Z'$ ([B, D] each), with
// $s(Z, Z') = \frac{1}{BD}\sum_b \lVert z_b - z'_b \rVert^2$,
// $v(Z) = \frac{1}{D}\sum_j \max(0, 1 - \sqrt{\mathrm{Var}(z^j) + 10^{-4}})$ and
// $c(Z) = \frac{1}{D}\sum_{i \ne j} \mathrm{Cov}(Z)_{ij}^2$,
//
// $$\mathcal{L} = \lambda\, s(Z, Z') + \mu\, \tfrac{1}{2}[v(Z) + v(Z')] + \nu\, [c(Z) + c(Z')]$$
//
// as the authors' code computes it (`losses.VICReg`, tested against a float64
// reference and on a collapsed batch, whose loss is the variance term alone).
func vicreg(enc models.Encoder) experiment.Method {
	head := models.MLPHead{Hidden: projHidden, Out: projDim}
	return experiment.JointEmbedding(enc, head, "projector", func(z1, z2 *Node) *Node {
		return losses.VICReg(z1, z2, weights)
	})
}

// ## Augmentation and running it
//
// SimCLR's views (`augment.SimCLRShapes`), as for Barlow Twins; the shared
// runner writes `out/vicreg/`.
func augmentation() augment.Config { return augment.SimCLRShapes() }

func spec() experiment.Spec {
	return experiment.Spec{Name: "vicreg", Title: "VICReg", Flags: knobs, Augment: augmentation(), Build: vicreg, Variant: variant}
}

// variant keeps the paper's weights as the main run, the loss without its
// covariance term (ν = 0, the ablation measured above) as "nocov", and any
// other weighting apart.
func variant() (name, title string) {
	w := losses.DefaultVICReg
	switch {
	case weights == w:
		return "", ""
	case weights.Invariance == w.Invariance && weights.Variance == w.Variance && weights.Covariance == 0:
		return "nocov", "VICReg without its covariance term (ν = 0)"
	}
	return fmt.Sprintf("lambda%g-mu%g-nu%g", weights.Invariance, weights.Variance, weights.Covariance),
		fmt.Sprintf("VICReg (λ = %g, μ = %g, ν = %g)", weights.Invariance, weights.Variance, weights.Covariance)
}

func main() { experiment.Main(spec()) }
