package experiment

import (
	"flag"
	"path/filepath"

	"github.com/mega-ssl/mega/gomlxssl/augment"
	"github.com/mega-ssl/mega/gomlxssl/data"
	"github.com/mega-ssl/mega/gomlxssl/train"
)

// Flags registers the shared flags and the method's own on fs.
func Flags(spec Spec, fs *flag.FlagSet) *Options {
	o := RegisterFlags(fs)
	if spec.Config != nil {
		spec.Config.Flags(fs)
	}
	return o
}

// Options are the flags every experiment shares, as parsed; a Plan holds
// them resolved.
type Options struct {
	Out, Backend, Preset, Dataset, DataDir, Encoder, Optimizer string
	// Seed seeds the weights, the augmentation and the data order; DataSeed
	// the data itself (generated images, splits, samples, the 1%-label
	// subset), so that runs of several seeds see the same images.
	Seed, DataSeed uint64
	// Seeds trains with Seed, Seed+1, … (one run each) and writes their
	// aggregate (RunSeeds).
	Seeds                                                int
	Epochs, Batch, Train, Test, Warmup, SupervisedEpochs int
	ImageSize, Tiles                                     int
	LR, MinLR, WeightDecay                               float64
	KNNK                                                 int
	KNNT                                                 float64
	KNNTrain, ProbeIterations, Embeddings                int
	// FineTuneSteps and ScratchEpochs are the fine-tuning protocol's budget
	// (Preset); FineTune names its recipes to run ("plain", "crop-flip",
	// both comma-separated, or "none").
	FineTuneSteps, ScratchEpochs int
	FineTune                     string
	CropMin, Jitter, Gray, Blur  float64
	Resume, Download             bool
	// BaselinesDir caches the baselines (OUT/baselines when empty); runs
	// with different -out may share one (the tests do), safely: a cache
	// entry is computed under a lock, by one run at a time.
	BaselinesDir string
	// DryRun checks the flags and the data, prints what would run, and
	// stops before anything trains (the README's commands are tested so).
	DryRun bool
	// PresetBudget ignores the method's own default epochs and batch
	// (Spec.DefaultEpochs, Spec.DefaultBatch) for the preset's, so that
	// methods compared side by side share one budget.
	PresetBudget bool
	// Embed, instead of training, embeds images with the run's trained
	// encoder (its last checkpoint): "train" or "test" (the run's own
	// split) or a folder of images; EmbedOut is where (FILE.csv and
	// FILE.npy; default OUT/<run>/embed-<source>).
	Embed, EmbedOut string
	// Export, instead of training, writes the run's trained encoder to this
	// folder: its weights in safetensors and a JSON of its architecture and
	// input (Export).
	Export string
	// Neighbours, instead of training, writes a trained run's nearest
	// neighbours (Neighbours).
	Neighbours bool
}

// The optimiser and its decoupled weight decay unless -optimizer and -wd say
// otherwise (a run with others is named after them: settingsVariant).
const (
	defaultOptimizer   = "adam"
	defaultWeightDecay = 1e-6
)

// RegisterFlags adds the shared flags to fs.
func RegisterFlags(fs *flag.FlagSet) *Options {
	o := &Options{}
	fs.StringVar(&o.Out, "out", "out", "output directory; results go to OUT/<experiment>/")
	fs.StringVar(&o.Backend, "backend", "", "GoMLX backend: go, go:parallelism=N, xla:cpu, xla:cuda, xla:/abs/plugin.so (default: $GOMLX_BACKEND, else XLA if a PJRT plugin is installed, else go)")
	fs.StringVar(&o.Preset, "preset", "default", "budget: quick (≤ 60 s), default (≤ 10 min on 2 cores), fashion (the whole Fashion-MNIST, ≤ 30 min; the default with -dataset fashion-mnist or mnist), full (CIFAR-10 + ResNet-18, for a GPU)")
	fs.StringVar(&o.Dataset, "dataset", "", data.Help())
	fs.IntVar(&o.ImageSize, "image-size", 32, "image side in pixels for shapes, histo and folder data (CIFAR-10 is 32)")
	fs.StringVar(&o.DataDir, "data-dir", "data", "directory of a dataset read from files")
	fs.BoolVar(&o.Download, "download", false, "download CIFAR-10 into -data-dir when it is missing")
	fs.StringVar(&o.Encoder, "encoder", "", "encoder: convnet, convnet-W1-W2-..., resnet18, vit-WIDTH-DEPTH-HEADS[-pPATCH] (preset's by default)")
	fs.StringVar(&o.Optimizer, "optimizer", defaultOptimizer, "adam or sgd")
	fs.Uint64Var(&o.Seed, "seed", 1, "seed for the weights, the augmentation and the data order (a seed other than 1 writes OUT/<experiment>-seedN/)")
	fs.Uint64Var(&o.DataSeed, "data-seed", 1, "seed for the data: generated images, splits and samples, the 1%-label subset (held fixed across -seed)")
	fs.IntVar(&o.Seeds, "seeds", 1, "train with this many seeds (-seed, -seed+1, …), one run each, and write their mean and spread to seeds.json in the first one's directory")
	fs.IntVar(&o.Epochs, "epochs", 0, "training epochs (preset's by default)")
	fs.IntVar(&o.Batch, "batch", 0, "batch size in images, two views each (preset's by default)")
	fs.IntVar(&o.Train, "train", 0, "training images; shapes, histo: how many to generate; others: a seeded sample that keeps every class's share (preset's by default; 0 = all)")
	fs.IntVar(&o.Test, "test", 0, "test images, as -train")
	fs.IntVar(&o.Warmup, "warmup", -1, "warm-up epochs (preset's by default)")
	fs.IntVar(&o.SupervisedEpochs, "supervised-epochs", 0, "budget of the supervised baseline (preset's by default)")
	fs.Float64Var(&o.LR, "lr", 0, "peak learning rate (preset's by default)")
	fs.Float64Var(&o.MinLR, "min-lr", 0, "final learning rate of the cosine schedule")
	fs.Float64Var(&o.WeightDecay, "wd", defaultWeightDecay, "Adam's decoupled weight decay during pre-training (the linear probe has none)")
	fs.IntVar(&o.KNNK, "knn-k", 0, "kNN monitor: neighbours (preset's by default: 200, 20 for quick)")
	fs.Float64Var(&o.KNNT, "knn-t", 0.1, "kNN monitor: temperature")
	fs.IntVar(&o.KNNTrain, "knn-train", 0, "kNN monitor: training rows searched each epoch (preset's by default)")
	fs.IntVar(&o.ProbeIterations, "probe-iters", 300, "linear probe: L-BFGS iterations")
	fs.IntVar(&o.FineTuneSteps, "finetune-steps", 0, "fine-tuning protocol: steps on each labelled fraction, for every method and the networks trained from scratch (preset's by default)")
	fs.IntVar(&o.ScratchEpochs, "scratch-epochs", 0, "fine-tuning protocol: epochs of the networks trained from scratch on all of the labels (preset's by default)")
	fs.StringVar(&o.FineTune, "finetune", "plain", "fine-tuning protocol's recipes: plain (no augmentation, the talk's), crop-flip (SimCLR's light augmentation), both as plain,crop-flip, or none")
	fs.IntVar(&o.Embeddings, "embeddings", 2000, "test embeddings written to embeddings.csv for t-SNE (≤ 5000)")
	fs.Float64Var(&o.CropMin, "crop-min", -1, "augmentation: smallest crop area fraction (method's default if unset)")
	fs.Float64Var(&o.Jitter, "jitter", -1, "augmentation: colour-distortion strength s (0.8s brightness/contrast/saturation, 0.2s hue; method's default if unset)")
	fs.Float64Var(&o.Gray, "gray", -1, "augmentation: grayscale probability (method's default if unset)")
	fs.Float64Var(&o.Blur, "blur", -1, "augmentation: Gaussian blur probability (method's default if unset)")
	fs.IntVar(&o.Tiles, "tiles", -1, "augmentation: shuffle N×N tiles of every view (0: off; method's default if unset)")
	fs.BoolVar(&o.PresetBudget, "preset-budget", false, "train for the preset's epochs and batch even where the method has its own (the compare group passes it: one budget for its four methods)")
	fs.StringVar(&o.BaselinesDir, "baselines", "", "where the baselines are cached (default OUT/baselines; several runs may share one)")
	fs.BoolVar(&o.Resume, "resume", false, "continue from the checkpoint in OUT/<experiment>/checkpoint")
	fs.BoolVar(&o.DryRun, "dry-run", false, "check the flags and the data, print what would run, and stop before training")
	fs.StringVar(&o.Embed, "embed", "", "instead of training, embed images with this run's trained encoder: train or test (the run's own split), or a folder of PNG/JPEG images (recursively); writes CSV and .npy (go run run.go embed RUN does it for a run of out/)")
	fs.StringVar(&o.Export, "export", "", "instead of training, write this run's trained encoder to this folder: encoder.safetensors (PyTorch's names and layouts) and encoder.json (architecture, input, normalisation); go run run.go export RUN does it for a run of out/")
	fs.BoolVar(&o.Neighbours, "neighbours", false, "instead of training, write this run's nearest neighbours (neighbours.json, neighbours.png: a few test images per class and their nearest training images, beside the raw pixels' and the random-init encoder's), which a run writes itself since they were added")
	fs.StringVar(&o.EmbedOut, "embed-out", "", "where -embed writes: FILE.csv and FILE.npy (default OUT/<run>/embed-<source>)")
	return o
}

// augmentation is the method's policy with any augmentation flags applied.
func (o *Options) augmentation(cfg augment.Policy) augment.Policy {
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

// baselines is the directory of the baselines' cache.
func (o *Options) baselines() string {
	if o.BaselinesDir != "" {
		return o.BaselinesDir
	}
	return filepath.Join(o.Out, "baselines")
}
