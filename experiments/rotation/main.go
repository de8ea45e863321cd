// # RotNet: learning by predicting rotations
//
// Gidaris, Singh & Komodakis (2018) proposed what may be the simplest pretext
// task that works: rotate an image by 0°, 90°, 180° or 270° and ask the
// network which rotation it sees. The labels are free, and the task cannot
// be solved from low-level statistics alone — to know which way is up, the
// network must recognise the object and its parts, which is the
// representation we want.
//
// Our shapes data makes the talk's warning concrete: the task must be
// "difficult, but not too difficult". A circle, a ring, a square, a cross or
// a hexagon looks the same after a quarter turn — for those classes the task
// is impossible from the shape, and only nuisance (a background gradient, a
// stripe direction, a distractor blob) can tell which way is up. The test
// accuracy of the pretext task itself is reported beside the probes.
//
// Measured at the default preset (13 epochs — four rotations make an epoch
// cost twice SimCLR's — batch 128, seed 1): the encoder ends at kNN
// [@rotation knn] and linear [@rotation linear] (random init:
// [@rotation random-knn], [@rotation random-linear]), the rotation itself
// named for [@rotation pretext] of the test images (chance: 25%). In the
// run of 2026-11-27 the loss sat at log 4, the value of guessing, for seven
// epochs, then fell — a task hard enough that solving part of it forces the
// encoder to learn what the shapes are.
//
// On Fashion-MNIST, kNN [@rotation-fashion-mnist knn]
// ([@rotation-fashion-mnist gain] over random init,
// [@rotation-fashion-mnist pixels-gain] over the raw pixels).
package main

import (
	"flag"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mega-ssl/mega/gomlxssl/augment"
	"github.com/mega-ssl/mega/gomlxssl/experiment"
	"github.com/mega-ssl/mega/gomlxssl/losses"
	"github.com/mega-ssl/mega/gomlxssl/method"
	"github.com/mega-ssl/mega/gomlxssl/models"
	"github.com/mega-ssl/mega/gomlxssl/pretext"
)

// ## The knobs
//
// The classifier on top of the encoder's representation h is a small MLP
// (h → 256 → 4); RotNet puts its classifier on convolutional features, and
// the representation we probe is the encoder's output, as for every method.
type config struct {
	Head models.MLPHead // Out is the four rotations
}

func defaults() config { return config{Head: models.MLPHead{Hidden: 256, Out: 4}} }

// Flags makes the knob a flag (`-head-hidden`).
func (c *config) Flags(fs *flag.FlagSet) {
	fs.IntVar(&c.Head.Hidden, "head-hidden", c.Head.Hidden, "hidden width of the rotation classifier")
}

// Check refuses a classifier without width.
func (c *config) Check(trainSize, batch int) error { return c.Head.Check("head") }

// ## The task and the loss
//
// Every image of the batch is shown in all four rotations (RotNet found this
// better than one random rotation per image), so a batch of B images is 4B
// examples whose labels are the number of quarter turns
// (`pretext.Rotations`, tested pixel by pixel). The loss is the cross-entropy
// of the rotation, $\ell = -\log p_\theta(r \mid \mathrm{rot}_r(x))$.
func (c *config) rotation(enc models.Encoder) experiment.Method {
	network := method.Network(enc, c.Head, "rotation")
	return experiment.Method{
		Loss: func(scope *model.Scope, b method.Batch) *Node {
			x, turns := pretext.Rotations(b.V1)
			_, logits := network(scope, x)
			return losses.CrossEntropy(logits, turns)
		},
		// The probes read h; the logits are the "projection" whose collapse is monitored.
		Embed: network,
		// The pretext task on held-out images: the fraction of an image's
		// four rotations the classifier names.
		Pretext: func(scope *model.Scope, x *Node) *Node {
			rotated, turns := pretext.Rotations(x)
			_, logits := network(scope, rotated)
			right := ConvertDType(Equal(ArgMax(logits, -1, turns.DType()), turns), x.DType())
			return ReduceMean(Reshape(right, 4, -1), 0) // [B]: mean over the four rotations
		},
	}
}

// ## Augmentation and running it
//
// A light policy (random crop of 50–100% and flip, as the supervised
// baseline's): the rotations are the task's own transformation. The runner
// makes one view per image and writes `out/rotation/`.
func augmentation() augment.Policy { return augment.Supervised() }

func spec() experiment.Spec {
	c := defaults()
	return experiment.Spec{Name: "rotation", Title: "RotNet", Config: &c, Augment: augmentation(), Build: c.rotation, SingleView: true, DefaultEpochs: 13}
}

func main() { experiment.Main(spec()) }
