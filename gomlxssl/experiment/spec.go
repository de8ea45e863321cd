package experiment

import (
	"cmp"
	"flag"

	"github.com/mega-ssl/mega/gomlxssl/augment"
	"github.com/mega-ssl/mega/gomlxssl/data"
	"github.com/mega-ssl/mega/gomlxssl/models"
)

// Config is a method's settings. An experiment keeps its knobs in one
// struct: Flags registers each as a flag with the struct's value as its
// default, so that parsing fills the struct; Check validates the parsed
// values against the data and the batch before anything trains (MoCo: the
// queue must tile by the batch's keys and fit the training set), with an
// error that names the flag. Build and Variant read the same struct.
type Config interface {
	Flags(fs *flag.FlagSet)
	Check(trainSize, batch int) error
}

// Spec describes an experiment to the runner.
type Spec struct {
	Name  string // directory under -out, e.g. "simclr"
	Title string // e.g. "SimCLR"
	// Augment is the method's augmentation policy.
	Augment augment.Policy
	// Config holds the method's settings (nil for a method without any):
	// their flags, recorded in run.json with the shared ones, and their
	// check before anything trains.
	Config Config
	// Build makes the method for the chosen encoder, once flags are parsed.
	Build func(enc models.Encoder) Method
	// LR, if set, is the method's own default peak learning rate, used when
	// -lr is not given (a GAN trains at 2·10⁻⁴).
	LR float64
	// DefaultEpochs, if set, replaces the default preset's epochs for this
	// method when -epochs is not given: methods differ in their cost per
	// epoch and in how fast they learn (the memory bank updates each image's
	// entry once an epoch). -preset-budget ignores it.
	DefaultEpochs int
	// DefaultBatch, if set, is the method's batch when -batch is not given
	// (a GAN learns from many small steps more than from a few large ones);
	// -preset-budget ignores it.
	DefaultBatch int
	// ConstantLR keeps the learning rate at its peak after the warm-up
	// instead of annealing it (unless -min-lr is given): a GAN's two players
	// need their step size to the end.
	ConstantLR bool
	// Encoder, if set, is the method's own encoder when -encoder is not
	// given (MAE hides patches: a ViT).
	Encoder string
	// CheckEncoder, if set, refuses an encoder the method cannot train with
	// (MAE needs a ViT), before any data loads.
	CheckEncoder func(models.Encoder) error
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
	// VariantFlags are the method's flags that its Variant names (hard
	// negatives: "beta", "tau-plus"); any other method flag given with a
	// value other than its default is named after the flag (-temperature
	// 0.5: "temperature0.5"), so that no setting is left out of a run's name.
	VariantFlags []string
}

// OwnDataset is the data the experiment runs on when -dataset is not given.
func (s Spec) OwnDataset() string { return cmp.Or(s.Dataset, data.ShapesName) }
