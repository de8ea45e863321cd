package experiment

import (
	"context"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mega-ssl/mega/gomlxssl/augment"
	"github.com/mega-ssl/mega/gomlxssl/losses"
	"github.com/mega-ssl/mega/gomlxssl/method"
	"github.com/mega-ssl/mega/gomlxssl/models"
	"github.com/mega-ssl/mega/gomlxssl/results"
	"github.com/mega-ssl/mega/gomlxssl/train"
)

// Widths here are multiples of 16 on purpose: see models.ParseEncoder.

// tinySpec is a SimCLR-like method on a tiny encoder (its own, so that its
// runs are not an encoder variant); onEmbed is called each time an
// evaluation graph is built (twice per epoch: train and test rows).
func tinySpec(onEmbed func()) Spec {
	return Spec{Name: "tiny", Title: "Tiny", Augment: augment.SimCLR(), Encoder: "convnet-16-16", Build: func(enc models.Encoder) Method {
		head := models.MLPHead{Hidden: 16, Out: 16}
		embed := func(scope *model.Scope, x *Node) (*Node, *Node) {
			h := enc.Apply(scope.In("encoder"), x)
			return h, head.Apply(scope.In("projection"), h)
		}
		return Method{
			Loss: func(scope *model.Scope, in method.Batch) *Node {
				b := in.V1.Shape().Dim(0)
				_, z := embed(scope, Concatenate([]*Node{in.V1, in.V2}, 0))
				return losses.NTXent(Slice(z, AxisRange(0, b)), Slice(z, AxisRange(b, 2*b)), 0.5)
			},
			Embed: func(scope *model.Scope, x *Node) (*Node, *Node) {
				onEmbed()
				return embed(scope, x)
			},
		}
	}}
}

// tinyRun is the directory of a run with tinyOptions: -epochs 3 and -batch
// 32 (the quick preset's is 64) make it a variant of its own, and so do the
// quick preset and the split sizes (a smoke run).
const tinyRun = "tiny-3ep-batch32-quick-train128-test64"

// planAndRun plans spec from the options fs parsed and runs it, as Main
// does: a setting the plan refuses is Run's error.
func planAndRun(ctx context.Context, spec Spec, o *Options, fs *flag.FlagSet) (*results.Run, error) {
	p, err := NewPlan(spec, o, fs)
	if err != nil {
		return nil, err
	}
	return Execute(ctx, p)
}

func tinyOptions(t *testing.T, out string, extra ...string) (*Options, *flag.FlagSet) {
	t.Helper()
	fs := flag.NewFlagSet("tiny", flag.ContinueOnError)
	o := RegisterFlags(fs)
	args := append([]string{"-preset", "quick", "-out", out, "-encoder", "convnet-16-16", "-train", "128", "-test", "64",
		"-batch", "32", "-epochs", "3", "-supervised-epochs", "1", "-knn-k", "20", "-probe-iters", "20", "-backend", "go"}, extra...)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return o, fs
}

// A process killed (no chance to clean up) after an epoch's checkpoint but
// before that epoch's evaluation wrote its row resumes by evaluating that
// epoch, with its real training loss: no row is lost. The run's duration
// counts the time spent before the stop.
func TestKilledBeforeEvaluationLosesNoEpoch(t *testing.T) {
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	builds := 0
	spec := tinySpec(func() {
		if builds++; builds == 2 {
			cancel()
		}
	})
	o, fs := tinyOptions(t, out)
	if _, err := planAndRun(ctx, spec, o, fs); !errors.Is(err, train.ErrInterrupted) {
		t.Fatalf("want ErrInterrupted, got %v", err)
	}
	dir := filepath.Join(out, tinyRun)
	rows, err := results.ReadMetrics(filepath.Join(dir, "metrics.csv"))
	if err != nil || len(rows) != 1 {
		t.Fatalf("after interrupt: %d rows (%v), want 1", len(rows), err)
	}
	first := rows[0]
	// The kill: the checkpoint of epoch 1 is on disk, its row is not.
	if err := results.WriteMetrics(filepath.Join(dir, "metrics.csv"), nil); err != nil {
		t.Fatal(err)
	}
	o, fs = tinyOptions(t, out, "-resume")
	run, err := planAndRun(context.Background(), tinySpec(func() {}), o, fs)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ = results.ReadMetrics(filepath.Join(dir, "metrics.csv"))
	if len(rows) != 3 || rows[0].Epoch != 1 || rows[0].Loss != first.Loss || rows[0].Step != first.Step {
		t.Fatalf("after resume: rows %+v, want 3 with epoch 1 as first measured (%+v)", rows, first)
	}
	if run.EarlierS <= 0 || run.DurationS < run.EarlierS {
		t.Errorf("duration %.2f s with %.2f s before the resume: the earlier time is not counted", run.DurationS, run.EarlierS)
	}
	// The evaluation's time is measured apart from the training's: the
	// monitor's per epoch (summed in run.json) and the final probes'.
	var monitor float64
	for _, r := range rows {
		if r.EvalS <= 0 {
			t.Errorf("epoch %d: monitor time %g", r.Epoch, r.EvalS)
		}
		monitor += r.EvalS
	}
	if math.Abs(run.MonitorS-monitor) > 1e-3 || run.FinalEvalS <= 0 || run.MonitorS+run.FinalEvalS >= run.DurationS {
		t.Errorf("monitor %g s (rows: %g), final evaluation %g s, run %g s", run.MonitorS, monitor, run.FinalEvalS, run.DurationS)
	}
	if s := Summary(run); !strings.Contains(s, "evaluation: kNN monitor") {
		t.Errorf("the summary does not give the evaluation's time:%s", s)
	}
}

// Ctrl-C after the first epoch leaves a valid partial run.json and
// metrics.csv; -resume continues from the checkpoint and completes the run.
func TestInterruptThenResume(t *testing.T) {
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	builds := 0
	spec := tinySpec(func() {
		if builds++; builds == 2 { // the first epoch's evaluation: interrupt now
			cancel()
		}
	})
	o, fs := tinyOptions(t, out)
	run, err := planAndRun(ctx, spec, o, fs)
	if !errors.Is(err, train.ErrInterrupted) {
		t.Fatalf("want ErrInterrupted, got %v", err)
	}
	dir := filepath.Join(out, tinyRun)
	saved, err := results.ReadRun(filepath.Join(dir, "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	if saved.Status != results.StatusPartial || run.Status != results.StatusPartial || saved.Metrics.Epochs != 1 {
		t.Fatalf("after interrupt: status %q, epochs %d; want partial after 1", saved.Status, saved.Metrics.Epochs)
	}
	rows, err := results.ReadMetrics(filepath.Join(dir, "metrics.csv"))
	if err != nil || len(rows) != 1 {
		t.Fatalf("after interrupt: %d metric rows (%v), want 1", len(rows), err)
	}

	o, fs = tinyOptions(t, out, "-resume")
	run, err = planAndRun(context.Background(), tinySpec(func() {}), o, fs)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ = results.ReadMetrics(filepath.Join(dir, "metrics.csv"))
	if run.Status != results.StatusComplete || len(rows) != 3 {
		t.Fatalf("after resume: status %q with %d rows, want complete with 3", run.Status, len(rows))
	}
	for i, r := range rows {
		if r.Epoch != i+1 || r.Step != (i+1)*4 {
			t.Errorf("row %d: epoch %d step %d, want epoch %d step %d", i, r.Epoch, r.Step, i+1, (i+1)*4)
		}
	}
	for _, f := range []string{"run.json", "metrics.csv", "embeddings.csv", "loss.svg", "knn.svg", "augmentations.svg"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "baselines")); err != nil {
		t.Errorf("baselines not cached: %v", err)
	}
}

func TestBadFlagsFailClearly(t *testing.T) {
	for _, args := range [][]string{
		{"-preset", "huge"}, {"-dataset", "imagenet"}, {"-encoder", "vgg"}, {"-backend", "abacus"}, {"-optimizer", "lion"},
	} {
		o, fs := tinyOptions(t, t.TempDir(), args...)
		if _, err := planAndRun(context.Background(), tinySpec(func() {}), o, fs); err == nil {
			t.Errorf("%v: want an error", args)
		}
	}
	// A ViT whose patches do not tile the images says so before training
	// (it used to panic in the graph).
	o, fs := tinyOptions(t, t.TempDir(), "-encoder", "vit-32-1-2", "-image-size", "30", "-dry-run")
	if _, err := planAndRun(context.Background(), tinySpec(func() {}), o, fs); err == nil || !strings.Contains(err.Error(), "do not tile into 4-pixel patches") {
		t.Errorf("30-pixel images on a ViT of 4-pixel patches: %v", err)
	}
}

// While training runs, run.json reports the latest completed epoch (a reader
// such as the report watcher sees progress, not the first epoch forever).
func TestPartialRunJSONFollowsTraining(t *testing.T) {
	out := t.TempDir()
	builds, seen := 0, -1
	spec := tinySpec(func() {
		if builds++; builds == 5 { // epoch 3's evaluation: epochs 1 and 2 are written
			if r, err := results.ReadRun(filepath.Join(out, tinyRun, "run.json")); err == nil {
				seen = r.Metrics.Epochs
			}
		}
	})
	o, fs := tinyOptions(t, out)
	if _, err := planAndRun(context.Background(), spec, o, fs); err != nil {
		t.Fatal(err)
	}
	if seen != 2 {
		t.Errorf("during epoch 3, run.json reported %d completed epochs, want 2", seen)
	}
}

// A variant is named by what differs, in the order it was added; nothing
// added is the main run.
func TestVariantName(t *testing.T) {
	var v VariantName
	if name, title := v.Result("MoCo v2"); name != "" || title != "" {
		t.Errorf("nothing added: %q %q, want the main run", name, title)
	}
	v.Add("m0.96", "m = 0.96")
	v.Add("k1024", "K = 1024")
	if name, title := v.Result("MoCo v2"); name != "m0.96-k1024" || title != "MoCo v2 (m = 0.96, K = 1024)" {
		t.Errorf("got %q %q", name, title)
	}
}

// -h shows each preset's budget for the method, naming what is the method's own.
func TestPresetBudgets(t *testing.T) {
	got := presetBudgets(Spec{DefaultEpochs: 10, DefaultBatch: 32, LR: 2e-4})
	for _, want := range []string{"default  shapes 6000/1000, convnet-16-32-64-128, 10 epochs of batch 32, peak LR 0.0002",
		"quick    shapes 2048/500, convnet-16-32-64-128, 4 epochs of batch 32", "fashion  fashion-mnist all/all, convnet-16-32-64-128, 10 epochs of batch 32",
		"the method's own: epochs, batch, lr", "-preset-budget"} {
		if !strings.Contains(got, want) {
			t.Errorf("-h budgets lack %q:\n%s", want, got)
		}
	}
	if plain := presetBudgets(Spec{}); strings.Contains(plain, "own") || !strings.Contains(plain, "25 epochs of batch 128") {
		t.Errorf("a method without its own budget:\n%s", plain)
	}
	// A method's own encoder (MAE's ViT) replaces every preset's, and -h says so.
	vit := presetBudgets(Spec{Encoder: "vit-96-4-3"})
	if strings.Contains(vit, "convnet") || strings.Count(vit, "vit-96-4-3") != len(Presets()) || !strings.Contains(vit, "the method's own: encoder") {
		t.Errorf("a method with its own encoder:\n%s", vit)
	}
}

// A monitor that searches a sample leaves the final evaluation only the
// other training images to embed (in the last epoch), and the final figures
// are those of a run whose monitor embedded every image.
func TestFinalEvaluationReusesTheMonitorsFeatures(t *testing.T) {
	var metrics []results.Metrics
	for _, knnTrain := range []string{"0", "48"} {
		builds := 0
		// -finetune none: the fine-tuning protocol builds its own graphs
		// of the network after the final evaluation, not counted here.
		o, fs := tinyOptions(t, t.TempDir(), "-knn-train", knnTrain, "-finetune", "none")
		run, err := planAndRun(context.Background(), tinySpec(func() { builds++ }), o, fs)
		if err != nil {
			t.Fatal(err)
		}
		// Per epoch: the monitor's training rows and the test rows; with a
		// sample, the rest of the training rows once; then none.
		want := 2 * 3
		if knnTrain != "0" {
			want++
		}
		if builds != want {
			t.Errorf("-knn-train %s: %d feature graphs, want %d", knnTrain, builds, want)
		}
		metrics = append(metrics, run.Metrics)
	}
	a, b := metrics[0], metrics[1]
	if a.KNNTop1 != b.KNNTop1 || a.LinearTop1 != b.LinearTop1 || a.KNNTop1OnePct != b.KNNTop1OnePct || a.EffectiveRank != b.EffectiveRank {
		t.Errorf("the monitor's sample changed the final figures: %+v, want %+v", b, a)
	}
}
