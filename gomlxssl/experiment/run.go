package experiment

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/mega-ssl/mega/gomlxssl/backend"
	"github.com/mega-ssl/mega/gomlxssl/models"
	"github.com/mega-ssl/mega/gomlxssl/results"
	"github.com/mega-ssl/mega/gomlxssl/train"
)

// Run trains and evaluates one experiment and writes its results. fs holds the
// parsed flags (recorded in run.json); the returned Run is what was written,
// also on error (nil for a -dry-run, which stops after the checks).
func Run(ctx context.Context, spec Spec, o *Options, fs *flag.FlagSet) (*results.Run, error) {
	started := time.Now()
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	resolved, err := Resolve(spec, *o, func(name string) bool { return set[name] })
	if err != nil {
		return nil, err
	}
	o = &resolved
	enc, err := models.ParseEncoder(o.Encoder)
	if err != nil {
		return nil, err
	}
	if spec.CheckEncoder != nil {
		if err := spec.CheckEncoder(enc); err != nil {
			return nil, err
		}
	}
	if err := o.trainConfig().Validate(); err != nil {
		return nil, err
	}
	if err := o.checkFineTune(); err != nil {
		return nil, err
	}
	be, info, err := backend.New(o.Backend)
	if err != nil {
		return nil, err
	}
	if info.Note != "" {
		fmt.Fprintln(os.Stderr, info.Note)
	}
	if w := backend.SIMDWarning(info); w != "" {
		fmt.Fprintln(os.Stderr, w)
	}
	split, err := o.LoadData()
	if err != nil {
		return nil, err
	}
	if v, ok := enc.(models.ViT); ok && (split.Train.Height%v.Patch != 0 || split.Train.Width%v.Patch != 0) {
		return nil, fmt.Errorf("-encoder %s: %d×%d images do not tile into %d-pixel patches (choose a patch that divides the side, -encoder %s-pN, or another -image-size)",
			v.Name(), split.Train.Height, split.Train.Width, v.Patch, strings.TrimSuffix(v.Name(), "-mean"))
	}
	if spec.Config != nil {
		if err := spec.Config.Check(split.Train.Len(), o.Batch); err != nil {
			return nil, err
		}
	}
	if spec.CheckData != nil {
		if err := spec.CheckData(split); err != nil {
			return nil, err
		}
	}
	dir, variant, title := spec.RunDir(*o)
	if o.DryRun {
		fmt.Printf("dry run: %s on %s (%d train / %d test images, %d×%d×%d), encoder %s, %d epochs of batch %d, peak LR %g, "+
			"supervised baseline %d epochs, fine-tuning %s (%d steps on 1%% and 10%% of the labels; from scratch on all of them %d epochs); results would go to %s\n",
			title, split.Train.Name, split.Train.Len(), split.Test.Len(), split.Train.Height, split.Train.Width, split.Train.Channels, enc.Name(),
			o.Epochs, o.Batch, o.LR, o.SupervisedEpochs, o.FineTune, o.FineTuneSteps, o.ScratchEpochs, dir)
		return nil, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	run := &results.Run{Experiment: spec.Name, Variant: variant, Title: title, Status: results.StatusPartial, Started: started,
		Git: gitInfo(), Env: results.Env{Backend: info.Name, Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH,
			CPUs: runtime.NumCPU(), SIMD: backend.SIMD},
		Dataset: results.DatasetRef{Name: split.Train.Name, Train: split.Train.Len(), Test: split.Test.Len(),
			Image: [3]int{split.Train.Height, split.Train.Width, split.Train.Channels}, Classes: len(split.Train.Classes),
			TrainPerClass: split.Train.ClassCounts(), TestPerClass: split.Test.ClassCounts()},
		Config: map[string]any{},
		Protocol: fmt.Sprintf("frozen %s features; kNN: weighted cosine, k=%d, τ=%g, %d train → %d test images; "+
			"linear: softmax regression, no augmentation, no regularisation, L-BFGS ≤ %d iterations, full train split; "+
			"1%% labels: the same kNN (k at most the labelled count) and linear probe fitted on 1%% of each class's training images, drawn with data seed %d (the same for every -seed)",
			enc.Name(), o.KNNK, o.KNNT, split.Train.Len(), split.Test.Len(), o.ProbeIterations, o.DataSeed),
	}
	var prev resumed
	if o.Resume {
		prev = resumedFrom(filepath.Join(dir, "run.json"), o.Epochs)
		run.EarlierS = prev.earlierS
	}
	// The method is built before the flags are recorded, so that a method
	// that resolves a flag's value (an "automatic" setting) records it.
	m := spec.Build(enc)
	run.Labels = m.Labels
	fs.VisitAll(func(f *flag.Flag) { run.Config[f.Name] = f.Value.(flag.Getter).Get() })
	ownBudget := spec.DefaultEpochs > 0 || spec.DefaultBatch > 0
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "preset-budget" && !ownBudget {
			return // it changes nothing for a method without a budget of its own: not a variant's flag
		}
		// Where results and the baselines' cache go, resuming and the seeds
		// are not the run's settings (the seed is recorded on its own).
		if !slices.Contains([]string{"out", "baselines", "resume", "seed", "seeds"}, f.Name) {
			run.Args = append(run.Args, "-"+f.Name+"="+f.Value.String())
		}
	})
	if o.Seed != 1 { // the seed this run trained with (one of -seeds)
		run.Args = append(run.Args, fmt.Sprintf("-seed=%d", o.Seed))
	}
	for k, v := range map[string]any{"dataset": o.Dataset, "encoder": enc.Name(), "epochs": o.Epochs, "batch": o.Batch,
		"train": split.Train.Len(), "test": split.Test.Len(), "lr": o.LR, "warmup": o.Warmup,
		"supervised-epochs": o.SupervisedEpochs, "knn-train": o.KNNTrain, "knn-k": o.KNNK, "min-lr": o.MinLR, "preset": o.Preset,
		"seed": o.Seed, "data-seed": o.DataSeed} {
		run.Config[k] = v
	}
	run.ConfigFrom = o.From
	if m.Augment != nil {
		spec.Augment = *m.Augment
	}
	spec.Augment = o.augmentation(spec.Augment.ForData(split.Train.Name, split.Train.Channels))
	r := &runner{spec: spec, method: m, o: o, enc: enc, be: be, split: split, dir: dir, run: run, kept: prev.scores, keptBaselines: prev.baselines}
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

// resumed is what a resumed run takes over from the run.json it continues:
// the time already spent (it counts towards the run's duration) and, when
// that run was finished at the same epochs (it is evaluated again on the
// same weights), its protocols' figures and its baselines', so that those of
// protocols this resume does not measure (another -finetune recipe) stay.
type resumed struct {
	earlierS  float64
	scores    results.Scores
	baselines labelBaselines
}

func resumedFrom(path string, epochs int) resumed {
	prev, err := results.ReadRun(path)
	if err != nil {
		return resumed{}
	}
	r := resumed{earlierS: prev.DurationS}
	if prev.Status == results.StatusComplete && prev.Metrics.Epochs == epochs {
		r.scores = prev.Scores
		r.baselines = labelBaselines{Scratch: prev.Baselines.Scratch, Practitioner: prev.Baselines.Practitioner}
	}
	return r
}
