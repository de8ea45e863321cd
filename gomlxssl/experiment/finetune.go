package experiment

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"

	"github.com/mega-ssl/mega/gomlxssl/augment"
	"github.com/mega-ssl/mega/gomlxssl/data"
	"github.com/mega-ssl/mega/gomlxssl/losses"
	"github.com/mega-ssl/mega/gomlxssl/train"
)

// recipe is how the fine-tuning protocol trains a network on labelled
// images: the same for every method and for the networks trained from
// scratch, fixed before any test figure was seen — the recipe the issue that
// asked for the protocol measured its PyTorch bar with (Adam at 10⁻³,
// batch 64, 3,000 steps on Fashion-MNIST, no augmentation), with a cosine
// decay to zero and no weight decay.
type recipe struct {
	// Name is the recipe's name in -finetune and its part of a figure's key
	// ("" for the plain recipe: "finetune_1pct"; "cropflip" →
	// "finetune_cropflip_1pct").
	Name, Flag string
	// Words say what it does, for titles and protocol lines.
	Words   string
	Augment augment.Policy
	LR      float64
	Batch   int
}

// recipes are the fine-tuning protocol's recipes, by their -finetune name:
// the talk's (no augmentation) and SimCLR's light augmentation for the
// labelled images (a resized crop of at least half the image, and a flip).
func recipes() []recipe {
	return []recipe{
		{Flag: "plain", Words: "no augmentation", LR: 1e-3, Batch: 64},
		{Name: "cropflip", Flag: "crop-flip", Words: "crop and flip", Augment: augment.Supervised(), LR: 1e-3, Batch: 64},
	}
}

// chosenRecipes are the recipes -finetune names, in recipes' order.
func (o *Options) chosenRecipes() ([]recipe, error) {
	if o.FineTune == "none" || o.FineTune == "" {
		return nil, nil
	}
	want := map[string]bool{}
	for _, f := range strings.Split(o.FineTune, ",") {
		want[strings.TrimSpace(f)] = true
	}
	var out []recipe
	for _, r := range recipes() {
		if want[r.Flag] {
			out = append(out, r)
			delete(want, r.Flag)
		}
	}
	for f := range want {
		return nil, fmt.Errorf("-finetune %q: unknown recipe %q (want plain, crop-flip, plain,crop-flip or none)", o.FineTune, f)
	}
	return out, nil
}

// checkFineTune refuses fine-tuning settings that cannot run, naming the
// flag, before anything trains.
func (o *Options) checkFineTune() error {
	rs, err := o.chosenRecipes()
	switch {
	case err != nil:
		return err
	case len(rs) > 0 && o.FineTuneSteps <= 0:
		return fmt.Errorf("-finetune-steps %d: want a positive number of steps (or -finetune none)", o.FineTuneSteps)
	case len(rs) > 0 && o.ScratchEpochs <= 0:
		return fmt.Errorf("-scratch-epochs %d: want a positive number of epochs (or -finetune none)", o.ScratchEpochs)
	}
	return nil
}

// classifierScope holds the fine-tuned network's linear classifier.
const classifierScope = "finetune_classifier"

// tuned is the network the protocol trains: the representation embed reads
// (its h) and a linear classifier on top.
func tuned(embed train.EmbedFn, classes int) func(scope *model.Scope, x *Node) *Node {
	return func(scope *model.Scope, x *Node) *Node {
		h, _ := embed(scope, x)
		return layers.DenseWithBias(scope.In(classifierScope), h, classes)
	}
}

// fineTuneJob is one training of the protocol: a network (embed's, with its
// variables from init, or from random initialisation when init is nil)
// trained on the labelled images under a recipe, then scored on the test
// split.
type fineTuneJob struct {
	be       compute.Backend
	init     *model.Store
	embed    train.EmbedFn
	labelled *data.Dataset
	test     *data.Dataset
	classes  int
	recipe   recipe
	// steps, or epochs when steps is 0 (all of the labels: epochs over them).
	steps, epochs int
	seed          uint64
	label         string
}

// run trains and scores the job: the top-1 accuracy on the test split and
// the steps taken (whole epochs of the labelled images: at least steps).
func (j fineTuneJob) run(ctx context.Context) (top1 float64, steps int, err error) {
	store, err := startingPoint(j.init)
	if err != nil {
		return 0, 0, err
	}
	return j.runOn(ctx, store)
}

// runOn is run on the variables of store (startingPoint's), which it trains.
func (j fineTuneJob) runOn(ctx context.Context, store *model.Store) (top1 float64, steps int, err error) {
	batch := min(j.recipe.Batch, j.labelled.Len())
	pipe := augment.NewPipeline(j.labelled, j.recipe.Augment.ForData(j.labelled.Name, j.labelled.Channels), batch, j.seed, false)
	perEpoch := pipe.StepsPerEpoch()
	epochs := j.epochs
	if j.steps > 0 {
		epochs = max(1, int(math.Ceil(float64(j.steps)/float64(perEpoch))))
	}
	net := tuned(j.embed, j.classes)
	loss := func(scope *model.Scope, in []*Node) *Node { return losses.CrossEntropy(net(scope, in[0]), in[1]) }
	cfg := train.Config{Epochs: epochs, BatchSize: batch, Optimizer: "adam", LR: j.recipe.LR, Seed: j.seed, Quiet: true}
	tr, err := train.NewFrom(store, j.be, cfg, perEpoch, loss, "", false)
	if err != nil {
		return 0, 0, err
	}
	if err := tr.Run(ctx, pipe, train.ViewAndLabels, j.label, nil); err != nil {
		return 0, 0, err
	}
	top1, err = accuracy(j.be, tr.Store, net, j.test)
	return top1, tr.GlobalStep(), err
}

// startingPoint is a new store holding a copy of the model's variables in
// init (every variable but the optimiser's state and the random-number
// state: the fine-tuning starts its own), or an empty store when init is
// nil. The copies keep their trainability: the encoder's weights train, its
// batch norms' running averages are updated as statistics.
func startingPoint(init *model.Store) (*model.Store, error) {
	store := model.NewStore()
	if init == nil {
		return store, nil
	}
	for v := range init.IterVariables() {
		path := v.Path()
		if strings.HasPrefix(path, "/"+optimizer.Scope+"/") || strings.HasPrefix(path, "/"+optimizer.AdamDefaultScope+"/") ||
			path == "/"+optimizer.GlobalStepVariableName ||
			strings.Contains(path, model.RNGStateVariableName) || !v.HasValue() {
			continue
		}
		if _, err := v.CloneToStore(store); err != nil {
			return nil, fmt.Errorf("copying %s for fine-tuning: %w", path, err)
		}
	}
	return store, nil
}

// accuracy is the top-1 accuracy of the classifier net (inference mode) on
// the images of ds.
func accuracy(be compute.Backend, store *model.Store, net func(scope *model.Scope, x *Node) *Node, ds *data.Dataset) (float64, error) {
	logits, _, err := train.Extract(be, store, func(scope *model.Scope, x *Node) (*Node, *Node) {
		l := net(scope, x)
		return l, l
	}, ds, evalBatch)
	if err != nil {
		return 0, err
	}
	if ds.Len() == 0 {
		return 0, nil
	}
	right := 0
	for i, label := range ds.Labels {
		row := logits.Data[i*logits.Dim : (i+1)*logits.Dim]
		best := 0
		for c, v := range row {
			if v > row[best] {
				best = c
			}
		}
		if int32(best) == label {
			right++
		}
	}
	return float64(right) / float64(ds.Len()), nil
}
