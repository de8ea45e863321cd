package experiment

import (
	"fmt"
	"strings"
)

// Resolve works out a run's budget: it returns a copy of o in which every
// setting the flags left unset is filled — the experiment's own data
// (Spec.Dataset), then the method's own encoder, learning rate, epochs and batch
// (Spec.LR, DefaultEpochs for the default preset, DefaultBatch; not with
// -preset-budget), then the preset (-preset, else the data's own preset,
// DatasetPresets) — with From saying where each came from. given tells
// which flags were set on the command line. o itself is not changed, so the
// same options resolve the same way twice; -h shows what Resolve gives at
// each preset, and run.json records the result and its From.
func Resolve(spec Spec, o Options, given func(flag string) bool) (Options, error) {
	r := o
	r.From = map[string]string{}
	from := func(name, source string) { r.From[name] = source }
	for _, f := range []string{"preset", "dataset", "encoder", "epochs", "batch", "lr", "min-lr", "warmup", "train", "test",
		"supervised-epochs", "knn-train", "knn-k", "finetune-steps", "scratch-epochs"} {
		if given(f) {
			from(f, "flag")
		}
	}
	if r.Dataset == "" && spec.Dataset != "" {
		r.Dataset = spec.Dataset
		from("dataset", "experiment")
	}
	if p, ok := DatasetPresets[r.Dataset]; ok && !given("preset") {
		r.Preset = p
		from("preset", "dataset "+r.Dataset)
	}
	p, err := PresetByName(r.Preset)
	if err != nil {
		return o, err
	}
	if _, ok := r.From["preset"]; !ok {
		from("preset", "default")
	}
	preset := "preset " + p.Name
	if r.LR == 0 && spec.LR != 0 {
		r.LR = spec.LR
		from("lr", "method")
	}
	if r.Encoder == "" && spec.Encoder != "" {
		r.Encoder = spec.Encoder
		from("encoder", "method")
	}
	if !r.PresetBudget {
		if r.Epochs == 0 && r.Preset == "default" && spec.DefaultEpochs > 0 {
			r.Epochs = spec.DefaultEpochs
			from("epochs", "method")
		}
		if r.Batch == 0 && spec.DefaultBatch > 0 {
			r.Batch = spec.DefaultBatch
			from("batch", "method")
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
	r.baselineLR, r.baselineBatch = p.LR, p.Batch
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
		from("min-lr", "method")
	}
	r.Embeddings = min(max(r.Embeddings, 0), 5000)
	return r, nil
}

// orPreset sets *v to the preset's value when the flag was left at its zero
// value, and records where it came from.
func orPreset[T comparable](v *T, value T, name, preset string, from map[string]string) {
	var zero T
	if *v == zero {
		*v = value
		from[name] = preset
	}
}

// Budget is one line of what the resolved options train with: data and
// split sizes, encoder, epochs, batch, learning rate, and the supervised baseline.
func (o Options) Budget() string {
	size := func(n int) string {
		if n == 0 {
			return "all"
		}
		return fmt.Sprint(n)
	}
	return fmt.Sprintf("%s %s/%s, %s, %d epochs of batch %d, peak LR %g (warm-up %d), supervised baseline %d epochs",
		o.Dataset, size(o.Train), size(o.Test), o.Encoder, o.Epochs, o.Batch, o.LR, o.Warmup, o.SupervisedEpochs)
}

// presetBudgets is -h's table: what the method trains with at each preset
// when no other flag is given, with the settings that are the method's own.
func presetBudgets(spec Spec) string {
	var b strings.Builder
	for _, p := range Presets {
		o := Options{Preset: p.Name, Warmup: -1}
		r, err := Resolve(spec, o, func(f string) bool { return f == "preset" })
		if err != nil {
			continue
		}
		var own []string
		for _, f := range []string{"encoder", "epochs", "batch", "lr", "min-lr"} {
			if r.From[f] == "method" {
				own = append(own, f)
			}
		}
		line := r.Budget()
		if len(own) > 0 {
			line += " (the method's own: " + strings.Join(own, ", ") + ")"
		}
		fmt.Fprintf(&b, "  %-8s %s\n", p.Name, line)
	}
	if spec.DefaultEpochs > 0 || spec.DefaultBatch > 0 {
		b.WriteString("  -preset-budget trains for the preset's epochs and batch instead of the method's own.\n")
	}
	return b.String()
}
