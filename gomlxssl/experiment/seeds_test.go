package experiment

import (
	"context"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat"

	"github.com/mega-ssl/mega/gomlxssl/results"
)

// Changing only -seed keeps the data byte-identical (every seed sees the
// same images); -data-seed changes it.
func TestSeedKeepsTheData(t *testing.T) {
	load := func(extra ...string) ([]float32, []float32) {
		o, _ := tinyOptions(t, t.TempDir(), extra...)
		o.Dataset = "shapes"
		s, err := o.LoadData()
		if err != nil {
			t.Fatal(err)
		}
		return s.Train.Float32(0, s.Train.Len()), s.Test.Float32(0, s.Test.Len())
	}
	train1, test1 := load()
	train2, test2 := load("-seed", "2")
	if !slices.Equal(train1, train2) || !slices.Equal(test1, test2) {
		t.Error("-seed 2 changed the images")
	}
	if train3, _ := load("-data-seed", "2"); slices.Equal(train1, train3) {
		t.Error("-data-seed 2 left the images as they were")
	}
}

// -seeds 2 writes one run per seed (tiny-2ep-batch32-quick-train128-test64/,
// …-seed2/: -epochs 2, -batch 32, the preset and the sizes make a variant) and
// seeds.json in the first one's directory, whose means, deviations and
// curves are those of the two runs' own files.
func TestSeedsAggregate(t *testing.T) {
	const tiny2 = "tiny-2ep-batch32-quick-train128-test64"
	out := t.TempDir()
	o, fs := tinyOptions(t, out, "-seeds", "2", "-epochs", "2")
	runs, agg, err := RunSeeds(context.Background(), mustPlan(t, tinySpec(func() {}), o, fs))
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 || agg == nil {
		t.Fatalf("%d runs, aggregate %v", len(runs), agg)
	}
	saved, err := results.ReadSeeds(filepath.Join(out, tiny2, results.SeedsFile))
	if err != nil || saved == nil {
		t.Fatalf("seeds.json: %v", err)
	}
	if !slices.Equal(saved.Seeds, []uint64{1, 2}) || !slices.Equal(saved.Dirs, []string{tiny2, tiny2 + "-seed2"}) {
		t.Errorf("seeds %v in %v, want 1, 2 in %s, %s-seed2", saved.Seeds, saved.Dirs, tiny2, tiny2)
	}
	var knn []float64
	var curves [][]results.EpochRow
	for i, dir := range saved.Dirs {
		r, err := results.ReadRun(filepath.Join(out, dir, "run.json"))
		if err != nil {
			t.Fatal(err)
		}
		if r.Config["seed"] != float64(i+1) || r.Status != results.StatusComplete {
			t.Errorf("%s: seed %v, status %s", dir, r.Config["seed"], r.Status)
		}
		if want := []string{"-seed=2"}; i == 1 && !slices.Equal(r.Args[len(r.Args)-1:], want) {
			t.Errorf("%s: args %v, want the command to end with -seed=2", dir, r.Args)
		}
		knn = append(knn, r.Metrics.KNNTop1)
		rows, err := results.ReadMetrics(filepath.Join(out, dir, "metrics.csv"))
		if err != nil {
			t.Fatal(err)
		}
		curves = append(curves, rows)
	}
	if curves[0][0].Loss == curves[1][0].Loss {
		t.Error("the two seeds trained identically: -seed does not reach the weights or the augmentation")
	}
	mean, sd := stat.MeanStdDev(knn, nil)
	got := saved.Metrics["knn_top1"]
	if math.Abs(got.Mean-mean) > 1e-12 || math.Abs(got.SD-sd) > 1e-12 || !slices.Equal(got.Values, knn) {
		t.Errorf("kNN aggregate %+v, want mean %g, sd %g of %v", got, mean, sd, knn)
	}
	first, err := results.ReadRun(filepath.Join(out, tiny2, "run.json"))
	if err != nil || !slices.ContainsFunc(first.Figures, func(f results.Figure) bool { return f.File == "knn-seeds.svg" }) {
		t.Errorf("the first seed's run.json does not list the band figure (%v)", err)
	}
	if _, err := os.Stat(filepath.Join(out, tiny2, "knn-seeds.svg")); err != nil {
		t.Error(err)
	}
	c := saved.Curves["knn_top1"]
	if len(c.Epochs) != 2 {
		t.Fatalf("kNN curve over %d epochs, want 2", len(c.Epochs))
	}
	for e := range 2 {
		m, s := stat.MeanStdDev([]float64{curves[0][e].KNNTop1, curves[1][e].KNNTop1}, nil)
		if math.Abs(c.Mean[e]-m) > 1e-12 || math.Abs(c.SD[e]-s) > 1e-12 {
			t.Errorf("epoch %d: curve %g ± %g, want %g ± %g", c.Epochs[e], c.Mean[e], c.SD[e], m, s)
		}
	}
}

// -preset-budget is recorded (and so badged and repeated in the report's
// "Run it again") only for a method with a budget of its own, which it
// overrides; for any other it changes nothing and is not a variant's flag.
func TestPresetBudgetRecordedOnlyWhereItCounts(t *testing.T) {
	for _, own := range []bool{false, true} {
		o, fs := tinyOptions(t, t.TempDir(), "-preset-budget", "-epochs", "1", "-baselines", t.TempDir())
		spec := tinySpec(func() {})
		if own {
			spec.DefaultEpochs = 2
		}
		r, err := planAndRun(context.Background(), spec, o, fs)
		if err != nil {
			t.Fatal(err)
		}
		if got := slices.Contains(r.Args, "-preset-budget=true"); got != own {
			t.Errorf("own budget %v: args %v", own, r.Args)
		}
		if slices.ContainsFunc(r.Args, func(a string) bool { return strings.HasPrefix(a, "-baselines") }) {
			t.Errorf("args %v name where the baselines are cached: not a setting of the run", r.Args)
		}
	}
}

// -seeds 3 -dry-run says where each seed's results would go, writes
// nothing and trains nothing.
func TestSeedsDryRun(t *testing.T) {
	out := t.TempDir()
	o, fs := tinyOptions(t, out, "-seeds", "3", "-dry-run")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	runs, agg, err := RunSeeds(context.Background(), mustPlan(t, tinySpec(func() { t.Error("a dry run trained") }), o, fs))
	os.Stdout = stdout
	w.Close()
	printed, _ := io.ReadAll(r)
	if err != nil || runs != nil || agg != nil {
		t.Errorf("dry run: runs %v, aggregate %v, error %v", runs, agg, err)
	}
	for _, dir := range []string{tinyRun, tinyRun + "-seed2", tinyRun + "-seed3"} {
		if !strings.Contains(string(printed), "results would go to "+filepath.Join(out, dir)+"\n") {
			t.Errorf("the dry run does not name %s: %s", dir, printed)
		}
	}
	if entries, _ := os.ReadDir(out); len(entries) > 0 {
		t.Errorf("a dry run wrote %v", entries)
	}
}

// A failed run's error is said once: the summary prints the error run.json
// recorded, and the last line then says only where that record is; an
// error no run recorded is printed itself.
func TestFailureSaidOnce(t *testing.T) {
	err := errors.New("checkpoint out/simclr/checkpoint: truncated")
	failed := []*results.Run{{Error: err.Error()}}
	if got := failure("simclr", "out/simclr", err, failed); strings.Contains(got, "truncated") || !strings.Contains(got, "out/simclr/run.json") {
		t.Errorf("recorded error: %q", got)
	}
	if got := failure("simclr", "out/simclr", err, nil); got != "simclr: "+err.Error() {
		t.Errorf("unrecorded error: %q", got)
	}
}
