package experiment

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/checkpoint"
	"github.com/gomlx/gomlx/ml/train/optimizer"

	"github.com/mega-ssl/mega/gomlxssl/augment"
	"github.com/mega-ssl/mega/gomlxssl/backend"
	"github.com/mega-ssl/mega/gomlxssl/data"
	"github.com/mega-ssl/mega/gomlxssl/eval"
	"github.com/mega-ssl/mega/gomlxssl/models"
	"github.com/mega-ssl/mega/gomlxssl/plots"
	"github.com/mega-ssl/mega/gomlxssl/results"
	"github.com/mega-ssl/mega/gomlxssl/train"
)

// Method is what an experiment contributes: how to train and what to evaluate.
type Method struct {
	// Loss builds the training loss of one step.
	Loss func(scope *model.Scope, b Batch) *Node
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
	Augment *augment.Config
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

// infer is Infer with the variables of store.
func infer(be compute.Backend, store *model.Store, fn func(scope *model.Scope, in []*Node) []*Node, inputs ...*tensors.Tensor) ([]*tensors.Tensor, error) {
	exec, err := model.NewExec(be, store, func(scope *model.Scope, in []*Node) []*Node {
		scope.SetTraining(in[0].Graph(), false)
		return fn(scope, train.Standardize(in))
	})
	if err != nil {
		return nil, err
	}
	defer exec.Finalize()
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

// Batch is what a method's loss sees of one training step.
type Batch struct {
	// V1 and V2 are the two augmented views of B images [B, H, W, 3],
	// standardised; V2 is nil for a single-view Spec.
	V1, V2 *Node
	// Index [B] int32 holds each image's position in the training set (a
	// memory bank keeps one entry per image).
	Index *Node
	// Label [B] int32 holds the images' labels when the method asks for
	// them (Method.Labels); it is nil otherwise, so a self-supervised method cannot
	// read them by mistake.
	Label *Node
	// Step is the global step before this update (a scalar); StepsPerEpoch
	// and TotalSteps are the budget, for schedules (BYOL's momentum, SwAV's
	// frozen prototypes).
	Step                      *Node
	StepsPerEpoch, TotalSteps int
	// TrainSize is the number of training images (Index is below it).
	TrainSize int
}

// Spec describes an experiment to the runner.
type Spec struct {
	Name  string // directory under -out, e.g. "simclr"
	Title string // e.g. "SimCLR"
	// Augment is the method's augmentation policy.
	Augment augment.Config
	// Flags registers the method's own flags (optional); run.json records
	// them with the shared ones.
	Flags func(fs *flag.FlagSet)
	// Build makes the method for the chosen encoder, once flags are parsed.
	Build func(enc models.Encoder) Method
	// Check, if set, validates the method's flags against the data and the
	// batch before anything trains (MoCo: the queue must tile by the batch's
	// keys and not exceed the training set), with an error that says which flag.
	Check func(trainSize, batch int) error
	// LR, if set, is the method's own default peak learning rate, used when
	// -lr is not given (a GAN trains at 2·10⁻⁴).
	LR float64
	// DefaultEpochs, if set, replaces the default preset's epochs for this
	// method when -epochs is not given: each method's default run fills the
	// preset's 10 minutes on 2 cores, and methods differ in their cost per
	// epoch and in how fast they learn (the memory bank, which learns per
	// epoch, takes 60: longer than the preset's ten minutes, as its README
	// row says). -preset-budget ignores it.
	DefaultEpochs int
	// DefaultBatch, if set, is the method's batch when -batch is not given
	// (a GAN learns from many small steps more than from a few large ones);
	// -preset-budget ignores it.
	DefaultBatch int
	// ConstantLR keeps the learning rate at its peak after the warm-up
	// instead of annealing it (unless -min-lr is given): a GAN's two players
	// need their step size to the end.
	ConstantLR bool
	// Dataset, if set, is the experiment's own default data (the
	// histopathology experiment's "histo"), used when -dataset is not given.
	Dataset string
	// CheckData, if set, validates the loaded data for the method (the
	// histopathology experiment wants the classes benign and malignant).
	CheckData func(s data.Split) error
	// SingleView makes one augmented view per image (Batch.V2 is nil), for
	// methods that transform the images themselves: pretext tasks and
	// generative models.
	SingleView bool
	// Variant, if set, names the run the parsed flags describe when it is
	// not the experiment's main run (Siamese pairs made from views rather
	// than labels, hard negatives with β = 0): an empty name is the main run;
	// another one sends the results to OUT/<experiment>-<name>/ with its
	// title, and the report shows them beside the main run. VariantName
	// builds both from the settings that differ.
	Variant func() (name, title string)
}

// Dir is where the results of the run the parsed flags describe go, and the
// variant's name and title ("" for the main run).
func (s Spec) Dir(out string) (dir, variant, title string) {
	if s.Variant != nil {
		variant, title = s.Variant()
	}
	if variant == "" {
		return filepath.Join(out, s.Name), "", s.Title
	}
	return filepath.Join(out, s.Name+"-"+variant), variant, title
}

// Flags registers the shared flags and the method's own on fs.
func Flags(spec Spec, fs *flag.FlagSet) *Options {
	o := RegisterFlags(fs)
	if spec.Flags != nil {
		spec.Flags(fs)
	}
	return o
}

// Options are the flags every experiment shares.
type Options struct {
	Out, Backend, Preset, Dataset, DataDir, Encoder, Optimizer string
	Seed                                                       uint64
	Epochs, Batch, Train, Test, Warmup, SupervisedEpochs       int
	ImageSize, Tiles                                           int
	LR, MinLR, WeightDecay                                     float64
	KNNK                                                       int
	KNNT                                                       float64
	KNNTrain, ProbeIterations, Embeddings                      int
	CropMin, Jitter, Gray, Blur                                float64
	Resume, Download                                           bool
	// PresetBudget ignores the method's own default epochs and batch
	// (Spec.DefaultEpochs, Spec.DefaultBatch) for the preset's, so that
	// methods compared side by side share one budget.
	PresetBudget bool
	// baselineLR and baselineBatch are the preset's learning rate and
	// batch, which the supervised baseline trains with whatever -lr and
	// -batch a method runs at, so that every method of a preset shares one
	// ceiling.
	baselineLR    float64
	baselineBatch int
}

// RegisterFlags adds the shared flags to fs.
func RegisterFlags(fs *flag.FlagSet) *Options {
	o := &Options{}
	fs.StringVar(&o.Out, "out", "out", "output directory; results go to OUT/<experiment>/")
	fs.StringVar(&o.Backend, "backend", "", "GoMLX backend: go, go:parallelism=N, xla:cpu, xla:cuda, xla:/abs/plugin.so (default: $GOMLX_BACKEND, else XLA if a PJRT plugin is installed, else go)")
	fs.StringVar(&o.Preset, "preset", "default", "budget: quick (≤ 60 s), default (≤ 10 min on 2 cores), full (CIFAR-10 + ResNet-18, for a GPU)")
	fs.StringVar(&o.Dataset, "dataset", "", "shapes (embedded, generated), histo (generated H&E-like tissue patches), cifar10 (binary files in -data-dir) or folder (images in -data-dir/<class>/)")
	fs.IntVar(&o.ImageSize, "image-size", 32, "image side in pixels for shapes, histo and folder data (CIFAR-10 is 32)")
	fs.StringVar(&o.DataDir, "data-dir", "data", "directory of a cifar10 or folder dataset")
	fs.BoolVar(&o.Download, "download", false, "download CIFAR-10 into -data-dir when it is missing")
	fs.StringVar(&o.Encoder, "encoder", "", "encoder: convnet, convnet-W1-W2-..., resnet18 (preset's by default)")
	fs.StringVar(&o.Optimizer, "optimizer", "adam", "adam or sgd")
	fs.Uint64Var(&o.Seed, "seed", 1, "seed for data, weights and augmentation")
	fs.IntVar(&o.Epochs, "epochs", 0, "training epochs (preset's by default)")
	fs.IntVar(&o.Batch, "batch", 0, "batch size in images, two views each (preset's by default)")
	fs.IntVar(&o.Train, "train", 0, "training images; shapes: generated, others: the first N (preset's by default; 0 = all)")
	fs.IntVar(&o.Test, "test", 0, "test images, as -train")
	fs.IntVar(&o.Warmup, "warmup", -1, "warm-up epochs (preset's by default)")
	fs.IntVar(&o.SupervisedEpochs, "supervised-epochs", 0, "budget of the supervised baseline (preset's by default)")
	fs.Float64Var(&o.LR, "lr", 0, "peak learning rate (preset's by default)")
	fs.Float64Var(&o.MinLR, "min-lr", 0, "final learning rate of the cosine schedule")
	fs.Float64Var(&o.WeightDecay, "wd", 1e-6, "Adam's decoupled weight decay during pre-training (the linear probe has none)")
	fs.IntVar(&o.KNNK, "knn-k", 0, "kNN monitor: neighbours (preset's by default: 200, 20 for quick)")
	fs.Float64Var(&o.KNNT, "knn-t", 0.1, "kNN monitor: temperature")
	fs.IntVar(&o.KNNTrain, "knn-train", 0, "kNN monitor: training rows searched each epoch (preset's by default)")
	fs.IntVar(&o.ProbeIterations, "probe-iters", 300, "linear probe: L-BFGS iterations")
	fs.IntVar(&o.Embeddings, "embeddings", 2000, "test embeddings written to embeddings.csv for t-SNE (≤ 5000)")
	fs.Float64Var(&o.CropMin, "crop-min", -1, "augmentation: smallest crop area fraction (method's default if unset)")
	fs.Float64Var(&o.Jitter, "jitter", -1, "augmentation: colour-distortion strength s (0.8s brightness/contrast/saturation, 0.2s hue; method's default if unset)")
	fs.Float64Var(&o.Gray, "gray", -1, "augmentation: grayscale probability (method's default if unset)")
	fs.Float64Var(&o.Blur, "blur", -1, "augmentation: Gaussian blur probability (method's default if unset)")
	fs.IntVar(&o.Tiles, "tiles", -1, "augmentation: shuffle N×N tiles of every view (0: off; method's default if unset)")
	fs.BoolVar(&o.PresetBudget, "preset-budget", false, "train for the preset's epochs and batch even where the method has its own (the compare group passes it: one budget for its four methods)")
	fs.BoolVar(&o.Resume, "resume", false, "continue from the checkpoint in OUT/<experiment>/checkpoint")
	return o
}

// ownBudget describes the method's own default epochs and batch, or "" when
// it has none.
func (s Spec) ownBudget() string {
	var parts []string
	if s.DefaultEpochs > 0 {
		parts = append(parts, fmt.Sprintf("%d epochs in the default preset", s.DefaultEpochs))
	}
	if s.DefaultBatch > 0 {
		parts = append(parts, fmt.Sprintf("batch %d in every preset", s.DefaultBatch))
	}
	return strings.Join(parts, ", ")
}

// methodBudget gives the method's own default epochs (default preset only)
// and batch to the flags left unset, before the preset fills the rest;
// -preset-budget keeps the preset's.
func (o *Options) methodBudget(spec Spec) {
	if o.PresetBudget {
		return
	}
	if o.Epochs == 0 && o.Preset == "default" {
		o.Epochs = spec.DefaultEpochs
	}
	if o.Batch == 0 {
		o.Batch = spec.DefaultBatch
	}
}

// resolve fills unset flags from the preset.
func (o *Options) resolve(fs *flag.FlagSet) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	p, err := PresetByName(o.Preset)
	if err != nil {
		return err
	}
	orPreset(&o.Dataset, p.Dataset)
	orPreset(&o.Encoder, p.Encoder)
	orPreset(&o.Epochs, p.Epochs)
	orPreset(&o.Batch, p.Batch)
	orPreset(&o.SupervisedEpochs, p.SupervisedEpochs)
	orPreset(&o.KNNTrain, p.KNNTrain)
	orPreset(&o.KNNK, p.KNNK)
	orPreset(&o.LR, p.LR)
	o.baselineLR, o.baselineBatch = p.LR, p.Batch
	if !set["train"] { // 0 is meaningful here: the whole split
		o.Train = p.Train
	}
	if !set["test"] {
		o.Test = p.Test
	}
	if o.Warmup < 0 {
		o.Warmup = p.Warmup
	}
	o.Embeddings = min(max(o.Embeddings, 0), 5000)
	return nil
}

// orPreset sets *v to the preset's value when the flag was left at its zero value.
func orPreset[T comparable](v *T, preset T) {
	var zero T
	if *v == zero {
		*v = preset
	}
}

// augmentation is the method's policy with any augmentation flags applied.
func (o *Options) augmentation(cfg augment.Config) augment.Config {
	if o.CropMin >= 0 {
		cfg.CropScale[0] = o.CropMin
	}
	if o.Jitter >= 0 {
		cfg = cfg.WithJitterStrength(o.Jitter)
	}
	if o.Gray >= 0 {
		cfg.GrayP = o.Gray
	}
	if o.Blur >= 0 {
		cfg.BlurP = o.Blur
	}
	if o.Tiles >= 0 {
		cfg.TileGrid = o.Tiles
	}
	return cfg
}

// trainConfig is the pre-training budget the options describe.
func (o *Options) trainConfig() train.Config {
	return train.Config{Epochs: o.Epochs, BatchSize: o.Batch, Optimizer: o.Optimizer, LR: o.LR, MinLR: o.MinLR,
		WarmupEpochs: o.Warmup, WeightDecay: o.WeightDecay, Seed: o.Seed}
}

// LoadData returns the dataset the options name.
func (o *Options) LoadData() (data.Split, error) {
	var s data.Split
	switch o.Dataset {
	case "shapes":
		s = data.Shapes(data.ShapesOptions{Train: o.Train, Test: o.Test, Size: o.ImageSize, Seed: o.Seed})
	case "histo":
		s = data.Histo(data.HistoOptions{Train: o.Train, Test: o.Test, Size: o.ImageSize, Seed: o.Seed})
	case "cifar10":
		var err error
		if s, err = data.LoadCIFAR10(o.DataDir, o.Download); err != nil {
			return s, err
		}
	case "folder":
		var err error
		if s, err = data.LoadImageFolder(o.DataDir, o.ImageSize, 0.2, o.Seed); err != nil {
			return s, err
		}
	default:
		return s, fmt.Errorf("unknown dataset %q: want shapes, histo, cifar10 or folder", o.Dataset)
	}
	if o.Dataset != "shapes" && o.Dataset != "histo" {
		s.Train, s.Test = s.Train.Head(o.Train), s.Test.Head(o.Test)
	}
	for _, d := range []*data.Dataset{s.Train, s.Test} {
		if err := d.Validate(); err != nil {
			return s, err
		}
	}
	if s.Train.Len() < o.Batch {
		return s, fmt.Errorf("dataset %s has %d training images, fewer than one batch of %d (-batch)", s.Train.Name, s.Train.Len(), o.Batch)
	}
	return s, nil
}

// Main is an experiment's entry point: it parses the flags, runs, prints a
// summary and exits — 0 on success, 130 after Ctrl-C (partial results kept,
// -resume continues), 1 on any error.
func Main(spec Spec) {
	opts := Flags(spec, flag.CommandLine)
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "%s: trains %s, evaluates it under the linear protocol and writes OUT/%s/.\n\nUsage: go run ./experiments/%s [flags]\n\nPresets:\n",
			spec.Name, spec.Title, spec.Name, spec.Name)
		for _, p := range Presets {
			fmt.Fprintf(flag.CommandLine.Output(), "  %-8s %s\n", p.Name, p.Description)
		}
		if own := spec.ownBudget(); own != "" {
			fmt.Fprintf(flag.CommandLine.Output(), "\n%s has its own budget: %s (-preset-budget: the preset's).\n", spec.Title, own)
		}
		fmt.Fprintln(flag.CommandLine.Output(), "\nFlags:")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "%s: unexpected arguments %q (flags start with -; see -h)\n", spec.Name, flag.Args())
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	run, err := Run(ctx, spec, opts, flag.CommandLine)
	if run != nil {
		fmt.Print(Summary(run))
	}
	switch {
	case errors.Is(err, train.ErrInterrupted):
		fmt.Fprintf(os.Stderr, "%s: interrupted; partial results kept in %s; continue with -resume\n", spec.Name, filepath.Join(opts.Out, spec.Name))
		os.Exit(130)
	case err != nil:
		fmt.Fprintf(os.Stderr, "%s: %v\n", spec.Name, err)
		os.Exit(1)
	}
}

// Run trains and evaluates one experiment and writes its results. fs holds the
// parsed flags (recorded in run.json); the returned Run is what was written,
// also on error.
func Run(ctx context.Context, spec Spec, o *Options, fs *flag.FlagSet) (*results.Run, error) {
	started := time.Now()
	if o.Dataset == "" {
		o.Dataset = spec.Dataset
	}
	if o.LR == 0 {
		o.LR = spec.LR
	}
	o.methodBudget(spec)
	if err := o.resolve(fs); err != nil {
		return nil, err
	}
	minLRSet := false
	fs.Visit(func(f *flag.Flag) { minLRSet = minLRSet || f.Name == "min-lr" })
	if spec.ConstantLR && !minLRSet {
		o.MinLR = o.LR // the cosine from LR to LR: constant after the warm-up
	}
	enc, err := models.ParseEncoder(o.Encoder)
	if err != nil {
		return nil, err
	}
	if err := o.trainConfig().Validate(); err != nil {
		return nil, err
	}
	be, info, err := backend.New(o.Backend)
	if err != nil {
		return nil, err
	}
	if w := backend.SIMDWarning(info); w != "" {
		fmt.Fprintln(os.Stderr, w)
	}
	split, err := o.LoadData()
	if err != nil {
		return nil, err
	}
	if spec.Check != nil {
		if err := spec.Check(split.Train.Len(), o.Batch); err != nil {
			return nil, err
		}
	}
	if spec.CheckData != nil {
		if err := spec.CheckData(split); err != nil {
			return nil, err
		}
	}
	dir, variant, title := spec.Dir(o.Out)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	run := &results.Run{Experiment: spec.Name, Variant: variant, Title: title, Status: results.StatusPartial, Started: started,
		Git: gitInfo(), Env: results.Env{Backend: info.Name, Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH,
			CPUs: runtime.NumCPU(), SIMD: backend.SIMD},
		Dataset: results.DatasetRef{Name: split.Train.Name, Train: split.Train.Len(), Test: split.Test.Len(),
			Image: [3]int{split.Train.Height, split.Train.Width, 3}, Classes: len(split.Train.Classes)},
		Config: map[string]any{},
		Protocol: fmt.Sprintf("frozen %s features; kNN: weighted cosine, k=%d, τ=%g, %d train → %d test images; "+
			"linear: softmax regression, no augmentation, no regularisation, L-BFGS ≤ %d iterations, full train split; "+
			"1%% labels: the same kNN (k at most the labelled count) and linear probe fitted on 1%% of each class's training images (seed %d)",
			enc.Name(), o.KNNK, o.KNNT, split.Train.Len(), split.Test.Len(), o.ProbeIterations, o.Seed),
	}
	if o.Resume { // the time already spent counts towards the run's duration
		if prev, err := results.ReadRun(filepath.Join(dir, "run.json")); err == nil {
			run.EarlierS = prev.DurationS
		}
	}
	// The method is built before the flags are recorded, so that a method
	// that resolves a flag's value (an "automatic" setting) records it.
	method := spec.Build(enc)
	run.Labels = method.Labels
	fs.VisitAll(func(f *flag.Flag) { run.Config[f.Name] = f.Value.(flag.Getter).Get() })
	fs.Visit(func(f *flag.Flag) {
		if f.Name != "out" && f.Name != "resume" {
			run.Args = append(run.Args, "-"+f.Name+"="+f.Value.String())
		}
	})
	for k, v := range map[string]any{"dataset": o.Dataset, "encoder": enc.Name(), "epochs": o.Epochs, "batch": o.Batch,
		"train": split.Train.Len(), "test": split.Test.Len(), "lr": o.LR, "warmup": o.Warmup,
		"supervised-epochs": o.SupervisedEpochs, "knn-train": o.KNNTrain} {
		run.Config[k] = v
	}
	if method.Augment != nil {
		spec.Augment = *method.Augment
	}
	spec.Augment = o.augmentation(spec.Augment)
	r := &runner{spec: spec, method: method, o: o, enc: enc, be: be, split: split, dir: dir, run: run}
	err = r.execute(ctx)
	run.Finished = time.Now()
	run.DurationS = run.EarlierS + run.Finished.Sub(started).Seconds()
	switch {
	case err == nil:
		run.Status = results.StatusComplete
	case errors.Is(err, train.ErrInterrupted):
		run.Status = results.StatusPartial
	default:
		run.Status = results.StatusFailed
		run.Error = err.Error()
	}
	if werr := results.WriteJSON(filepath.Join(dir, "run.json"), run); werr != nil && err == nil {
		err = werr
	}
	return run, err
}

type runner struct {
	spec   Spec
	method Method
	o      *Options
	enc    models.Encoder
	be     compute.Backend
	split  data.Split
	dir    string
	run    *results.Run
	rows   []results.EpochRow
	// last holds the features the latest epoch's monitor extracted, and the
	// step they were taken at: the final evaluation reuses them when they
	// cover the whole training split.
	last     features
	lastStep int
	// figures are the method's own (Artifacts.Figure).
	figures []results.Figure
	// classifier is the supervised baseline's checkpoint directory.
	classifier string
}

// report calls the method's Report, if any.
func (r *runner) report(store *model.Store, epoch int, final bool) error {
	if r.method.Report == nil {
		return nil
	}
	return r.method.Report(&Artifacts{Backend: r.be, Store: store, Split: r.split, Dir: r.dir, Epoch: epoch, Final: final, Seed: r.o.Seed, r: r})
}

func (r *runner) execute(ctx context.Context) error {
	o := r.o
	if err := r.augmentationFigure(); err != nil {
		return err
	}
	base, classifier, err := Baselines(ctx, r.be, r.enc, r.split, o)
	if err != nil {
		return fmt.Errorf("baselines: %w", err)
	}
	r.classifier = classifier
	r.run.Baselines = base
	method := r.method
	pipe := augment.NewPipeline(r.split.Train, r.spec.Augment, o.Batch, o.Seed, !r.spec.SingleView)
	cfg := o.trainConfig()
	cfg.PeakLRScopes, cfg.AdamBeta1 = method.PeakLRScopes, method.AdamBeta1
	steps := pipe.StepsPerEpoch()
	loss := func(scope *model.Scope, in []*Node) *Node {
		b := Batch{V1: in[0], StepsPerEpoch: steps, TotalSteps: steps * o.Epochs, TrainSize: r.split.Train.Len(),
			Step: optimizer.GetGlobalStepVar(scope).NodeValue(in[0].Graph())}
		in = in[1:]
		if !r.spec.SingleView {
			b.V2, in = in[0], in[1:]
		}
		b.Index = in[0]
		if method.Labels {
			b.Label = in[1]
		}
		return method.Loss(scope, b)
	}
	inputs := func(b augment.Batch) []*tensors.Tensor { return train.Views(b, method.Labels) }
	tr, err := train.New(r.be, cfg, steps, loss, filepath.Join(r.dir, "checkpoint"), o.Resume)
	if err != nil {
		return err
	}
	if o.Resume {
		rows, err := results.ReadMetrics(filepath.Join(r.dir, "metrics.csv"))
		if err != nil {
			return err
		}
		done := tr.GlobalStep() / tr.StepsPerEpoch()
		for _, row := range rows {
			if row.Epoch <= done {
				r.rows = append(r.rows, row)
			}
		}
		if tr.GlobalStep() > 0 {
			fmt.Fprintf(os.Stderr, "%s: resuming at step %d (epoch %d of %d)\n", r.spec.Name, tr.GlobalStep(), done+1, o.Epochs)
		}
	}
	knnTrain := r.split.Train.Head(o.KNNTrain)
	onEpoch := func(st train.EpochStats) error {
		f, err := extract(r.be, tr.Store, method.Embed, knnTrain, r.split.Test)
		if err != nil {
			return err
		}
		r.last, r.lastStep = f, st.GlobalStep
		knn, err := eval.KNN{K: o.KNNK, T: o.KNNT}.Accuracy(f.hTrain, f.hTest, len(r.split.Train.Classes))
		if err != nil {
			return err
		}
		col := eval.CollapseOf(f.zTest)
		r.rows = append(r.rows, results.EpochRow{Epoch: st.Epoch, Step: st.GlobalStep, Loss: st.Loss, KNNTop1: knn, LR: st.LR,
			EmbeddingStd: col.Std, EffectiveRank: col.EffectiveRank, Seconds: st.Seconds, ImagesPerS: st.ImagesPerS, IdleFrac: st.IdleFrac})
		fmt.Fprintf(os.Stderr, "%s epoch %d: kNN top-1 %.1f%%, embedding std %.3f (1/√d = %.3f), effective rank %.1f, data wait %.1f%%\n",
			r.spec.Name, st.Epoch, 100*knn, col.Std, 1/math.Sqrt(float64(f.zTest.Dim)), col.EffectiveRank, 100*st.IdleFrac)
		r.fillFromRows()
		if err := r.report(tr.Store, st.Epoch, false); err != nil {
			return err
		}
		return r.writeProgress()
	}
	// A run killed after an epoch's checkpoint but before that epoch was
	// evaluated evaluates it now, so that its row is not lost.
	if st, ok := tr.LastEpoch(); o.Resume && ok && (len(r.rows) == 0 || r.rows[len(r.rows)-1].Epoch < st.Epoch) {
		fmt.Fprintf(os.Stderr, "%s: epoch %d was trained but not evaluated before the stop: evaluating it\n", r.spec.Name, st.Epoch)
		if err := onEpoch(st); err != nil {
			return err
		}
	}
	err = tr.Run(ctx, pipe, inputs, r.spec.Name, onEpoch)
	if err != nil {
		// Keep what the completed epochs measured (also after a resume that
		// was interrupted before its first epoch ended). Best effort: Run
		// writes run.json again with the final status.
		r.fillFromRows()
		_ = r.writeProgress()
		return err
	}
	return r.finalEval(tr, method)
}

const evalBatch = 250

// finalEval probes the trained encoder and writes the final results.
func (r *runner) finalEval(tr *train.Trainer, m Method) error {
	f := r.last
	if r.lastStep != tr.GlobalStep() || f.hTrain.Len() != r.split.Train.Len() {
		var err error
		if f, err = extract(r.be, tr.Store, m.Embed, r.split.Train, r.split.Test); err != nil {
			return err
		}
	}
	hTest, zTest := f.hTest, f.zTest
	scores, err := probe(f.hTrain, hTest, len(r.split.Train.Classes), r.o)
	if err != nil {
		return err
	}
	col := eval.CollapseOf(zTest)
	r.run.Metrics = results.Metrics{KNNTop1: scores.KNNTop1, KNNK: r.o.KNNK, KNNT: r.o.KNNT, LinearTop1: scores.LinearTop1,
		LinearTop5: scores.LinearTop5, KNNTop1OnePct: scores.KNNTop1OnePct, LinearTop1OnePct: scores.LinearTop1OnePct,
		OnePctLabels: scores.OnePctLabels, EmbeddingStd: col.Std, EffectiveRank: col.EffectiveRank, Epochs: r.o.Epochs,
		ImagesPerS: r.meanImagesPerS()}
	r.run.Collapsed = Collapsed(col, zTest.Dim)
	if m.Pretext != nil {
		acc, err := train.Mean(r.be, tr.Store, m.Pretext, r.split.Test, evalBatch)
		if err != nil {
			return err
		}
		r.run.Metrics.PretextAccuracy = &acc
	}
	if err := r.report(tr.Store, r.o.Epochs, true); err != nil {
		return err
	}
	n := min(r.o.Embeddings, hTest.Len())
	if err := results.WriteEmbeddings(filepath.Join(r.dir, "embeddings.csv"), hTest.Data[:n*hTest.Dim], hTest.Dim,
		hTest.Labels[:n], r.split.Test.Classes); err != nil {
		return err
	}
	return r.writeProgress()
}

// Collapsed flags embeddings whose spread fell below a fifth of the healthy
// 1/√d, or whose effective rank is under 2: the run is then not a result.
func Collapsed(c eval.Collapse, dim int) bool {
	return c.Std*math.Sqrt(float64(dim)) < 0.2 || c.EffectiveRank < 2
}

// fillFromRows records the last monitored epoch as the metrics of a partial run.
func (r *runner) fillFromRows() {
	if len(r.rows) == 0 {
		return
	}
	last := r.rows[len(r.rows)-1]
	r.run.Metrics = results.Metrics{KNNTop1: last.KNNTop1, KNNK: r.o.KNNK, KNNT: r.o.KNNT, EmbeddingStd: last.EmbeddingStd,
		EffectiveRank: last.EffectiveRank, Epochs: last.Epoch, ImagesPerS: r.meanImagesPerS()}
}

func (r *runner) meanImagesPerS() float64 {
	var s float64
	for _, row := range r.rows {
		s += row.ImagesPerS
	}
	return s / float64(max(1, len(r.rows)))
}

// writeProgress writes metrics.csv, the figures and run.json as they stand.
func (r *runner) writeProgress() error {
	if err := results.WriteMetrics(filepath.Join(r.dir, "metrics.csv"), r.rows); err != nil {
		return err
	}
	if len(r.rows) > 0 {
		if err := r.curves(); err != nil {
			return err
		}
	}
	r.run.Finished = time.Now()
	r.run.DurationS = r.run.EarlierS + r.run.Finished.Sub(r.run.Started).Seconds()
	return results.WriteJSON(filepath.Join(r.dir, "run.json"), r.run)
}

func (r *runner) curves() error {
	epochs, loss, knn := make([]float64, len(r.rows)), make([]float64, len(r.rows)), make([]float64, len(r.rows))
	for i, row := range r.rows {
		epochs[i], loss[i], knn[i] = float64(row.Epoch), row.Loss, 100*row.KNNTop1
	}
	if err := plots.LineChart(filepath.Join(r.dir, "loss.svg"), plots.Chart{Title: r.run.Title + ": training loss",
		XLabel: "epoch", YLabel: "loss", IntegerX: true}, []plots.Line{{Name: r.run.Title, X: epochs, Y: loss}}, nil); err != nil {
		return err
	}
	b := r.run.Baselines
	if err := plots.LineChart(filepath.Join(r.dir, "knn.svg"), plots.Chart{
		Title:  fmt.Sprintf("%s: kNN top-1 (k=%d, τ=%g) on the test split", r.run.Title, r.o.KNNK, r.o.KNNT),
		XLabel: "epoch", YLabel: "accuracy (%)", YMin: 0, YMax: 100, IntegerX: true},
		[]plots.Line{{Name: r.run.Title, X: epochs, Y: knn}},
		[]plots.HLine{{Name: "random init", Value: 100 * b.RandomInit.KNNTop1}, {Name: "supervised", Value: 100 * b.Supervised.KNNTop1}}); err != nil {
		return err
	}
	r.run.Figures = append([]results.Figure{
		{File: "augmentations.svg", Caption: "Two augmented views (rows 2 and 3) of eight training images (row 1)."},
		{File: "loss.svg", Caption: "Training loss per epoch."},
		{File: "knn.svg", Caption: fmt.Sprintf("kNN top-1 accuracy per epoch (weighted cosine, k=%d, τ=%g), with the random-init and supervised encoders as dashed lines.", r.o.KNNK, r.o.KNNT)},
	}, r.figures...)
	return nil
}

// augmentationFigure draws eight training images and two views of each.
func (r *runner) augmentationFigure() error {
	d := r.split.Train
	n := min(8, d.Len())
	indices := make([]int, n)
	for i := range indices {
		indices[i] = i
	}
	b := augment.NewPipeline(d, r.spec.Augment, n, r.o.Seed, true).Make(0, 0, indices)
	size := d.Height * d.Width * 3
	rows := make([][][]float32, 3)
	for i := range n {
		rows[0] = append(rows[0], d.Float32(i, i+1))
		rows[1] = append(rows[1], b.V1[i*size:(i+1)*size])
		rows[2] = append(rows[2], b.V2[i*size:(i+1)*size])
	}
	return plots.ImageGrid(filepath.Join(r.dir, "augmentations.svg"), r.run.Title+": augmented views", rows, d.Height, d.Width)
}

// gitInfo is the commit of the working tree and whether it has changes.
func gitInfo() results.Git {
	out, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		return results.Git{Commit: "unknown"}
	}
	status, _ := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output()
	return results.Git{Commit: strings.TrimSpace(string(out)), Dirty: len(strings.TrimSpace(string(status))) > 0}
}
