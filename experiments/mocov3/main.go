// # MoCo v3: a momentum encoder, and the batch as the dictionary
//
// MoCo v3 (Chen, Xie & He, 2021) keeps what made MoCo work — a query
// encoder trained by gradient and a key encoder that follows it by momentum
// — and drops what made it complicated: the queue. With the large batches
// of its time, the keys of the other images *in the batch* are negatives
// enough, so the dictionary is the batch and every key is fresh. From BYOL
// it borrows a prediction head on the query side. The paper then trains
// Vision Transformers with it; here it runs on the same convnet as every
// other method, so that it can be set beside MoCo v2, BYOL and SimCLR.
//
// It answers the talk's "where do the negatives come from?" with the
// simplest choice again — the batch, as SimCLR — while keeping the momentum
// encoder that BYOL showed can stand in for negatives altogether.
//
// Measured at the default preset (25 epochs of batch 128, seed 1): kNN
// [@mocov3 knn] and linear [@mocov3 linear] against the random-init
// encoder's [@mocov3 random-knn] and [@mocov3 random-linear] (MoCo v2:
// [@moco knn], [@moco linear]; BYOL: [@byol knn], [@byol linear]); on
// Fashion-MNIST kNN [@mocov3-fashion-mnist knn] ([@mocov3-fashion-mnist gain]
// over random init). On the paper's encoder, the small ViT
// (`go run ./experiments/mocov3 -encoder vit-96-4-3`, a run of its own
// beside this one): kNN [@mocov3-vit-96-4-3 knn] and linear
// [@mocov3-vit-96-4-3 linear] against the random-init ViT's
// [@mocov3-vit-96-4-3 random-knn] and [@mocov3-vit-96-4-3 random-linear];
// on Fashion-MNIST (`-encoder vit-96-4-3 -dataset fashion-mnist`) kNN
// [@mocov3-vit-96-4-3-fashion-mnist knn] and linear
// [@mocov3-vit-96-4-3-fashion-mnist linear]
// ([@mocov3-vit-96-4-3-fashion-mnist gain] over the random-init ViT). That
// run has been made once so far, on a GPU lent for a quarter of an hour
// (NVIDIA H200 through XLA, 2026-12-04, at 463cc8f; 121 s), whose files did
// not come back, so as history from its log: kNN 81.4%, linear 85.6%,
// against the random-init ViT's 57.6% and 62.8% and the raw pixels' 78.8%
// and 83.4% — the ViT clears both bars on real data, where on the shapes
// its baselines learn little in the preset's budget.
//
// The convnet's run on Fashion-MNIST, at the `fashion` preset's ten epochs
// and one seed, gains [@mocov3-fashion-mnist gain-interval] (95% interval on
// the 10,000 test images) over the random-init encoder: short of the ten kNN
// points MEGA asks of a method, within the test set's own uncertainty,
// though it beats the raw pixels by [@mocov3-fashion-mnist pixels-gain].
// Tried: twice the epochs (`-dataset fashion-mnist -epochs 20`, a run of
// its own): kNN [@mocov3-20ep-fashion-mnist knn] and linear
// [@mocov3-20ep-fashion-mnist linear], [@mocov3-20ep-fashion-mnist gain]
// over random init ([@mocov3-20ep-fashion-mnist gain-interval]). In that
// run (2026-12-04, at b4cf52c, 40 minutes on two cores, a third of it
// beside the test suite and two minutes paused for a benchmark) the kNN
// rose by about a point with the second ten epochs and cleared the bar,
// though the low end of the gain's interval is still under it; the linear
// probe stayed where it was. Like NNCLR, SwAV and the memory bank (the report's "Every
// method"), the budget was what held the kNN short.
//
// On the shapes the convnet falls far short of SimCLR, which differs from
// it in the momentum key encoder, the predictor and a loss whose keys take
// no gradient. What was tried (2026-12-04 at b5f9a02, one seed, 2-core AMD
// EPYC): the key encoder's base momentum at 0 instead of 0.99
// (`go run ./experiments/mocov3 -momentum 0`, a run of its own,
// `out/mocov3-momentum0/`; m still rises to 1 on the cosine, so the keys
// follow the queries closely early and freeze late) reaches kNN
// [@mocov3-momentum0 knn] and linear [@mocov3-momentum0 linear] against the
// default's [@mocov3 knn] and [@mocov3 linear]: a target that trails by a
// hundred steps costs on a run of 1,150, as BYOL's section measured for
// BYOL. What remains is the same gap as NNCLR's: with its own positives
// throughout, NNCLR's loss (a predictor, targets without gradient, the
// batch's B predictions as negatives) lands where MoCo v3 with m = 0 does
// ([@nnclr-own25 knn]), both far below SimCLR's [@simclr knn] — so on this
// budget it is the one-sided loss, more than the momentum, that costs.
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
// Temperature τ = 0.2, the paper's for its ViTs and solo-learn's CIFAR
// recipe (the reference code's ResNet-50 recipe uses τ = 1.0); the key
// encoder's momentum rising from m = 0.99 to 1 on a cosine schedule, as in
// the paper (and BYOL); a prediction head on the query side. The heads are narrower than the paper's 4096 → 256, as
// everywhere here: a 512-wide projector to 128 dimensions and a 512-wide
// predictor.
type config struct {
	Temperature, Momentum float64
	// Projector's Out is the predictor's too.
	Projector  models.MLPHead
	PredHidden int
}

func defaults() config {
	return config{Temperature: 0.2, Momentum: 0.99, Projector: models.MLPHead{Hidden: 512, Out: 128}, PredHidden: 512}
}

// Flags makes each knob a flag (`-temperature`, `-momentum`, `-proj-hidden`,
// `-proj-dim`, `-pred-hidden`).
func (c *config) Flags(fs *flag.FlagSet) {
	fs.Float64Var(&c.Temperature, "temperature", c.Temperature, "temperature τ of the contrastive loss")
	fs.Float64Var(&c.Momentum, "momentum", c.Momentum, "base momentum m of the key encoder (raised to 1 on a cosine schedule)")
	c.Projector.Flags(fs, "proj", "projector (and the predictor's output)")
	fs.IntVar(&c.PredHidden, "pred-hidden", c.PredHidden, "hidden width of the predictor")
}

// Check refuses a temperature the loss cannot divide by, a momentum outside
// [0, 1] and a head without width, before anything trains.
func (c *config) Check(trainSize, batch int) error {
	return cmp.Or(method.Positive("-temperature", c.Temperature), method.UnitInterval("-momentum", c.Momentum, false),
		c.Projector.Check("proj"), c.predictor().Check("pred"))
}

// predictor maps a projection to a prediction of the same width.
func (c *config) predictor() models.MLPHead {
	return models.MLPHead{Hidden: c.PredHidden, Out: c.Projector.Out}
}

// ## The networks and the loss
//
// Both views go through the query encoder, its projector and the predictor
// (scope "online"), giving queries $q_1, q_2$, and through the key encoder
// and its projector (scope "target"), giving keys $k_1, k_2$. On unit
// vectors, with the other images' keys of the batch as negatives,
//
// $$\mathrm{ctr}(q, k) = -\frac{2\tau}{B} \sum_{i=1}^{B} \log \frac{\exp(q_i^\top k_i / \tau)}{\sum_{j=1}^{B} \exp(q_i^\top k_j / \tau)}, \qquad \mathcal{L} = \mathrm{ctr}(q_1, k_2) + \mathrm{ctr}(q_2, k_1)$$
//
// (`losses.MoCoV3`, tested against a float64 reference of the paper's
// Algorithm 1, and for its targets: no gradient reaches the keys). After the
// step the key encoder moves towards the query encoder,
// $\xi \leftarrow m\,\xi + (1-m)\,\theta$ (`models.UpdateTarget`, with BYOL's
// cosine schedule of m): the two networks are BYOL's, `method.MomentumPair`.
func (c *config) mocov3(enc models.Encoder) experiment.Method {
	views, embed := method.MomentumPair(enc, c.Projector, c.predictor(), c.Momentum)
	return experiment.Method{
		Loss: func(scope *model.Scope, b method.Batch) *Node {
			q1, q2, k1, k2 := views(scope, b)
			return losses.MoCoV3(q1, q2, k1, k2, c.Temperature)
		},
		Embed: embed, // the probes read the query encoder
	}
}

// ## Augmentation and running it
//
// SimCLR's views (`augment.SimCLRShapes`, adapted to gray data by the
// runner); the shared runner writes `out/mocov3/`.
func augmentation() augment.Policy { return augment.SimCLRShapes() }

func spec() experiment.Spec {
	c := defaults()
	return experiment.Spec{Name: "mocov3", Title: "MoCo v3", Config: &c, Augment: augmentation(), Build: c.mocov3}
}

func main() { experiment.Main(spec()) }
