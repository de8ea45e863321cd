// Package experimenttest runs an experiment's quick preset end to end for
// its test, and checks what every method must deliver: a complete, valid
// run.json that is not collapsed and whose linear probe (the talk's
// protocol) beats the random-init encoder's. The quick preset is a minute of
// training: its kNN figures are logged, not required to beat random init
// (after 4 short epochs the supervised encoder itself is barely above it).
package experimenttest

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/checkpoint"

	"github.com/mega-ssl/mega/gomlxssl/data"
	"github.com/mega-ssl/mega/gomlxssl/experiment"
	"github.com/mega-ssl/mega/gomlxssl/models"
	"github.com/mega-ssl/mega/gomlxssl/results"
	"github.com/mega-ssl/mega/gomlxssl/train"
)

// sharedBaselines is the baselines cache the quick runs of one `go test`
// invocation share: every experiment's quick run has the same random-init,
// raw-pixel and supervised baselines, computed once under a lock. The test
// binaries of one `go test ./...` have the go command as their parent, so
// the directory is named after it: a new invocation computes them afresh.
func sharedBaselines() string {
	return filepath.Join(os.TempDir(), fmt.Sprintf("mega-test-baselines-%d", os.Getppid()))
}

// QuickRun trains spec with -preset quick (plus extra flags) into a
// temporary output directory and returns its run.json and that directory
// (the run's results are in its plan's Dir).
func QuickRun(t *testing.T, spec experiment.Spec, extra ...string) (*results.Run, string) {
	t.Helper()
	return quickRun(t, spec, true, extra...)
}

// QuickRunContract is QuickRun without the check that the quick minute
// already beats the random-init encoder's linear probe: for methods that
// need more than a minute to learn features (generative models; a pairwise
// loss that starts at a saddle). Their default-preset figures are measured
// and stated in the README.
func QuickRunContract(t *testing.T, spec experiment.Spec, extra ...string) (*results.Run, string) {
	t.Helper()
	return quickRun(t, spec, false, extra...)
}

// NeedFashionMNIST skips a test when the real Fashion-MNIST is not
// installed — except in CI (CI=true), which installs it, where its absence
// fails the test.
func NeedFashionMNIST(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(data.FashionMNISTSystemDir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI installs dataset-fashion-mnist, but %s is missing", data.FashionMNISTSystemDir)
		}
		t.Skipf("the real Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist): %v", err)
	}
}

// FashionSmoke trains spec for one short epoch on a stratified sample of
// the real Fashion-MNIST (512 training, 256 test images, one gray channel)
// and checks the run is complete, a variant named after the data, and holds
// the raw-pixel baseline: every method takes -dataset fashion-mnist.
func FashionSmoke(t *testing.T, spec experiment.Spec, extra ...string) *results.Run {
	t.Helper()
	NeedFashionMNIST(t)
	out := t.TempDir()
	fs := flag.NewFlagSet(spec.Name, flag.ContinueOnError)
	opts := experiment.Flags(spec, fs)
	args := []string{"-preset", "quick", "-dataset", data.FashionMNISTName, "-out", out, "-baselines", sharedBaselines(), "-backend", "go", "-train", "512", "-test", "256",
		"-epochs", "1", "-batch", "32", "-supervised-epochs", "1", "-probe-iters", "20", "-embeddings", "50"}
	if err := fs.Parse(append(args, extra...)); err != nil {
		t.Fatal(err)
	}
	p, err := planAndRun(context.Background(), spec, opts, fs)
	if err != nil {
		t.Fatal(err)
	}
	dir := p.Dir
	r, err := results.ReadRun(filepath.Join(dir, "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != results.StatusComplete || r.Dataset.Name != data.FashionMNISTName || r.Dataset.Image != [3]int{28, 28, 1} ||
		r.Baselines.RawPixels == nil || !strings.HasSuffix(r.Variant, data.FashionMNISTName) {
		t.Errorf("Fashion-MNIST run: status %q, data %s %v, raw pixels %v, variant %q", r.Status, r.Dataset.Name, r.Dataset.Image,
			r.Baselines.RawPixels, r.Variant)
	}
	for c, n := range r.Dataset.TrainPerClass {
		if n < 51 || n > 52 {
			t.Errorf("class %d has %d of 512 training images: the sample is not stratified", c, n)
		}
	}
	return r
}

// QuickRunError runs spec as QuickRun does and returns Run's error: for
// settings that must be refused before anything trains.
func QuickRunError(t *testing.T, spec experiment.Spec, extra ...string) error {
	t.Helper()
	fs := flag.NewFlagSet(spec.Name, flag.ContinueOnError)
	opts := experiment.Flags(spec, fs)
	if err := fs.Parse(append([]string{"-preset", "quick", "-out", t.TempDir(), "-backend", "go"}, extra...)); err != nil {
		return err
	}
	_, err := planAndRun(context.Background(), spec, opts, fs)
	return err
}

// planAndRun plans spec from the options fs parsed and runs it, as
// experiment.Main does; it returns the plan (nil if refused) and the
// error of either.
func planAndRun(ctx context.Context, spec experiment.Spec, opts *experiment.Options, fs *flag.FlagSet) (*experiment.Plan, error) {
	p, err := experiment.NewPlan(spec, opts, fs)
	if err != nil {
		return nil, err
	}
	_, err = experiment.Execute(ctx, p)
	return p, err
}

func quickRun(t *testing.T, spec experiment.Spec, learns bool, extra ...string) (*results.Run, string) {
	t.Helper()
	out := t.TempDir()
	fs := flag.NewFlagSet(spec.Name, flag.ContinueOnError)
	opts := experiment.Flags(spec, fs)
	if err := fs.Parse(append([]string{"-preset", "quick", "-out", out, "-baselines", sharedBaselines(), "-backend", "go"}, extra...)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	p, err := planAndRun(context.Background(), spec, opts, fs)
	if err != nil {
		t.Fatal(err)
	}
	dir := p.Dir
	r, err := results.ReadRun(filepath.Join(dir, "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s quick preset: %.0f s; kNN %.3f (random init %.3f), linear %.3f (random init %.3f), std %.3f, rank %.1f",
		spec.Name, time.Since(start).Seconds(), r.Metrics.KNNTop1, r.Baselines.RandomInit.KNNTop1,
		r.Metrics.LinearTop1, r.Baselines.RandomInit.LinearTop1, r.Metrics.EmbeddingStd, r.Metrics.EffectiveRank)
	if r.Experiment != spec.Name || r.Status != results.StatusComplete || r.Metrics.Epochs == 0 {
		t.Errorf("run.json: experiment %q, status %q, %d epochs", r.Experiment, r.Status, r.Metrics.Epochs)
	}
	if r.Collapsed {
		t.Errorf("%s collapsed in its quick run", spec.Name)
	}
	checkFewLabels(t, spec.Name, r)
	if learns && r.Metrics.LinearTop1 <= r.Baselines.RandomInit.LinearTop1 {
		t.Errorf("%s linear top-1 %.3f does not beat the random-init encoder's %.3f", spec.Name, r.Metrics.LinearTop1, r.Baselines.RandomInit.LinearTop1)
	}
	for _, f := range append(r.Figures, results.Figure{File: "embeddings.csv", Caption: "-"}, results.Figure{File: "metrics.csv", Caption: "-"}) {
		if _, err := os.Stat(filepath.Join(dir, f.File)); err != nil || f.Caption == "" {
			t.Errorf("%s: %v, caption %q", f.File, err, f.Caption)
		}
	}
	checkNeighbours(t, dir, r.Dataset.Classes)
	return r, out
}

// ResumeMatches checks that an interrupted run of spec resumes where it
// stopped: a tiny run (2 epochs) interrupted after its first epoch and
// resumed with -resume must train its second epoch to the same mean loss as
// the same run left alone. state names variables (absolute paths, such as
// MoCo's "/moco/queue") that the method updates outside the gradient and
// that the checkpoint must therefore carry: each must be in it, and, as the
// check that the comparison can fail, a resume from a copy of the checkpoint
// with them reset to zero must train a different second epoch. extra flags
// are added to the tiny run's.
func ResumeMatches(t *testing.T, spec experiment.Spec, state []string, extra ...string) {
	t.Helper()
	tiny := append([]string{"-preset", "quick", "-backend", "go", "-encoder", "convnet-16-16", "-train", "256", "-test", "64",
		"-batch", "32", "-epochs", "2", "-supervised-epochs", "1", "-knn-k", "20", "-probe-iters", "20", "-embeddings", "50"}, extra...)
	var plan *experiment.Plan // the interrupted run's plan, for its directory
	run := func(out string, interrupt bool, more ...string) float64 {
		t.Helper()
		fs := flag.NewFlagSet(spec.Name, flag.ContinueOnError)
		opts := experiment.Flags(spec, fs)
		if err := fs.Parse(append(append([]string{"-out", out}, tiny...), more...)); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		s := spec
		if interrupt { // stop as the first epoch's evaluation starts: its checkpoint is saved
			build := spec.Build
			s.Build = func(enc models.Encoder) experiment.Method {
				m := build(enc)
				embed := m.Embed
				m.Embed = func(scope *model.Scope, x *Node) (*Node, *Node) {
					cancel()
					return embed(scope, x)
				}
				return m
			}
		}
		p, err := planAndRun(ctx, s, opts, fs)
		if interrupt {
			plan = p
			if !errors.Is(err, train.ErrInterrupted) {
				t.Fatalf("interrupted run: want ErrInterrupted, got %v", err)
			}
			return 0
		}
		if err != nil {
			t.Fatal(err)
		}
		rows, err := results.ReadMetrics(filepath.Join(p.Dir, "metrics.csv"))
		if err != nil || len(rows) != 2 {
			t.Fatalf("metrics.csv: %d rows (%v), want 2", len(rows), err)
		}
		return rows[1].Loss
	}
	same := func(a, b float64) bool { return math.Abs(a-b) <= 1e-5*math.Max(1, math.Abs(b)) }

	alone := run(t.TempDir(), false)
	out := t.TempDir()
	run(out, true)
	// The control: the same checkpoint, with the state reset.
	lost := resetCopy(t, out, plan.Dir, state)
	resumed, reset := run(out, false, "-resume"), run(lost, false, "-resume")
	t.Logf("%s: epoch 2 loss %.7f left alone, %.7f after interrupt and resume, %.7f resumed with %v reset",
		spec.Name, alone, resumed, reset, state)
	if !same(resumed, alone) {
		t.Errorf("%s: the resumed run's second epoch has loss %.7f, the uninterrupted one's %.7f", spec.Name, resumed, alone)
	}
	if same(reset, alone) {
		t.Errorf("%s: resetting %v in the checkpoint changed nothing: the check cannot tell a lost state", spec.Name, state)
	}
}

// resetCopy copies the output directory out, where an interrupted run left
// its results in dir, and zeroes the variables state in the copy's
// checkpoint; it returns the copy.
func resetCopy(t *testing.T, out, dir string, state []string) string {
	t.Helper()
	lost := t.TempDir()
	if err := os.CopyFS(lost, os.DirFS(out)); err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(out, dir)
	if err != nil {
		t.Fatal(err)
	}
	store := model.NewStore()
	h, err := checkpoint.Build(store).Dir(filepath.Join(lost, rel, "checkpoint")).Immediate().Done()
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range state {
		v := store.GetVariable(path)
		if v == nil {
			t.Fatalf("the checkpoint lacks %s", path)
		}
		if err := v.SetValue(tensors.FromShape(v.Shape())); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.Save(); err != nil {
		t.Fatal(err)
	}
	return lost
}

// checkFewLabels checks that a run's encoder was fine-tuned on few labels
// (the talk's semi-supervised column), beside the same encoder from scratch.
func checkFewLabels(t *testing.T, name string, r *results.Run) {
	t.Helper()
	if len(r.Scores) != 2 || r.Baselines.Scratch == nil {
		t.Errorf("%s: %d fine-tuning figures (want 1%% and 10%% of the labels), baseline from scratch %v", name, len(r.Scores), r.Baselines.Scratch)
	}
	for _, s := range r.Scores {
		if s.Value < 0 || s.Value > 1 || s.Labels == 0 || s.Protocol == "" {
			t.Errorf("%s: fine-tuning figure %+v", name, s)
		}
	}
}
