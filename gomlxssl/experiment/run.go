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

// Execute trains and evaluates the run p plans and writes its results: it
// prepares (the backend, the data and the method's checks of it), executes
// (the runner: baselines, training, evaluation, protocols) and records
// (run.json). The returned results.Run is what was written, also on error
// (nil for a -dry-run, which stops after the checks).
func Execute(ctx context.Context, p *Plan) (*results.Run, error) {
	started := time.Now()
	r, err := prepare(p)
	if err != nil || r == nil {
		return nil, err
	}
	r.run.Started = started
	err = r.execute(ctx)
	return r.record(err)
}

// prepare makes the runner of plan p: the encoder, the backend and the data,
// checked against the method; the run's record as it starts (run.json's
// environment, data, flags and protocol); nil for a dry run, after saying
// what it would do.
func prepare(p *Plan) (*runner, error) {
	spec := p.Spec
	enc := p.Enc
	be, info, err := backend.New(p.Backend)
	if err != nil {
		return nil, err
	}
	if info.Note != "" {
		fmt.Fprintln(os.Stderr, info.Note)
	}
	if w := backend.SIMDWarning(info); w != "" {
		fmt.Fprintln(os.Stderr, w)
	}
	split, err := p.LoadData()
	if err != nil {
		return nil, err
	}
	if v, ok := enc.(models.ViT); ok && (split.Train.Height%v.Patch != 0 || split.Train.Width%v.Patch != 0) {
		return nil, fmt.Errorf("-encoder %s: %d×%d images do not tile into %d-pixel patches (choose a patch that divides the side, -encoder %s-pN, or another -image-size)",
			v.Name(), split.Train.Height, split.Train.Width, v.Patch, strings.TrimSuffix(v.Name(), "-mean"))
	}
	if spec.Config != nil {
		if err := spec.Config.Check(split.Train.Len(), p.Batch); err != nil {
			return nil, err
		}
	}
	if spec.CheckData != nil {
		if err := spec.CheckData(split); err != nil {
			return nil, err
		}
	}
	if p.DryRun {
		fmt.Printf("dry run: %s on %s (%d train / %d test images, %d×%d×%d), encoder %s, %d epochs of batch %d, peak LR %g, "+
			"supervised baseline %d epochs, fine-tuning %s (%d steps on 1%% and 10%% of the labels; from scratch on all of them %d epochs); results would go to %s\n",
			p.Title, split.Train.Name, split.Train.Len(), split.Test.Len(), split.Train.Height, split.Train.Width, split.Train.Channels, enc.Name(),
			p.Epochs, p.Batch, p.LR, p.SupervisedEpochs, p.FineTune, p.FineTuneSteps, p.ScratchEpochs, p.Dir)
		return nil, nil
	}
	if err := os.MkdirAll(p.Dir, 0o755); err != nil {
		return nil, err
	}
	run := &results.Run{Experiment: spec.Name, Variant: p.Variant, Title: p.Title, Status: results.StatusPartial,
		Git: gitInfo(), Env: results.Env{Backend: info.Name, Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH,
			CPUs: runtime.NumCPU(), SIMD: backend.SIMD, CPU: results.CPUModel()},
		Dataset: results.DatasetRef{Name: split.Train.Name, Train: split.Train.Len(), Test: split.Test.Len(),
			Image: [3]int{split.Train.Height, split.Train.Width, split.Train.Channels}, Classes: len(split.Train.Classes),
			TrainPerClass: split.Train.ClassCounts(), TestPerClass: split.Test.ClassCounts()},
		Protocol: fmt.Sprintf("frozen %s features; kNN: weighted cosine, k=%d, τ=%g, %d train → %d test images; "+
			"linear: softmax regression, no augmentation, no regularisation, L-BFGS ≤ %d iterations, full train split; "+
			"1%% labels: the same kNN (k at most the labelled count) and linear probe fitted on 1%% of each class's training images, drawn with data seed %d (the same for every -seed)",
			enc.Name(), p.KNNK, p.KNNT, split.Train.Len(), split.Test.Len(), p.ProbeIterations, p.DataSeed),
	}
	if len(split.Train.Classes) < 2 {
		run.Unlabelled = true
		run.Protocol = fmt.Sprintf("data without labels (%s): no probe, baseline or fine-tuning can be fitted; the collapse figures of the frozen %s features of the %d test images (embedding std, effective rank) stand in for them",
			split.Train.Name, enc.Name(), split.Test.Len())
	}
	var prev resumed
	if p.Resume {
		prev = resumedFrom(filepath.Join(p.Dir, "run.json"), p.Epochs)
		run.EarlierS = prev.earlierS
	}
	// The method is built before the flags are recorded, so that a method
	// that resolves a flag's value (an "automatic" setting) records it.
	m := spec.Build(enc)
	run.Labels = m.Labels
	run.Config, run.Args = p.recordedFlags(split.Train.Len(), split.Test.Len(), enc.Name())
	run.ConfigFrom = p.configFrom()
	if m.Augment != nil {
		spec.Augment = *m.Augment
	}
	spec.Augment = p.augmentation(spec.Augment.ForData(split.Train.Name, split.Train.Channels))
	return &runner{spec: spec, method: m, o: p, enc: enc, be: be, split: split, dir: p.Dir, run: run,
		kept: prev.scores, keptBaselines: prev.baselines}, nil
}

// recordedFlags are run.json's config — every flag's value, then the
// settings as resolved — and args, the flags given that reproduce the run.
func (p *Plan) recordedFlags(train, test int, encoder string) (map[string]any, []string) {
	config := map[string]any{}
	p.flags.VisitAll(func(f *flag.Flag) { config[f.Name] = f.Value.(flag.Getter).Get() })
	var args []string
	ownBudget := p.Spec.DefaultEpochs > 0 || p.Spec.DefaultBatch > 0
	p.flags.Visit(func(f *flag.Flag) {
		if f.Name == "preset-budget" && !ownBudget {
			return // it changes nothing for a method without a budget of its own: not a variant's flag
		}
		// Where results and the baselines' cache go, resuming and the seeds
		// are not the run's settings (the seed is recorded on its own).
		if !slices.Contains([]string{"out", "baselines", "resume", "seed", "seeds", "embed", "embed-out", "export", "neighbours"}, f.Name) {
			args = append(args, "-"+f.Name+"="+f.Value.String())
		}
	})
	if p.Seed != 1 { // the seed this run trained with (one of -seeds)
		args = append(args, fmt.Sprintf("-seed=%d", p.Seed))
	}
	for k, v := range map[string]any{"dataset": p.Dataset, "encoder": encoder, "epochs": p.Epochs, "batch": p.Batch,
		"train": train, "test": test, "lr": p.LR, "warmup": p.Warmup,
		"supervised-epochs": p.SupervisedEpochs, "knn-train": p.KNNTrain, "knn-k": p.KNNK, "min-lr": p.MinLR, "preset": p.Preset,
		"seed": p.Seed, "data-seed": p.DataSeed} {
		config[k] = v
	}
	return config, args
}

// record writes run.json as the run ended — complete, partial after
// Ctrl-C, or failed with the error err — and returns it with err (or
// the error writing it).
func (r *runner) record(err error) (*results.Run, error) {
	run := r.run
	run.Finished = time.Now()
	run.DurationS = run.EarlierS + run.Finished.Sub(run.Started).Seconds()
	switch {
	case err == nil:
		run.Status = results.StatusComplete
	case errors.Is(err, train.ErrInterrupted):
		run.Status = results.StatusPartial
	default:
		run.Status = results.StatusFailed
		run.Error = err.Error()
	}
	if werr := results.WriteJSON(filepath.Join(r.dir, "run.json"), run); werr != nil && err == nil {
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
