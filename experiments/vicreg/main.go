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
// Measured at the default preset (25 epochs of batch 128, seed 1, the
// paper's weights, a projector of D = 16 dimensions): kNN [@vicreg knn] and
// linear [@vicreg linear] against the random-init encoder's
// [@vicreg random-knn] and [@vicreg random-linear] (SimCLR: [@simclr knn],
// [@simclr linear]); on Fashion-MNIST kNN [@vicreg-fashion-mnist knn]
// ([@vicreg-fashion-mnist gain] over random init). The projector's width is
// what decides it here, and the story of how that was found is worth
// telling, because it is about what the covariance term asks for.
//
// The trials on shapes with one seed each (±3 points on the 1,000 test
// images, 95%): the two 25-epoch rows read their runs on disk, the variants
// `d512` and `nocov-d512` (`go run run.go run vicreg-projector` runs them
// and the default); the 13-epoch rows are history, measured on 2026-11-27
// (before 68b9980) with runs that were not kept:
//
// | projector (D), covariance weight ν | epochs | kNN | linear | effective rank |
// |---|---|---|---|---|
// | D = 512, ν = 1 (`-proj-dim 512`) | 25 | [@vicreg-d512 knn] | [@vicreg-d512 linear] | [@vicreg-d512 rank] |
// | D = 512, ν = 0 (`-proj-dim 512 -covariance 0`) | 25 | [@vicreg-nocov-d512 knn] | [@vicreg-nocov-d512 linear] | [@vicreg-nocov-d512 rank] |
// | D = 512 | 13 | about 15% | — | — |
// | D = 64 | 13 | 19.6% | — | — |
// | D = 32 | 13 | 21.8% | — | — |
// | **D = 16: the default** | 13 | 25.9% | — | — |
// | D = 8 | 13 | 24.1% | — | — |
//
// With the projector 512 wide (the paper's is 8,192), VICReg barely learned:
// its loss stalled by the second epoch, and the ablation without the
// covariance term learned — so the covariance term held it back. What it
// asks: that all D dimensions be decorrelated, each with a standard
// deviation of at least 1 — D independent, augmentation-invariant features.
// Our images have ten shapes and a little nuisance that survives the
// augmentations; to fill 512 decorrelated dimensions, the encoder must spend
// itself on whatever varies from image to image, not on the shape. Shrink D
// and the demand shrinks with it, so the default here is D = 16, with the
// paper's weights unchanged. The paper's 8,192 dimensions suit ImageNet's
// thousand classes and the long tail of what tells its images apart; the
// projector's width is a statement about how much independent information
// the data holds.
package main

import (
	"flag"
	"fmt"

	. "github.com/gomlx/gomlx/core/graph"

	"github.com/mega-ssl/mega/gomlxssl/augment"
	"github.com/mega-ssl/mega/gomlxssl/experiment"
	"github.com/mega-ssl/mega/gomlxssl/losses"
	"github.com/mega-ssl/mega/gomlxssl/method"
	"github.com/mega-ssl/mega/gomlxssl/models"
)

// ## The knobs
//
// The paper's weights λ = 25 (invariance), μ = 25 (variance), ν = 1
// (covariance). The projector is 512 → 16 (the paper: three layers of
// 8,192; see above for why 16 here).
type config struct {
	Weights   losses.VICRegWeights
	Projector models.MLPHead
}

func defaults() config {
	return config{Weights: losses.DefaultVICReg(), Projector: models.MLPHead{Hidden: 512, Out: 16}}
}

// Flags makes each knob a flag (`-invariance`, `-variance`, `-covariance`,
// `-proj-hidden`, `-proj-dim`).
func (c *config) Flags(fs *flag.FlagSet) {
	fs.Float64Var(&c.Weights.Invariance, "invariance", c.Weights.Invariance, "weight λ of the invariance term")
	fs.Float64Var(&c.Weights.Variance, "variance", c.Weights.Variance, "weight μ of the variance term")
	fs.Float64Var(&c.Weights.Covariance, "covariance", c.Weights.Covariance, "weight ν of the covariance term")
	c.Projector.Flags(fs, "proj", "projector (D)")
}

// Check refuses negative weights or a projector without width.
func (c *config) Check(trainSize, batch int) error {
	if w := c.Weights; w.Invariance < 0 || w.Variance < 0 || w.Covariance < 0 {
		return fmt.Errorf("-invariance %g, -variance %g and -covariance %g must not be negative", w.Invariance, w.Variance, w.Covariance)
	}
	return c.Projector.Check("proj")
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
func (c *config) vicreg(enc models.Encoder) experiment.Method {
	return experiment.JointEmbedding(enc, c.Projector, "projector", func(v method.Views) *Node {
		return losses.VICReg(v.Z1, v.Z2, c.Weights)
	})
}

// ## Augmentation and running it
//
// SimCLR's views (`augment.SimCLRShapes`), as for Barlow Twins; the shared
// runner writes `out/vicreg/`.
func augmentation() augment.Policy { return augment.SimCLRShapes() }

func spec() experiment.Spec {
	c := defaults()
	return experiment.Spec{Name: "vicreg", Title: "VICReg", Config: &c, Augment: augmentation(), Build: c.vicreg, Variant: c.variant, VariantFlags: []string{"invariance", "variance", "covariance", "proj-dim"}}
}

// variant keeps the paper's weights with the default projector as the main
// run; other weights or another projector width go apart: the loss without
// its covariance term (ν = 0) is "nocov", a width D is "dD" ("d512",
// "nocov-d512": the runs measured above).
func (c *config) variant() (name, title string) {
	w := losses.DefaultVICReg()
	base, v := "VICReg", experiment.VariantName{}
	switch {
	case c.Weights == w:
	case c.Weights.Invariance == w.Invariance && c.Weights.Variance == w.Variance && c.Weights.Covariance == 0:
		base = "VICReg without its covariance term"
		v.Add("nocov", "ν = 0")
	default:
		v.Add(fmt.Sprintf("lambda%g-mu%g-nu%g", c.Weights.Invariance, c.Weights.Variance, c.Weights.Covariance),
			fmt.Sprintf("λ = %g, μ = %g, ν = %g", c.Weights.Invariance, c.Weights.Variance, c.Weights.Covariance))
	}
	if c.Projector.Out != defaults().Projector.Out {
		v.Add(fmt.Sprintf("d%d", c.Projector.Out), fmt.Sprintf("D = %d", c.Projector.Out))
	}
	return v.Result(base)
}

func main() { experiment.Main(spec()) }
