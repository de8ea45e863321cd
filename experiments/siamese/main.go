// # Siamese networks: learning by comparing
//
// Metric learning, the talk's bridge from supervised to self-supervised
// learning. A Siamese network (Bromley et al. 1993; Chopra, Hadsell & LeCun
// 2005, for face verification) passes two inputs through *the same* encoder
// and compares the two embeddings by their distance. It is trained on pairs:
// pairs of the same person are pulled together, pairs of different people are
// pushed apart — but only until they are a margin apart, since pushing
// already-distant pairs further teaches nothing.
//
// The pairs of the 2005 paper come from labels ("same person or not"). The
// talk's turn is to build them from the data alone: two augmented views of
// one image are a similar pair, views of two different images a dissimilar
// one — which is instance discrimination, the idea behind every contrastive
// method that follows. This experiment runs both:
//
//   - `go run ./experiments/siamese` — pairs from augmented views, no labels
//     (results in `out/siamese/`);
//   - `go run ./experiments/siamese -pairs labels` — pairs from labels, the
//     supervised 2005 setting (results in `out/siamese-labels/`, marked as
//     using labels).
//
// Measured at the default preset (25 epochs of batch 128, seed 1): with
// pairs from views, kNN [@siamese knn] and linear [@siamese linear] against
// the random-init encoder's [@siamese random-knn] and
// [@siamese random-linear].
//
// On Fashion-MNIST, kNN [@siamese-fashion-mnist knn]
// ([@siamese-fashion-mnist gain] over random init, 95% interval
// [@siamese-fashion-mnist gain-interval] on the 10,000 test images at the
// `fashion` preset's ten epochs and one seed: short of the ten points MEGA
// asks of a method, within the test set's own uncertainty, and
// [@siamese-fashion-mnist pixels-gain] over the raw pixels; nothing else
// has been tried on this data yet).
//
// What follows is the run
// of 2026-11-27 with pairs from labels (`-pairs labels`): the network first does
// not move at all: the loss settles at once at 0.125, the value of a
// *class-blind* arrangement where every pair sits at half the margin
// (½·[½(m/2)² + ½(m/2)²] with m = 1), and stays there for ten epochs (kNN
// 12–16%). At that point the pull of same-class pairs and the push of the
// others cancel for every embedding; what remains of the gradient is the
// difference between the mean of an image's class and the mean of the
// others, which is close to zero when the encoder starts with no class
// structure — our shapes share no pixels within a class the way two photos of
// one face do. That small remainder grows as it acts: at epoch 11 the loss
// starts to fall (0.1250 at epoch 10, 0.1223 at 12, 0.094 at 14), and the labels then
// teach fast — kNN [@siamese-labels knn] and linear [@siamese-labels linear]
// after 25 epochs (the run `go run run.go run siamese-pairs` makes now; its
// loss too leaves 0.125 only after ten epochs), most of the way from the
// random-init encoder's [@siamese-labels random-knn] to the cross-entropy
// classifier's [@siamese-labels supervised-knn] and
// [@siamese-labels supervised-linear]. A shorter schedule never
// leaves the saddle: with 13 epochs (the learning rate decays sooner) the
// run ended at kNN 14.3%, and lower and higher learning rates, margins of 0.1
// and 0.5, unnormalised embeddings and a single view per image stayed on it
// for 6-epoch trials. Pairs from views have no such saddle: two views of one
// image are similar from the very first step.
package main

import (
	"cmp"
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
// The margin m = 1 of the reference setting. The embeddings are
// L2-normalised, so distances lie in [0, 2] and the margin asks dissimilar
// pairs to be at least 60° apart (a chord of 1 on the unit sphere). The
// head is SimCLR's (256 → 128).
type config struct {
	Margin float64
	Pairs  string
	Head   models.MLPHead
}

func defaults() config {
	return config{Margin: 1, Pairs: "views", Head: models.MLPHead{Hidden: 256, Out: 128}}
}

// Flags makes each knob a flag (`-margin`, `-pairs`, `-proj-hidden`, `-proj-dim`).
func (c *config) Flags(fs *flag.FlagSet) {
	fs.Float64Var(&c.Margin, "margin", c.Margin, "margin m: dissimilar pairs are pushed apart until this distance")
	fs.StringVar(&c.Pairs, "pairs", c.Pairs, "where pairs come from: views (two views of one image = similar) or labels (same class = similar)")
	c.Head.Flags(fs, "proj", "projection head (the compared embeddings)")
}

// ## The loss and the label convention
//
// With $D$ the Euclidean distance between the two embeddings of a pair and
// the paper's label $Y$ — **$Y = 0$ for a similar pair, $Y = 1$ for a
// dissimilar one** —
//
// $$L(Y, D) = (1 - Y)\,\tfrac{1}{2} D^2 + Y\,\tfrac{1}{2} \max(0, m - D)^2$$
//
// Rather than sampling pairs, every pair of the 2B embeddings of a batch (both
// views of B images) is used, and the similar and the dissimilar pairs are
// weighed equally (`losses.Contrastive`, tested against a float64 reference
// of this formula): a batch holds far more dissimilar pairs than similar ones.
// With views, $Y_{ij} = 0$ only for the two views of the same image; with
// labels, $Y_{ij} = 1$ when images i and j are of different classes.
func (c *config) siamese(enc models.Encoder) experiment.Method {
	m := experiment.JointEmbedding(enc, c.Head, "projection", func(v method.Views) *Node {
		z := method.BothViews(v.Z1, v.Z2) // every pair of the 2B embeddings
		return losses.Contrastive(L2NormalizeWithEpsilon(z, 1e-12, -1), c.dissimilar(v.Batch), c.Margin)
	})
	m.Labels = c.Pairs == "labels"
	return m
}

// dissimilar is Y for every pair of the 2B embeddings (view 1 of the batch,
// then view 2).
func (c *config) dissimilar(b method.Batch) *Node {
	id := b.Index // the same image: a similar pair
	if c.Pairs == "labels" {
		id = b.Label // the same class
	}
	both := method.BothViews(id, id) // [2B]
	return NotEqual(InsertAxes(both, -1), InsertAxes(both, 0))
}

// ## Augmentation and running it
//
// SimCLR's views (`augment.SimCLRShapes`) for both runs: without labels they
// are what defines a similar pair; with labels they make the similar pairs
// harder (two images of a class, each augmented).
func augmentation() augment.Policy { return augment.SimCLRShapes() }

func spec() experiment.Spec {
	c := defaults()
	return experiment.Spec{Name: "siamese", Title: "Siamese network (pairs from views)", Config: &c,
		Augment: augmentation(), Build: c.siamese, Variant: c.variant, VariantFlags: []string{"pairs"}}
}

// variant sends the run with pairs from labels to out/siamese-labels/.
func (c *config) variant() (name, title string) {
	if c.Pairs == "labels" {
		return "labels", "Siamese network (pairs from labels)"
	}
	return "", ""
}

func (c *config) Check(trainSize, batch int) error {
	if c.Pairs != "labels" && c.Pairs != "views" {
		return fmt.Errorf("-pairs %q: want views or labels", c.Pairs)
	}
	return cmp.Or(method.Positive("-margin", c.Margin), c.Head.Check("proj"))
}

func main() { experiment.Main(spec()) }
