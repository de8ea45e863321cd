package experiment

import (
	"cmp"
	"flag"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/mega-ssl/mega/gomlxssl/augment"
	"github.com/mega-ssl/mega/gomlxssl/data"
	"github.com/mega-ssl/mega/gomlxssl/models"
	"github.com/mega-ssl/mega/gomlxssl/results"
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
	Augment augment.Config
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
}

// RunDir is where the results of the run that options o describe (resolved
// or as parsed) go, and the variant's name and title ("" for the main run).
// A method's own variant (Spec.Variant) names it first, then any other
// method or augmentation setting that differs (settingsVariant). A run on another
// encoder than the one the method trains with at o's preset is a variant
// named after it — mocov3-vit-96-4-3, "MoCo v3 (vit-96-4-3)". A run whose
// epochs were given by -epochs is one too — simclr-50ep, "SimCLR (50
// epochs)" — so that a longer or shorter run never overwrites the preset's,
// which the comparisons read; so is a run whose -preset-budget changed the
// method's own epochs or batch (budgetVariant). A run on other data than
// the experiment's own (-dataset fashion-mnist for an experiment of shapes)
// is named after that data — simclr-fashion-mnist, "SimCLR on
// Fashion-MNIST". A batch or peak learning rate given by -batch or -lr that
// is not the one the method runs at names it too — byol-batch64, "BYOL
// (batch 64)"; simclr-lr0.001, "SimCLR (LR 0.001)". A seed other than 1
// (-seed) adds "seedN" — simclr-seed2, "SimCLR (seed 2)" (seed 0 is taken
// for 1). So these runs sit side by side and never overwrite each other.
func (s Spec) RunDir(o Options) (dir, variant, title string) {
	name, title := s.settingsVariant(o)
	own, err := s.resolveAtPreset(o, false)
	if err != nil { // options Run will refuse: named after what was given
		return s.dir(o.Out, name, title, o.Dataset, s.encoderVariant(o), givenEpochs(o), 0, 0, VariantName{}, o.Seed)
	}
	epochs, batch := s.budgetVariant(o, own)
	// The data the run trains on: the preset's where no -dataset was given
	// (-preset fashion trains on Fashion-MNIST).
	return s.dir(o.Out, name, title, own.Dataset, s.encoderVariant(o), epochs, batch, lrVariant(o, own), scaleVariant(o, own), o.Seed)
}

// scaleVariant names a run made at a smaller (or larger) scale than its
// data's own: a preset other than the one its data runs at
// (DatasetPresets, else "default") — the quick preset's smoke run is
// simclr-quick, "SimCLR (quick preset)" — and split sizes given by -train
// and -test that are not the preset's (simclr-train1000, "1000 training
// images"). So a smoke run never replaces the run the report and the
// comparisons read. own is the run's settings at its preset (resolveAtPreset).
func scaleVariant(o, own Options) VariantName {
	var v VariantName
	if own.Preset != dataPreset(own.Dataset) {
		v.Add(own.Preset, own.Preset+" preset")
	}
	if n := o.Train; o.given("train") && n != own.Train {
		v.Add(fmt.Sprintf("train%d", n), fmt.Sprintf("%d training images", n))
	}
	if n := o.Test; o.given("test") && n != own.Test {
		v.Add(fmt.Sprintf("test%d", n), fmt.Sprintf("%d test images", n))
	}
	return v
}

// dataPreset is the preset a dataset runs at when -preset is not given.
func dataPreset(dataset string) string { return cmp.Or(DatasetPresets[dataset], "default") }

// given reports whether the flag was set on the command line: in resolved
// options, by their From; in parsed ones, by the flag set they were parsed
// with; options built in code give none.
func (o Options) given(flagName string) bool {
	switch {
	case o.From != nil:
		return o.From[flagName] == "flag"
	case o.flags != nil:
		set := false
		o.flags.Visit(func(f *flag.Flag) { set = set || f.Name == flagName })
		return set
	}
	return false
}

// budgetVariant is the epochs and batch that name a run's directory: the
// epochs -epochs set, and the epochs and batch -preset-budget sets where
// they differ from the method's own (the compare group's memory bank, 25
// epochs instead of its own 60, is membank-25ep, as with -epochs 25, and
// does not replace the default run's results; BYOL at the preset's batch is
// byol-batch128); 0 where the preset or the method chose them.
//
// A batch given by -batch names the run where it is not the method's own
// (own: the method's settings at o's preset and data, resolveAtPreset).
func (s Spec) budgetVariant(o, own Options) (epochs, batch int) {
	epochs = givenEpochs(o)
	shared := own
	if o.PresetBudget {
		var err error
		if shared, err = s.resolveAtPreset(o, true); err != nil {
			return epochs, batch
		}
	}
	if epochs == 0 && shared.Epochs != own.Epochs {
		epochs = shared.Epochs
	}
	batchGiven := o.Batch != 0 && (o.From == nil || o.From["batch"] == "flag")
	switch {
	case batchGiven && o.Batch != own.Batch:
		batch = o.Batch
	case !batchGiven && shared.Batch != own.Batch:
		batch = shared.Batch
	}
	return epochs, batch
}

// resolveAtPreset is the method's settings at o's preset and data when no
// budget flag is given, with the preset's shared budget if presetBudget.
func (s Spec) resolveAtPreset(o Options, presetBudget bool) (Options, error) {
	// Resolved options hold the preset the run used; parsed ones hold the
	// flag's default "default" also where the data's own preset applies.
	given := func(f string) bool {
		if f != "preset" || o.Preset == "" {
			return false
		}
		if o.From != nil || o.flags == nil { // resolved (the preset it ran at), or built in code
			return o.From != nil || o.Preset != "default"
		}
		return o.given("preset")
	}
	return Resolve(s, Options{Preset: cmp.Or(o.Preset, "default"), Dataset: o.Dataset, Warmup: -1, PresetBudget: presetBudget}, given)
}

// lrVariant is the peak learning rate -lr gave, where it is not the one the
// method runs at (own's), else 0.
func lrVariant(o, own Options) float64 {
	if o.LR == 0 || (o.From != nil && o.From["lr"] != "flag") || o.LR == own.LR {
		return 0
	}
	return o.LR
}

// givenEpochs is o's epochs when -epochs set them — in parsed options any
// non-zero value (the flag's default is 0), in resolved ones a value whose
// source is the flag — and 0 when the preset or the method chose them.
func givenEpochs(o Options) int {
	if o.From != nil && o.From["epochs"] != "flag" {
		return 0
	}
	return o.Epochs
}

// encoderVariant is the name of o's encoder when it is not the method's
// default at o's preset and data, else "".
func (s Spec) encoderVariant(o Options) string {
	if o.Encoder == "" {
		return ""
	}
	given := func(f string) bool { return f == "preset" && o.Preset != "" }
	def, err := Resolve(s, Options{Preset: cmp.Or(o.Preset, "default"), Dataset: o.Dataset, Warmup: -1}, given)
	if err != nil {
		return ""
	}
	enc, err1 := models.ParseEncoder(o.Encoder)
	own, err2 := models.ParseEncoder(def.Encoder)
	if err1 != nil || err2 != nil || enc.Name() == own.Name() {
		return ""
	}
	return enc.Name()
}

// dir adds to the method's and augmentation's variant (settingsVariant's
// name and title) the encoder, budget, data and seed that name a run.
func (s Spec) dir(out, variant, title, dataset, encoder string, epochs, batch int, lr float64, scale VariantName, seed uint64) (string, string, string) {
	if encoder != "" {
		variant = strings.Trim(variant+"-"+encoder, "-")
		title += " (" + encoder + ")"
	}
	if epochs > 0 {
		variant = strings.Trim(fmt.Sprintf("%s-%dep", variant, epochs), "-")
		if epochs == 1 {
			title += " (1 epoch)"
		} else {
			title += fmt.Sprintf(" (%d epochs)", epochs)
		}
	}
	if batch > 0 {
		variant = strings.Trim(fmt.Sprintf("%s-batch%d", variant, batch), "-")
		title += fmt.Sprintf(" (batch %d)", batch)
	}
	if lr > 0 {
		variant = strings.Trim(fmt.Sprintf("%s-lr%g", variant, lr), "-")
		title += fmt.Sprintf(" (LR %g)", lr)
	}
	if name, words := scale.Result(""); name != "" {
		variant = strings.Trim(variant+"-"+name, "-")
		title += words
	}
	if dataset != "" && dataset != s.OwnDataset() {
		variant = strings.Trim(variant+"-"+dataset, "-")
		title += " on " + results.DatasetTitle(dataset)
	}
	if seed > 1 {
		variant = strings.Trim(fmt.Sprintf("%s-seed%d", variant, seed), "-")
		title += fmt.Sprintf(" (seed %d)", seed)
	}
	if variant == "" {
		return filepath.Join(out, s.Name), "", s.Title
	}
	return filepath.Join(out, s.Name+"-"+variant), variant, title
}

// OwnDataset is the data the experiment runs on when -dataset is not given.
func (s Spec) OwnDataset() string { return cmp.Or(s.Dataset, "shapes") }
