package experiment

import (
	"cmp"
	"flag"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/mega-ssl/mega/gomlxssl/data"
	"github.com/mega-ssl/mega/gomlxssl/models"
	"github.com/mega-ssl/mega/gomlxssl/results"
)

// Source says where a setting of a plan came from: a flag given on the
// command line, the experiment's own data, the method's own budget, a
// preset, or the default preset. run.json records it (config_from).
type Source string

// The sources of a plan's settings; a preset's and a dataset's are
// FromPreset and FromDataset.
const (
	FromFlag       Source = "flag"
	FromExperiment Source = "experiment" // the Spec's own data (Spec.Dataset)
	FromMethod     Source = "method"     // the Spec's own encoder, LR, epochs or batch
	FromDefault    Source = "default"    // the default preset, nothing else choosing
)

// FromPreset is the source of a setting a preset filled.
func FromPreset(name string) Source { return Source("preset " + name) }

// FromDataset is the source of a preset a dataset chose (data.Source.Preset).
func FromDataset(name string) Source { return Source("dataset " + name) }

// Plan is one run of an experiment, worked out once, before any data loads,
// from the command line: every setting (a flag given, then the experiment's
// own data, the method's own budget, the preset's) with where it came from,
// where the results go, and the run's name and title. Main makes it
// (NewPlan); RunSeeds and Execute only read it.
type Plan struct {
	Spec Spec
	// Options are the settings, resolved: no flag's zero value is left
	// for a preset to fill.
	Options
	// From says where each budget setting came from.
	From map[string]Source
	// BaselineLR and BaselineBatch are the preset's learning rate and batch,
	// which the supervised baseline trains with whatever -lr and -batch a
	// method runs at, so that every method of a preset shares one ceiling.
	BaselineLR    float64
	BaselineBatch int
	// Enc is the encoder Options.Encoder names, parsed and checked once.
	Enc models.Encoder
	// Dir is where the results go, Variant the run's name beside the
	// experiment's main run ("" for the main run), Title its title.
	Dir, Variant, Title string
	// given are the flags set on the command line; flags the parsed set,
	// whose values run.json records once the method is built.
	given map[string]bool
	flags *flag.FlagSet
}

// NewPlan resolves the options o that fs parsed for spec, checks what can
// be checked before the data loads (the encoder, the budget, the
// fine-tuning recipes), and names the run.
func NewPlan(spec Spec, o *Options, fs *flag.FlagSet) (*Plan, error) {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	p, err := resolve(spec, *o, func(name string) bool { return given[name] })
	if err != nil {
		return nil, err
	}
	p.given, p.flags = given, fs
	if p.Enc, err = models.ParseEncoder(p.Encoder); err != nil {
		return nil, err
	}
	if spec.CheckEncoder != nil {
		if err := spec.CheckEncoder(p.Enc); err != nil {
			return nil, err
		}
	}
	if err := p.trainConfig().Validate(); err != nil {
		return nil, err
	}
	if err := p.checkFineTune(); err != nil {
		return nil, err
	}
	p.name()
	return p, nil
}

// WithSeed is the plan of the same run with another model seed (one of
// -seeds): its own directory (simclr-seed2) and title.
func (p *Plan) WithSeed(seed uint64) *Plan {
	q := *p
	q.Seed = seed
	q.name()
	return &q
}

// resolve works out a run's settings from the options o: every setting
// the flags left unset is filled — the experiment's own data
// (Spec.Dataset), then the method's own encoder, learning rate, epochs
// for the default preset and batch (Spec.LR, Encoder, DefaultEpochs,
// DefaultBatch; not with -preset-budget), then the preset (-preset, else
// the data's own preset, data.Source.Preset) — with From saying where each
// came from. given tells which flags were set on the command line. -h shows
// what it gives at each preset, and run.json records the result and its
// From.
func resolve(spec Spec, o Options, given func(flag string) bool) (*Plan, error) {
	r := &Plan{Spec: spec, Options: o, From: map[string]Source{}}
	from := func(name string, s Source) { r.From[name] = s }
	for _, f := range []string{"preset", "dataset", "encoder", "epochs", "batch", "lr", "min-lr", "warmup", "train", "test",
		"supervised-epochs", "knn-train", "knn-k", "finetune-steps", "scratch-epochs"} {
		if given(f) {
			from(f, FromFlag)
		}
	}
	if r.Dataset == "" && spec.Dataset != "" {
		r.Dataset = spec.Dataset
		from("dataset", FromExperiment)
	}
	if p := dataPreset(r.Dataset); p != "default" && !given("preset") {
		r.Preset = p
		from("preset", FromDataset(r.Dataset))
	}
	r.Preset = cmp.Or(r.Preset, "default")
	p, err := PresetByName(r.Preset)
	if err != nil {
		return nil, err
	}
	if _, ok := r.From["preset"]; !ok {
		from("preset", FromDefault)
	}
	preset := FromPreset(p.Name)
	if r.LR == 0 && spec.LR != 0 {
		r.LR = spec.LR
		from("lr", FromMethod)
	}
	if r.Encoder == "" && spec.Encoder != "" {
		r.Encoder = spec.Encoder
		from("encoder", FromMethod)
	}
	if !r.PresetBudget {
		if r.Epochs == 0 && r.Preset == "default" && spec.DefaultEpochs > 0 {
			r.Epochs = spec.DefaultEpochs
			from("epochs", FromMethod)
		}
		if r.Batch == 0 && spec.DefaultBatch > 0 {
			r.Batch = spec.DefaultBatch
			from("batch", FromMethod)
		}
	}
	orPreset(&r.Dataset, p.Dataset, "dataset", preset, r.From)
	orPreset(&r.Encoder, p.Encoder, "encoder", preset, r.From)
	orPreset(&r.Epochs, p.Epochs, "epochs", preset, r.From)
	orPreset(&r.Batch, p.Batch, "batch", preset, r.From)
	orPreset(&r.SupervisedEpochs, p.SupervisedEpochs, "supervised-epochs", preset, r.From)
	orPreset(&r.KNNTrain, p.KNNTrain, "knn-train", preset, r.From)
	orPreset(&r.KNNK, p.KNNK, "knn-k", preset, r.From)
	orPreset(&r.LR, p.LR, "lr", preset, r.From)
	orPreset(&r.FineTuneSteps, p.FineTuneSteps, "finetune-steps", preset, r.From)
	orPreset(&r.ScratchEpochs, p.ScratchEpochs, "scratch-epochs", preset, r.From)
	r.BaselineLR, r.BaselineBatch = p.LR, p.Batch
	if !given("train") { // 0 is meaningful here: the whole split
		r.Train = p.Train
		from("train", preset)
	}
	if !given("test") {
		r.Test = p.Test
		from("test", preset)
	}
	if r.Warmup < 0 {
		r.Warmup = p.Warmup
		from("warmup", preset)
	}
	if spec.ConstantLR && !given("min-lr") {
		r.MinLR = r.LR // the cosine from LR to LR: constant after the warm-up
		from("min-lr", FromMethod)
	}
	r.Embeddings = min(max(r.Embeddings, 0), 5000)
	return r, nil
}

// orPreset sets *v to the preset's value when the flag was left at its zero
// value, and records where it came from.
func orPreset[T comparable](v *T, value T, name string, preset Source, from map[string]Source) {
	var zero T
	if *v == zero {
		*v = value
		from[name] = preset
	}
}

// configFrom is From as run.json records it.
func (p *Plan) configFrom() map[string]string {
	m := make(map[string]string, len(p.From))
	for k, v := range p.From {
		m[k] = string(v)
	}
	return m
}

// Budget is one line of what the plan trains with: data and split sizes,
// encoder, epochs, batch, learning rate, and the supervised baseline.
func (p *Plan) Budget() string {
	size := func(n int) string {
		if n == 0 {
			return "all"
		}
		return fmt.Sprint(n)
	}
	return fmt.Sprintf("%s %s/%s, %s, %d epochs of batch %d, peak LR %g (warm-up %d), supervised baseline %d epochs",
		p.Dataset, size(p.Train), size(p.Test), p.Encoder, p.Epochs, p.Batch, p.LR, p.Warmup, p.SupervisedEpochs)
}

// name sets the plan's directory, variant and title. A method's own variant
// (Spec.Variant) names it first, then any other method or augmentation
// setting given that differs (settingsVariant). A run on another encoder
// than the one the method trains with at its preset is named after it —
// mocov3-vit-96-4-3, "MoCo v3 (vit-96-4-3)". A run whose epochs -epochs
// gave is one too — simclr-50ep, "SimCLR (50 epochs)" — so that a longer or
// shorter run never overwrites the preset's, which the comparisons read;
// so is a run whose -preset-budget changed the method's own epochs or batch
// (budgetVariant), and one whose -batch or -lr is not the method's own —
// byol-batch64, simclr-lr0.001. A preset other than the data's own and
// split sizes given by flag name it (scaleVariant: simclr-quick). A run on
// other data than the experiment's own is named after that data —
// simclr-fashion-mnist, "SimCLR on Fashion-MNIST". A seed other than 1
// adds "seedN" — simclr-seed2, "SimCLR (seed 2)". So these runs sit side
// by side and never overwrite each other.
func (p *Plan) name() {
	var v VariantName
	own := p.atPreset(false)
	if enc := p.encoderVariant(own); enc != "" {
		v.Add(enc, enc)
	}
	epochs, batch := p.budgetVariant(own)
	if epochs == 1 {
		v.Add("1ep", "1 epoch")
	} else if epochs > 0 {
		v.Add(fmt.Sprintf("%dep", epochs), fmt.Sprintf("%d epochs", epochs))
	}
	if batch > 0 {
		v.Add(fmt.Sprintf("batch%d", batch), fmt.Sprintf("batch %d", batch))
	}
	if p.given["lr"] && p.LR != own.LR {
		v.Add(fmt.Sprintf("lr%g", p.LR), fmt.Sprintf("LR %g", p.LR))
	}
	name, title := p.settingsVariant()
	for i := range v.names { // each budget setting its own parentheses: "SimCLR (50 epochs) (batch 64)"
		name = strings.Trim(name+"-"+v.names[i], "-")
		title += " (" + v.words[i] + ")"
	}
	if more, words := p.scaleVariant(own).Result(""); more != "" {
		name = strings.Trim(name+"-"+more, "-")
		title += words
	}
	if p.Dataset != p.Spec.OwnDataset() {
		name = strings.Trim(name+"-"+p.Dataset, "-")
		title += " on " + results.DatasetTitle(p.Dataset)
	}
	if p.Seed > 1 {
		name = strings.Trim(fmt.Sprintf("%s-seed%d", name, p.Seed), "-")
		title += fmt.Sprintf(" (seed %d)", p.Seed)
	}
	p.Dir, p.Variant, p.Title = filepath.Join(p.Out, p.Spec.Name), "", title
	if name != "" {
		p.Dir, p.Variant = filepath.Join(p.Out, p.Spec.Name+"-"+name), name
	}
}

// atPreset is the method's settings at the plan's preset and data when no
// budget flag is given — with the preset's shared budget if presetBudget —
// against which the plan's own settings name the run.
func (p *Plan) atPreset(presetBudget bool) *Plan {
	own, err := resolve(p.Spec, Options{Preset: p.Preset, Dataset: p.Dataset, Warmup: -1, PresetBudget: presetBudget},
		func(f string) bool { return f == "preset" })
	if err != nil { // the plan's preset resolved once: it resolves again
		panic(err)
	}
	return own
}

// encoderVariant is the name of the plan's encoder where it is not the
// method's own at its preset and data (own), else "".
func (p *Plan) encoderVariant(own *Plan) string {
	def, err := models.ParseEncoder(own.Encoder)
	if err != nil || p.Enc.Name() == def.Name() {
		return ""
	}
	return p.Enc.Name()
}

// budgetVariant is the epochs and batch that name a run: the epochs -epochs
// gave, and the epochs and batch -preset-budget sets where they differ
// from the method's own (the compare group's memory bank, 25 epochs instead
// of its own 60, is membank-25ep, as with -epochs 25; BYOL at the preset's
// batch is byol-batch128), and a batch -batch gave that is not the method's
// own; 0 where the preset or the method chose them.
func (p *Plan) budgetVariant(own *Plan) (epochs, batch int) {
	if p.given["epochs"] {
		epochs = p.Epochs
	}
	shared := own
	if p.PresetBudget {
		shared = p.atPreset(true)
	}
	if epochs == 0 && shared.Epochs != own.Epochs {
		epochs = shared.Epochs
	}
	switch {
	case p.given["batch"] && p.Batch != own.Batch:
		batch = p.Batch
	case !p.given["batch"] && shared.Batch != own.Batch:
		batch = shared.Batch
	}
	return epochs, batch
}

// scaleVariant names a run made at another scale than its data's own: a
// preset other than the one its data runs at (data.Source.Preset, else
// "default") — the quick preset's smoke run is simclr-quick, "SimCLR (quick
// preset)" — and split sizes -train and -test gave that are not the
// preset's (simclr-train1000, "1000 training images"). So a smoke run
// never replaces the run the report and the comparisons read.
func (p *Plan) scaleVariant(own *Plan) VariantName {
	var v VariantName
	if p.Preset != dataPreset(p.Dataset) {
		v.Add(p.Preset, p.Preset+" preset")
	}
	if p.given["train"] && p.Train != own.Train {
		v.Add(fmt.Sprintf("train%d", p.Train), fmt.Sprintf("%d training images", p.Train))
	}
	if p.given["test"] && p.Test != own.Test {
		v.Add(fmt.Sprintf("test%d", p.Test), fmt.Sprintf("%d test images", p.Test))
	}
	return v
}

// dataPreset is the preset a run on the dataset uses when -preset is not
// given: its Source's, else the default preset.
func dataPreset(dataset string) string {
	if src, err := data.SourceNamed(dataset); err == nil && src.Preset != "" {
		return src.Preset
	}
	return "default"
}
