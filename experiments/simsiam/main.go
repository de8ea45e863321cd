// # SimSiam: no negatives, no momentum, a stop-gradient
//
// SimSiam (Chen & He, 2021) strips Siamese self-supervision to its bones: two
// views of an image go through the same encoder and projector, a small
// *predictor* maps one view's projection to the other's, and the loss is their
// negative cosine similarity. There are no negatives to push away and no
// momentum encoder, so what stops the network from mapping every image to one
// point — the trivial solution with the best possible loss? The paper's
// answer is the **stop-gradient**: the target projection is treated as a
// constant, so the network cannot move both sides towards each other at
// once. The runner's collapse monitor (the spread of the normalised
// projections, their effective rank) watches whether that holds here.
//
// Measured at the default preset (25 epochs of batch 128, seed 1): kNN
// [@simsiam knn] and linear [@simsiam linear] against the random-init
// encoder's [@simsiam random-knn] and [@simsiam random-linear] (SimCLR:
// [@simclr knn], [@simclr linear]); the normalised projections keep a spread
// of [@simsiam std] (1/√512 = 0.044 when healthy), with an effective rank of
// [@simsiam rank] of 512 dimensions. On Fashion-MNIST: kNN
// [@simsiam-fashion-mnist knn], [@simsiam-fashion-mnist gain] over random
// init (95% interval [@simsiam-fashion-mnist gain-interval] on the 10,000
// test images, at the `fashion` preset's ten epochs and one seed): short of
// the ten points MEGA asks of a method, and [@simsiam-fashion-mnist
// pixels-gain] over the raw pixels. Nothing else has been tried for SimSiam
// on this data yet; the collapse monitor's figures of that run (its
// section's table) say it did not collapse. (History, 2026-11-27: with 13
// epochs it had reached 21.2% and 37.7%.)
package main

import (
	"cmp"
	"flag"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mega-ssl/mega/gomlxssl/augment"
	"github.com/mega-ssl/mega/gomlxssl/experiment"
	"github.com/mega-ssl/mega/gomlxssl/losses"
	"github.com/mega-ssl/mega/gomlxssl/method"
	"github.com/mega-ssl/mega/gomlxssl/models"
)

// ## The knobs
//
// The paper's CIFAR projector is 2048-wide and ends with batch norm; its
// predictor is a bottleneck, 2048 → 512 → 2048. Here the projector is 512 wide
// (the Go backend's budget) and the predictor keeps the paper's ratio,
// 512 → 128 → 512. The paper trains the predictor with a fixed learning rate
// while the rest follows the cosine schedule ("the predictor should adapt to
// the latest representations"): `-predictor-peak-lr` (on by default) keeps
// the predictor at the peak learning rate throughout (the trainer's
// `PeakLRScopes`).
type config struct {
	// Projector's Out is the predictor's too; PredHidden is the predictor's bottleneck.
	Projector       models.MLPHead
	PredHidden      int
	PredictorPeakLR bool
}

func defaults() config {
	return config{Projector: models.MLPHead{Hidden: 512, Out: 512}, PredHidden: 128, PredictorPeakLR: true}
}

// Flags makes each knob a flag (`-proj-hidden`, `-proj-dim`, `-pred-hidden`,
// `-predictor-peak-lr`).
func (c *config) Flags(fs *flag.FlagSet) {
	c.Projector.Flags(fs, "proj", "projector (and the predictor's output)")
	fs.IntVar(&c.PredHidden, "pred-hidden", c.PredHidden, "bottleneck width of the predictor")
	fs.BoolVar(&c.PredictorPeakLR, "predictor-peak-lr", c.PredictorPeakLR, "train the predictor at the peak learning rate throughout")
}

// Check refuses a head without width.
func (c *config) Check(trainSize, batch int) error {
	return cmp.Or(c.Projector.Check("proj"), c.predictor().Check("pred"))
}

// predictor maps a projection to a prediction of the same width.
func (c *config) predictor() models.MLPHead {
	return models.MLPHead{Hidden: c.PredHidden, Out: c.Projector.Out}
}

// ## The model and the loss
//
// With the projections $z_1, z_2$ and predictions $p_1, p_2$ of the two views,
//
// $$\mathcal{L} = \frac{1}{2} D(p_1, \mathrm{sg}(z_2)) + \frac{1}{2} D(p_2, \mathrm{sg}(z_1)), \qquad D(p, z) = -\frac{p^\top z}{\lVert p \rVert\, \lVert z \rVert}$$
//
// `losses.SimSiam` is tested against a float64 reference, and for the
// stop-gradient: no gradient reaches the projections through the targets.
func (c *config) simsiam(enc models.Encoder) experiment.Method {
	predictor := c.predictor()
	network := method.Network(enc, c.Projector, "projector")
	embed := func(scope *model.Scope, x *Node) (h, z *Node) {
		h, z = network(scope, x)
		return h, models.BatchNorm(scope.In("projector_bn"), z) // the projector ends with batch norm, as the paper's
	}
	var peak []string
	if c.PredictorPeakLR {
		peak = []string{"/predictor"}
	}
	return experiment.Method{
		PeakLRScopes: peak,
		Loss: func(scope *model.Scope, b method.Batch) *Node {
			_, z := embed(scope, method.BothViews(b.V1, b.V2))
			p1, p2 := method.SplitViews(predictor.Apply(scope.In("predictor"), z))
			z1, z2 := method.SplitViews(z)
			return losses.SimSiam(p1, p2, z1, z2)
		},
		Embed: embed,
	}
}

// ## Augmentation and running it
//
// SimCLR's views (`augment.SimCLRShapes`); the shared runner writes
// `out/simsiam/` and flags the run `collapsed` if the projections collapse.
func augmentation() augment.Policy { return augment.SimCLRShapes() }

func spec() experiment.Spec {
	c := defaults()
	return experiment.Spec{Name: "simsiam", Title: "SimSiam", Config: &c, Augment: augmentation(), Build: c.simsiam}
}

func main() { experiment.Main(spec()) }
