package experiment

import (
	"fmt"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/checkpoint"

	"github.com/mega-ssl/mega/gomlxssl/augment"
	"github.com/mega-ssl/mega/gomlxssl/data"
	"github.com/mega-ssl/mega/gomlxssl/method"
	"github.com/mega-ssl/mega/gomlxssl/results"
	"github.com/mega-ssl/mega/gomlxssl/train"
)

// Method is what an experiment contributes: how to train and what to evaluate.
type Method struct {
	// Loss builds the training loss of one step.
	Loss func(scope *model.Scope, b method.Batch) *Node
	// Embed returns the representation h the probes read and the projection
	// z whose collapse is monitored.
	Embed train.EmbedFn
	// PeakLRScopes name scopes whose variables keep the peak learning rate
	// while the rest follow the schedule (SimSiam's predictor).
	PeakLRScopes []string
	// Labels, when set, hands the training labels to the loss
	// (Batch.Label): the pre-training is then supervised, and run.json and
	// the report say so.
	Labels bool
	// Augment, if set, replaces the Spec's augmentation policy (a policy
	// chosen by a flag, which the Spec is built before).
	Augment *augment.Policy
	// AdamBeta1, if set, replaces Adam's first-moment decay of 0.9 (a GAN's
	// two players train with 0.5, as in DCGAN).
	AdamBeta1 float64
	// Pretext, for a pretext task, scores the task itself on a batch of
	// held-out images x (standardised, inference mode): for each image, the
	// fraction of its transformations the model recognises ([B]). The runner
	// reports its mean over the test split as the pretext accuracy.
	Pretext func(scope *model.Scope, x *Node) *Node
	// Report, if set, is called after every epoch and once more after the
	// final evaluation, to add the method's own measurements and figures
	// (a generative model's samples, a VAE's KL per latent dimension…).
	Report func(a *Artifacts) error
}

// Artifacts is what a method's Report sees and adds to.
type Artifacts struct {
	Backend compute.Backend
	// Store holds the trained variables; read them through a new
	// model.Exec (the Go backend freezes variables into inference graphs
	// when they are compiled).
	Store *model.Store
	Split data.Split
	// Dir is the run's output directory, where figures go.
	Dir string
	// Epoch is the last completed epoch; Final is set for the call after
	// the final evaluation.
	Epoch int
	Final bool
	Seed  uint64
	r     *runner
}

// Infer runs fn once, in inference mode (batch norm on its running
// averages), with the trained variables, on inputs (image batches are
// standardised as in training), and returns its outputs. Each call compiles
// a new graph, so it always sees the current weights.
func (a *Artifacts) Infer(fn func(scope *model.Scope, in []*Node) []*Node, inputs ...*tensors.Tensor) ([]*tensors.Tensor, error) {
	return infer(a.Backend, a.Store, fn, inputs...)
}

// InferEach runs fn as Infer does over n items, chunk at a time, so that no
// graph holds a whole test split (all of Fashion-MNIST's 10,000 test images
// in one VAE graph took 23 GB): inputs(first, size) builds a chunk's inputs,
// in order, and each receives its outputs. One executable serves every chunk
// (a shorter last chunk compiles once more).
func (a *Artifacts) InferEach(n, chunk int, fn func(scope *model.Scope, in []*Node) []*Node,
	inputs func(first, size int) []*tensors.Tensor, each func(first, size int, out []*tensors.Tensor) error) error {
	exec, err := newInferExec(a.Backend, a.Store, fn)
	if err != nil {
		return err
	}
	defer exec.Finalize()
	for first := 0; first < n; first += chunk {
		size := min(chunk, n-first)
		out, err := call(exec, inputs(first, size))
		if err != nil {
			return err
		}
		if err := each(first, size, out); err != nil {
			return err
		}
	}
	return nil
}

// infer is Infer with the variables of store.
func infer(be compute.Backend, store *model.Store, fn func(scope *model.Scope, in []*Node) []*Node, inputs ...*tensors.Tensor) ([]*tensors.Tensor, error) {
	exec, err := newInferExec(be, store, fn)
	if err != nil {
		return nil, err
	}
	defer exec.Finalize()
	return call(exec, inputs)
}

// newInferExec compiles fn in inference mode on standardised inputs.
func newInferExec(be compute.Backend, store *model.Store, fn func(scope *model.Scope, in []*Node) []*Node) (*model.Exec, error) {
	return model.NewExec(be, store, func(scope *model.Scope, in []*Node) []*Node {
		scope.SetTraining(in[0].Graph(), false)
		return fn(scope, train.Standardize(in))
	})
}

// call runs exec on inputs.
func call(exec *model.Exec, inputs []*tensors.Tensor) ([]*tensors.Tensor, error) {
	args := make([]any, len(inputs))
	for i, x := range inputs {
		args[i] = x
	}
	return exec.Call(args...)
}

// Classify labels images [N, H, W, 3] (values in [0, 1]) with the supervised
// baseline's classifier — the encoder trained with labels, the ceiling of
// every table — to tell, say, which classes a generator's samples depict.
func (a *Artifacts) Classify(images *tensors.Tensor) ([]int32, error) {
	if a.r.classifier == "" {
		return nil, fmt.Errorf("no supervised classifier: the data has no labels (%s)", a.Split.Train.Name)
	}
	store := model.NewStore()
	if _, err := checkpoint.Load(store).Dir(a.r.classifier).Immediate().Done(); err != nil {
		return nil, fmt.Errorf("loading the supervised classifier from %s: %w", a.r.classifier, err)
	}
	classes := len(a.Split.Train.Classes)
	out, err := infer(a.Backend, store, func(scope *model.Scope, in []*Node) []*Node {
		return []*Node{ArgMax(supervisedLogits(a.r.enc, classes, scope, in[0]), -1, dtypes.Int32)}
	}, images)
	if err != nil {
		return nil, err
	}
	return tensors.MustCopyFlatData[int32](out[0]), nil
}

// Images returns n images of ds from first on as a tensor [n, H, W, 3] in
// [0, 1], for Infer.
func Images(ds *data.Dataset, first, n int) *tensors.Tensor {
	return tensors.FromFlatDataAndDimensions(ds.Float32(first, first+n), n, ds.Height, ds.Width, ds.Channels)
}

// Figure lists a figure the method wrote under Dir in run.json, with its
// caption (the report shows it after the shared figures).
func (a *Artifacts) Figure(file, caption string) {
	for i, f := range a.r.figures {
		if f.File == file {
			a.r.figures[i].Caption = caption
			return
		}
	}
	a.r.figures = append(a.r.figures, results.Figure{File: file, Caption: caption})
}

// Measure records a named measurement in run.json (replacing an earlier one
// of the same name); note says how it was measured.
func (a *Artifacts) Measure(name string, value float64, note string) {
	m := &a.r.run.Measures
	for i := range *m {
		if (*m)[i].Name == name {
			(*m)[i] = results.Measure{Name: name, Value: value, Note: note}
			return
		}
	}
	*m = append(*m, results.Measure{Name: name, Value: value, Note: note})
}
