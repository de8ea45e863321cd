// Package train runs the training loop every experiment shares: one compiled
// step graph (loss, gradients, optimizer, learning-rate schedule), epochs fed by
// the augmentation pipeline, a progress line, checkpoints with resume, a clean
// stop on Ctrl-C and a clear error on a diverging (NaN/Inf) loss.
package train

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/checkpoint"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/gomlx/gomlx/ml/train/optimizer/cosineschedule"

	"github.com/mega-ssl/mega/gomlxssl/atomicfile"
	"github.com/mega-ssl/mega/gomlxssl/augment"
)

// Config is the optimisation budget and schedule of a run.
type Config struct {
	Epochs    int
	BatchSize int
	// Optimizer is "adam" or "sgd".
	Optimizer string
	// LR is the peak learning rate, reached after WarmupEpochs of linear
	// warm-up and annealed to MinLR by a cosine over the remaining steps.
	LR, MinLR    float64
	WarmupEpochs int
	// WeightDecay applies to Adam (decoupled, AdamW-style).
	WeightDecay float64
	// Seed initialises the weights and the in-graph random numbers.
	Seed uint64
	// AdamBeta1 is Adam's first-moment decay (0: the usual 0.9; GANs use 0.5).
	AdamBeta1 float64
	// PeakLRScopes name scopes (absolute paths, such as "/predictor") whose
	// variables keep the peak learning rate LR for the whole run, warm-up
	// included, while the rest follow the schedule: SimSiam trains its
	// predictor so.
	PeakLRScopes []string
	// Quiet prints no line per epoch: the fine-tuning protocol trains
	// hundreds of epochs of a few steps on 1% of the labels, and prints its
	// result once.
	Quiet bool
}

// Validate reports a configuration that cannot train.
func (c Config) Validate() error {
	switch {
	case c.Epochs <= 0:
		return fmt.Errorf("epochs must be > 0, got %d", c.Epochs)
	case c.BatchSize <= 1:
		return fmt.Errorf("batch size must be > 1, got %d", c.BatchSize)
	case c.LR <= 0 || math.IsNaN(c.LR):
		return fmt.Errorf("learning rate must be > 0, got %g", c.LR)
	case c.Optimizer != "adam" && c.Optimizer != "sgd":
		return fmt.Errorf("unknown optimizer %q: want adam or sgd", c.Optimizer)
	}
	return nil
}

// LossFn builds a scalar training loss from a batch's inputs: images arrive
// standardised ([B, H, W, C] float32), labels as int32 [B].
type LossFn func(scope *model.Scope, inputs []*Node) *Node

// ErrInterrupted is returned by Run when its context was cancelled (Ctrl-C):
// the checkpoint holds the last completed step and -resume continues from it.
var ErrInterrupted = errors.New("training interrupted")

// ErrDiverged is wrapped by the error Run returns when the loss is NaN or Inf.
var ErrDiverged = errors.New("loss diverged")

// Trainer owns the model's variables (Store), the compiled step and the checkpoints.
type Trainer struct {
	Backend compute.Backend
	Store   *model.Store
	cfg     Config
	loss    LossFn
	step    *model.Exec
	ckpt    *checkpoint.Handler
	steps   int // steps per epoch
}

// New prepares a trainer. With a non-empty checkpointDir, resume=true loads the
// latest checkpoint there (if any); resume=false starts afresh and replaces it.
func New(backend compute.Backend, cfg Config, stepsPerEpoch int, loss LossFn, checkpointDir string, resume bool) (*Trainer, error) {
	return NewFrom(model.NewStore(), backend, cfg, stepsPerEpoch, loss, checkpointDir, resume)
}

// NewFrom is New starting from the variables in store (which it takes over,
// and seeds as New does) instead of an empty store: a variable the loss uses
// that store holds keeps its value, the others are initialised. Fine-tuning
// starts so from a trained encoder.
func NewFrom(store *model.Store, backend compute.Backend, cfg Config, stepsPerEpoch int, loss LossFn, checkpointDir string, resume bool) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if stepsPerEpoch <= 0 {
		return nil, fmt.Errorf("no full batch of %d in the training data", cfg.BatchSize)
	}
	t := &Trainer{Backend: backend, Store: store, cfg: cfg, loss: loss, steps: stepsPerEpoch}
	if err := t.Store.SetRNGStateFromSeed(int64(cfg.Seed)); err != nil {
		return nil, err
	}
	if checkpointDir != "" {
		if !resume {
			if err := os.RemoveAll(checkpointDir); err != nil {
				return nil, err
			}
		}
		ckpt, err := loadCheckpoint(t.Store, checkpointDir)
		if err != nil {
			return nil, err
		}
		t.ckpt = ckpt
	}
	var opt optimizer.Interface
	if cfg.Optimizer == "sgd" {
		opt = optimizer.StochasticGradientDescent().WithLearningRate(cfg.LR).WithDecay(false).Done()
	} else {
		beta1 := cfg.AdamBeta1
		if beta1 == 0 {
			beta1 = 0.9
		}
		opt = optimizer.Adam().LearningRate(cfg.LR).Betas(beta1, 0.999).WeightDecay(cfg.WeightDecay).Done()
	}
	total := cfg.Epochs * stepsPerEpoch
	warm := min(cfg.WarmupEpochs*stepsPerEpoch, total-1)
	t.step = model.MustNewExec(backend, t.Store, func(scope *model.Scope, inputs []*Node) []*Node {
		g := inputs[0].Graph()
		scope.SetTraining(g, true)
		loss := t.loss(scope, Standardize(inputs))
		cosineschedule.New(scope, g, dtypes.Float32).LearningRate(cfg.LR).MinLearningRate(cfg.MinLR).
			WarmUpSteps(warm).PeriodSteps(max(1, total-warm)).Done()
		lr := optimizer.LearningRateVar(scope, dtypes.Float32, cfg.LR).NodeValue(g)
		keep := peakLRVariables(scope, g, cfg.PeakLRScopes)
		opt.UpdateGraph(scope, g, loss)
		keep.rescale(g, lr, cfg.LR)
		return []*Node{loss, lr}
	})
	return t, nil
}

// peakLR holds the values, before the optimizer's update, of the variables
// that keep the peak learning rate.
type peakLR struct {
	vars   []*model.Variable
	before []*Node
}

func peakLRVariables(scope *model.Scope, g *Graph, scopes []string) peakLR {
	var p peakLR
	if len(scopes) == 0 {
		return p
	}
	for v := range scope.Store().IterVariables() {
		if !v.Trainable || !v.InUseByGraph(g) {
			continue
		}
		for _, s := range scopes {
			if prefix := "/" + strings.Trim(s, "/") + "/"; strings.HasPrefix(v.Path(), prefix) {
				p.vars = append(p.vars, v)
				p.before = append(p.before, v.NodeValue(g))
				break
			}
		}
	}
	return p
}

// rescale stretches each kept variable's update by peak/lr. Both optimizers'
// steps (Adam's, with its decoupled weight decay, and SGD's) are linear in
// the learning rate, so this is exactly the update at the peak rate. At a
// zero learning rate (the first warm-up step) the update is skipped.
func (p peakLR) rescale(g *Graph, lr *Node, peak float64) {
	if len(p.vars) == 0 {
		return
	}
	positive := GreaterThan(lr, ScalarZero(g, lr.DType()))
	factor := Where(positive, Div(Scalar(g, lr.DType(), peak), Where(positive, lr, OnesLike(lr))), ZerosLike(lr))
	for i, v := range p.vars {
		after := v.NodeValue(g)
		v.SetNodeValue(Add(p.before[i], Mul(Sub(after, p.before[i]), ConvertDType(factor, after.DType()))))
	}
}

// Standardize maps every image input (rank 4, float) from [0, 1] to about zero
// mean and unit scale, (x - 0.5) / 0.25; other inputs pass through. Training and
// feature extraction both use it, so models always see the same input scale.
func Standardize(inputs []*Node) []*Node {
	out := make([]*Node, len(inputs))
	for i, x := range inputs {
		if x.Rank() == 4 && x.DType().IsFloat() {
			x = MulScalar(AddScalar(x, -0.5), 4)
		}
		out[i] = x
	}
	return out
}

// GlobalStep is the number of optimisation steps taken so far (restored on resume).
func (t *Trainer) GlobalStep() int { return int(optimizer.GetGlobalStep(t.Store)) }

// StepsPerEpoch is the number of steps in one epoch.
func (t *Trainer) StepsPerEpoch() int { return t.steps }

// Step runs one optimisation step and returns the loss and the learning rate used.
func (t *Trainer) Step(inputs ...*tensors.Tensor) (loss, lr float64, err error) {
	args := make([]any, len(inputs))
	for i, x := range inputs {
		args[i] = x
	}
	out, err := t.step.Call(args...)
	if err != nil {
		return 0, 0, err
	}
	loss = float64(tensors.ToScalar[float32](out[0]))
	lr = float64(tensors.ToScalar[float32](out[1]))
	return loss, lr, nil
}

// epochFile, in the checkpoint directory, holds the statistics of the last
// trained epoch. It is written just before that epoch's checkpoint, so that a
// process killed after the checkpoint but before its epoch was evaluated
// (SIGKILL, a power cut: no chance to save anything more) can evaluate it on
// resume with its real training loss; when the kill comes between the two
// writes, the file names an epoch the checkpoint does not end, and is ignored.
const epochFile = "last-epoch.json"

func (t *Trainer) saveEpoch(stats EpochStats) error {
	if t.ckpt == nil {
		return nil
	}
	b, err := json.Marshal(stats)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(t.ckpt.Dir(), epochFile), b); err != nil {
		return fmt.Errorf("saving the epoch's statistics: %w", err)
	}
	if err := t.Save(); err != nil {
		return fmt.Errorf("saving checkpoint: %w", err)
	}
	return nil
}

// LastEpoch returns the statistics of the epoch the loaded checkpoint ends,
// when they were recorded with it: false for a fresh run, a checkpoint saved
// mid-epoch (an interrupt) or one from before they were recorded.
func (t *Trainer) LastEpoch() (EpochStats, bool) {
	gs := t.GlobalStep()
	if t.ckpt == nil || gs == 0 || gs%t.steps != 0 {
		return EpochStats{}, false
	}
	b, err := os.ReadFile(filepath.Join(t.ckpt.Dir(), epochFile))
	if err != nil {
		return EpochStats{}, false
	}
	var stats EpochStats
	if json.Unmarshal(b, &stats) != nil || stats.GlobalStep != gs {
		return EpochStats{}, false
	}
	return stats, true
}

// Save writes a checkpoint (no-op without a checkpoint directory).
func (t *Trainer) Save() error {
	if t.ckpt == nil {
		return nil
	}
	return t.ckpt.Save()
}

// EpochStats summarises one epoch for the per-epoch callback.
type EpochStats struct {
	Epoch      int     // 1-based
	GlobalStep int     // steps done at the end of the epoch
	Loss       float64 // mean training loss over the epoch's steps
	LR         float64 // learning rate of the last step
	Seconds    float64 // wall time of the epoch's steps
	ImagesPerS float64 // images (views) per second through the step
	IdleFrac   float64 // fraction of the epoch the trainer waited for data
}

// Inputs turns a pipeline batch into the step's input tensors.
type Inputs func(b augment.Batch) []*tensors.Tensor

// TwoViews feeds the two augmented views and the images' indices in the
// training set (SSL methods).
func TwoViews(b augment.Batch) []*tensors.Tensor { return Views(b, false) }

// Views feeds the batch's views (one, or two when the pipeline makes two,
// then its multi-crop local views), the images' indices in the training
// set, and, with labels set, their labels (methods that pre-train with
// labels, such as a supervised Siamese network).
func Views(b augment.Batch, labels bool) []*tensors.Tensor {
	in := []*tensors.Tensor{viewTensor(b, b.V1)}
	if b.V2 != nil {
		in = append(in, viewTensor(b, b.V2))
	}
	for _, v := range b.Local {
		in = append(in, tensors.FromFlatDataAndDimensions(v, len(b.Labels), b.LocalSize, b.LocalSize, b.Channels))
	}
	in = append(in, tensors.FromFlatDataAndDimensions(b.Indices, len(b.Indices)))
	if labels {
		in = append(in, tensors.FromFlatDataAndDimensions(b.Labels, len(b.Labels)))
	}
	return in
}

// ViewAndLabels feeds one view and its labels (supervised training).
func ViewAndLabels(b augment.Batch) []*tensors.Tensor {
	return []*tensors.Tensor{viewTensor(b, b.V1), tensors.FromFlatDataAndDimensions(b.Labels, len(b.Labels))}
}

func viewTensor(b augment.Batch, view []float32) *tensors.Tensor {
	return tensors.FromFlatDataAndDimensions(view, len(b.Labels), b.Height, b.Width, b.Channels)
}

// Run trains from the current global step to the end of the budget. After
// each epoch it saves a checkpoint and calls onEpoch (which may evaluate and
// write results). On ctx cancellation it saves and returns ErrInterrupted; on
// a NaN/Inf loss it returns an error wrapping ErrDiverged without saving the
// diverged weights.
func (t *Trainer) Run(ctx context.Context, pipe *augment.Pipeline, inputs Inputs, label string, onEpoch func(EpochStats) error) error {
	if pipe.StepsPerEpoch() != t.steps {
		return fmt.Errorf("pipeline has %d steps per epoch, trainer %d", pipe.StepsPerEpoch(), t.steps)
	}
	if inputs == nil {
		inputs = TwoViews
	}
	bar := newProgress(os.Stderr, label, t.cfg.Epochs, t.steps, t.GlobalStep())
	bar.quiet = t.cfg.Quiet
	for gs := t.GlobalStep(); gs < t.cfg.Epochs*t.steps; gs = t.GlobalStep() {
		epoch, from := gs/t.steps, gs%t.steps
		start := time.Now()
		var idle time.Duration
		var sumLoss, lr float64
		n, images := 0, 0
		batches := pipe.Epoch(ctx, epoch, from)
		for {
			waitStart := time.Now()
			b, ok := <-batches
			idle += time.Since(waitStart)
			if !ok {
				break
			}
			in := inputs(b)
			for _, x := range in {
				if x.Rank() == 4 {
					images += x.Shape().Dim(0)
				}
			}
			loss, stepLR, err := t.Step(in...)
			if err != nil {
				return err
			}
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				bar.finish()
				return fmt.Errorf("%w at epoch %d, step %d (loss %v): lower the learning rate (-lr) or check the inputs; "+
					"results up to the last completed epoch are kept", ErrDiverged, epoch+1, b.Step+1, loss)
			}
			sumLoss += loss
			lr = stepLR
			n++
			bar.update(epoch, b.Step+1, sumLoss/float64(n), lr, float64(images)/time.Since(start).Seconds())
		}
		if ctx.Err() != nil {
			bar.finish()
			if err := t.Save(); err != nil {
				return fmt.Errorf("saving checkpoint after interrupt: %w", err)
			}
			return ErrInterrupted
		}
		secs := time.Since(start).Seconds()
		stats := EpochStats{Epoch: epoch + 1, GlobalStep: t.GlobalStep(), Loss: sumLoss / float64(max(n, 1)), LR: lr,
			Seconds: secs, ImagesPerS: float64(images) / secs, IdleFrac: idle.Seconds() / secs}
		if err := t.saveEpoch(stats); err != nil {
			return err
		}
		bar.epochDone(epoch, stats.Loss, secs)
		if onEpoch != nil {
			if err := onEpoch(stats); err != nil {
				return err
			}
		}
	}
	bar.finish()
	return nil
}
