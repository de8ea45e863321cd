// # NNCLR: a neighbour as the positive
//
// SimCLR's positive pair is two augmentations of one image, so everything the
// network learns to share is what a crop, a flip and a colour jitter leave in
// place. NNCLR (Dwibedi, Aytar, Tompson, Sermanet & Zisserman, 2021) asks
// for more: the positive of a view is its **nearest neighbour** among the
// embeddings of *other* images seen lately — a support set Q kept as a queue,
// like MoCo's — so that the representation must also be shared with a
// different image that the network already finds similar, a variation no
// hand-written augmentation makes. Everything else is SimCLR's: in-batch
// negatives, a softmax over cosine similarities, a temperature τ; like BYOL
// and SimSiam it adds a prediction head on one side.
//
// It answers the talk's question about the views from the other end: the
// talk's methods make the views differ by augmentation, NNCLR by drawing one
// of them from the data itself.
//
// Measured at the default preset (25 epochs of batch 128, seed 1): kNN
// [@nnclr knn] and linear [@nnclr linear] against the random-init encoder's
// [@nnclr random-knn] and [@nnclr random-linear] (SimCLR, which differs only
// in the positive: [@simclr knn], [@simclr linear]); on all of
// Fashion-MNIST kNN [@nnclr-fashion-mnist knn] and linear
// [@nnclr-fashion-mnist linear], [@nnclr-fashion-mnist gain] over the
// random-init encoder and [@nnclr-fashion-mnist pixels-gain] over the raw
// pixels. That gain over random init — 95% interval
// [@nnclr-fashion-mnist gain-interval] on the 10,000 test images, one seed
// at the `fashion` preset's ten epochs — falls short of the ten points MEGA
// asks of a method, within the test set's own uncertainty. Tried: twice the
// epochs (`-dataset fashion-mnist -epochs 20`, a run of its own): kNN
// [@nnclr-20ep-fashion-mnist knn] and linear
// [@nnclr-20ep-fashion-mnist linear], [@nnclr-20ep-fashion-mnist gain] over
// random init ([@nnclr-20ep-fashion-mnist gain-interval]). In that run
// (2026-12-04, at b4cf52c, 26 minutes on two cores, the only training run
// but beside this session's builds and benchmarks now and then) the kNN
// rose by about half a point with the second ten epochs — the bar cleared,
// by less than the gain's own interval — and the linear probe did not move:
// as for SimCLR, SwAV and the memory bank (the report's "Every method"),
// more epochs of this encoder buy a little, not a step.
//
// On the shapes it learns far less than SimCLR (one run, 2026-12-03, at
// bb5a80b, and again on 2026-12-04 beside the run below). The reason first
// written here — a neighbour is only as good as the embedding that finds
// it, and early in training the nearest other image of a red star is a red
// anything, so the positives teach the network to keep colour, which the
// augmentation was there to remove — was then tested, and does not hold up:
// with `-own-positives 5` (a run of its own, `out/nnclr-own5/`; below, in
// "The model and the loss") each view's own projection is its positive for
// the first five epochs while the support set fills with real embeddings,
// and the neighbours take over after that. It reaches kNN
// [@nnclr-own5 knn] and linear [@nnclr-own5 linear] against the default's
// [@nnclr knn] and [@nnclr linear] on the same budget (2026-12-04, one seed
// each, 2-core AMD EPYC): level within the test set's interval. And with
// its own positives throughout (`-own-positives 25`, `out/nnclr-own25/`: no
// neighbour ever, so the positive is SimCLR's and what is left of NNCLR is
// its loss — a predictor, targets that take no gradient, and the batch's B
// predictions as the negatives) it reaches [@nnclr-own25 knn] and
// [@nnclr-own25 linear], as far below SimCLR's [@simclr knn] and
// [@simclr linear] as NNCLR itself. The gap to SimCLR on the shapes is in
// that loss, not in the neighbours. What is left to try: which of its
// three parts it is (gradients through the targets too, the 2B − 2
// negatives of SimCLR's NT-Xent, no predictor), and a larger support set.
package main

import (
	"cmp"
	"flag"
	"fmt"

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
// The paper's ImageNet support set holds 98,304 embeddings and solo-learn's
// CIFAR recipe 65,536, with a 2048 → 256 projector, a 4096-wide predictor and
// τ = 0.2. Here the projector is SimCLR's (256 → 128, so that the two differ
// only in the positive), the predictor twice as wide inside (256, the
// recipe's ratio), the support set 4,096 embeddings (MoCo's queue), and τ =
// 0.2, as in SimCLR's notebook.
type config struct {
	Temperature float64
	// Support is the size of the support set Q: the most recent projections
	// of the first view, B per step.
	Support              int
	Projector, Predictor models.MLPHead
	// OwnPositives is a warm-up, not the paper's: for this many epochs each
	// view's own projection is its positive (SimCLR's positive, with the
	// predictor), while the support set fills; the neighbours take over
	// after it. 0: neighbours from the first step.
	OwnPositives int
}

func defaults() config {
	return config{Temperature: 0.2, Support: 4096,
		Projector: models.MLPHead{Hidden: 256, Out: 128}, Predictor: models.MLPHead{Hidden: 256, Out: 128}}
}

// Flags makes each knob a flag (`-temperature`, `-support`, `-proj-hidden`,
// `-proj-dim`, `-pred-hidden`).
func (c *config) Flags(fs *flag.FlagSet) {
	fs.Float64Var(&c.Temperature, "temperature", c.Temperature, "temperature τ")
	fs.IntVar(&c.Support, "support", c.Support, "size of the support set Q (a multiple of -batch: each step adds B projections)")
	c.Projector.Flags(fs, "proj", "projector (z, and the predictor's output)")
	fs.IntVar(&c.Predictor.Hidden, "pred-hidden", c.Predictor.Hidden, "hidden width of the predictor")
	fs.IntVar(&c.OwnPositives, "own-positives", c.OwnPositives, "epochs during which each view's own projection is its positive, before the nearest neighbours take over (0: the paper)")
}

// Check refuses a support set that the step's B projections do not tile
// (the queue replaces its oldest B at a time), and a temperature or head
// the loss cannot train with.
func (c *config) Check(trainSize, batch int) error {
	if c.Support <= 0 || c.Support%batch != 0 {
		return fmt.Errorf("-support %d must be a positive multiple of -batch (%d)", c.Support, batch)
	}
	if c.OwnPositives < 0 {
		return fmt.Errorf("-own-positives %d: want 0 or more epochs", c.OwnPositives)
	}
	return cmp.Or(method.Positive("-temperature", c.Temperature), c.Projector.Check("proj"), c.predictor().Check("pred"))
}

// predictor maps a projection to a prediction of the same width.
func (c *config) predictor() models.MLPHead {
	return models.MLPHead{Hidden: c.Predictor.Hidden, Out: c.Projector.Out}
}

// ## The model and the loss
//
// Both views go through the encoder and the projector as one batch
// (`method.Network`, `method.BothViews`), giving projections $z_1, z_2$;
// the predictor maps them to $p_1, p_2$. With $\mathrm{NN}(z, Q)$ the
// element of the support set with the largest cosine to $z$, the loss of
// image $i$ is
//
// $$\ell_i = -\log \frac{\exp(\mathrm{NN}(z_{1,i}, Q)^\top p_{2,i} / \tau)}{\sum_{k=1}^{B} \exp(\mathrm{NN}(z_{1,i}, Q)^\top p_{2,k} / \tau)}$$
//
// on unit vectors, averaged over the batch and symmetrised with the views
// swapped (`losses.NNCLR`: the look-up `losses.NearestNeighbour`, then
// `losses.NNCLRTargets`; tested against a float64 reference written from
// this formula, and for its targets: no gradient flows through the look-up).
// After the step the first view's projections, normalised, replace the
// oldest $B$ in $Q$ (`models.KeyQueue`, MoCo's queue, saved with the
// checkpoints). At first $Q$ holds random vectors; after
// $|Q| / B$ steps (32 at the default preset) it holds only real embeddings.
//
// `-own-positives E` is a warm-up of our own, to test why the neighbours
// teach little on the shapes (below): for the first $E$ epochs each view's
// target is its own projection $z_{1,i}$ instead of $\mathrm{NN}(z_{1,i}, Q)$ —
// SimCLR's positive, with NNCLR's predictor and its stop-gradient on the
// target (`losses.NNCLRTargets`, tested against the same reference with a
// support set that holds the batch itself) — while $Q$ fills; then the
// neighbours take over.
func (c *config) nnclr(enc models.Encoder) experiment.Method {
	network := method.Network(enc, c.Projector, "projector")
	predictor := c.predictor()
	return experiment.Method{
		Loss: func(scope *model.Scope, b method.Batch) *Node {
			_, z := network(scope, method.BothViews(b.V1, b.V2))
			p1, p2 := method.SplitViews(predictor.Apply(scope.In("predictor"), z))
			z1, z2 := method.SplitViews(z)
			support, enqueue := models.KeyQueue(scope.In("support"), z.Graph(), c.Support, c.Projector.Out)
			t1, t2 := losses.NearestNeighbour(z1, support), losses.NearestNeighbour(z2, support)
			if c.OwnPositives > 0 { // 1 during the warm-up, then 0
				own := ConvertDType(LessThan(b.Step, Scalar(z.Graph(), b.Step.DType(), c.OwnPositives*b.StepsPerEpoch)), z.DType())
				mix := func(z, nn *Node) *Node {
					unit := L2NormalizeWithEpsilon(StopGradient(z), 1e-12, -1)
					return Add(Mul(own, unit), Mul(OneMinus(own), nn))
				}
				t1, t2 = mix(z1, t1), mix(z2, t2)
			}
			loss := losses.NNCLRTargets(t1, t2, p1, p2, c.Temperature)
			enqueue(L2NormalizeWithEpsilon(z1, 1e-12, -1))
			return loss
		},
		Embed: network,
	}
}

// ## Augmentation and running it
//
// SimCLR's views (`augment.SimCLRShapes`, adapted to gray data by the
// runner); the shared runner writes `out/nnclr/`.
func augmentation() augment.Policy { return augment.SimCLRShapes() }

func spec() experiment.Spec {
	c := defaults()
	return experiment.Spec{Name: "nnclr", Title: "NNCLR", Config: &c, Augment: augmentation(), Build: c.nnclr, Variant: c.variant, VariantFlags: []string{"temperature", "support", "own-positives"}}
}

// variant names a run with another support set or temperature by them
// ("q1024-t0.1"), so that it sits beside the main run instead of replacing it.
func (c *config) variant() (name, title string) {
	d := defaults()
	var v experiment.VariantName
	if c.Support != d.Support {
		v.Add(fmt.Sprintf("q%d", c.Support), fmt.Sprintf("|Q| = %d", c.Support))
	}
	if c.Temperature != d.Temperature {
		v.Add(fmt.Sprintf("t%g", c.Temperature), fmt.Sprintf("τ = %g", c.Temperature))
	}
	if c.OwnPositives != d.OwnPositives {
		v.Add(fmt.Sprintf("own%d", c.OwnPositives), fmt.Sprintf("own positives for %d epochs", c.OwnPositives))
	}
	return v.Result("NNCLR")
}

func main() { experiment.Main(spec()) }
