package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mega-ssl/mega/gomlxssl/experiment/experimenttest"
	"github.com/mega-ssl/mega/gomlxssl/results"
	"github.com/mega-ssl/mega/report/site"
)

// TestQuickPresetEndToEnd trains SimCLR with -preset quick: on top of what
// every experiment's quick run must deliver (experimenttest.QuickRun), it
// checks the results contract's field names and that SimCLR's kNN accuracy
// beats the random-init encoder's, that the encoder its checkpoint keeps
// embeds the splits to the same kNN (-embed) and, exported (-export), gives
// the same features in PyTorch, then builds the report on the output.
func TestQuickPresetEndToEnd(t *testing.T) {
	run, out := experimenttest.QuickRun(t, spec())
	t.Logf("supervised baseline kNN %.3f", run.Baselines.Supervised.KNNTop1)
	experimenttest.EmbedMatchesTheRun(t, spec(), out, run)
	experimenttest.NeighboursMatchTheRun(t, spec(), out)
	t.Run("export", func(t *testing.T) { experimenttest.ExportMatchesInPyTorch(t, spec(), out) })

	dir := filepath.Join(out, "simclr-quick") // a smoke run: never the main run's directory
	raw, err := os.ReadFile(filepath.Join(dir, "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	// The contract's field names, as the report reads them.
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"experiment", "title", "status", "started", "finished", "duration_s", "git", "env", "dataset", "config", "metrics", "baselines", "figures"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("run.json lacks %q", k)
		}
	}
	sub := func(m map[string]any, keys ...string) {
		for _, k := range keys {
			if _, ok := m[k]; !ok {
				t.Errorf("run.json lacks %q", k)
			}
		}
	}
	sub(doc["git"].(map[string]any), "commit", "dirty")
	sub(doc["env"].(map[string]any), "backend", "go", "os", "arch", "cpus")
	sub(doc["dataset"].(map[string]any), "name", "train", "test", "image", "classes")
	sub(doc["metrics"].(map[string]any), "knn_top1", "knn_k", "knn_t", "linear_top1", "linear_top5", "embedding_std", "effective_rank")
	base := doc["baselines"].(map[string]any)
	sub(base["random_init"].(map[string]any), "knn_top1", "linear_top1")
	sub(base["supervised"].(map[string]any), "knn_top1", "linear_top1")
	sub(doc["config"].(map[string]any), "temperature", "preset", "seed", "epochs", "batch", "backend")

	r := run
	if r.Status != results.StatusComplete || r.Env.Backend != "go" || r.Dataset.Name != "shapes" || r.Metrics.KNNK != 20 {
		t.Errorf("run.json: status %q, backend %q, dataset %q, k %d", r.Status, r.Env.Backend, r.Dataset.Name, r.Metrics.KNNK)
	}
	for _, acc := range []float64{r.Metrics.KNNTop1, r.Metrics.LinearTop1, r.Metrics.LinearTop5, r.Baselines.RandomInit.KNNTop1} {
		if acc < 0 || acc > 1 {
			t.Errorf("accuracy %g outside [0, 1]", acc)
		}
	}
	if r.Metrics.KNNTop1 <= r.Baselines.RandomInit.KNNTop1 {
		t.Errorf("SimCLR kNN %.3f does not beat the random-init encoder's %.3f", r.Metrics.KNNTop1, r.Baselines.RandomInit.KNNTop1)
	}
	rows, err := results.ReadMetrics(filepath.Join(dir, "metrics.csv"))
	if err != nil || len(rows) != r.Metrics.Epochs {
		t.Errorf("metrics.csv: %d rows (%v), want %d", len(rows), err, r.Metrics.Epochs)
	}

	// The report reads what the run wrote: SimCLR's section shows its
	// numbers and figures, and a rebuild (t-SNE cached) takes well under 1 s.
	if _, err := site.Build(site.Config{Root: "../..", Out: out}); err != nil {
		t.Fatal(err)
	}
	rep, err := site.Build(site.Config{Root: "../..", Out: out})
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(rep.Path)
	if err != nil {
		t.Fatal(err)
	}
	// One experiment with a run of ours; the others with results are the
	// repository's reference runs.
	if rep.Elapsed > time.Second || rep.WithResults-rep.WithReference != 1 || len(rep.Warnings) > 0 {
		t.Errorf("report: %v, %d with results (%d from references only), warnings %q", rep.Elapsed, rep.WithResults, rep.WithReference, rep.Warnings)
	}
	for _, want := range []string{fmt.Sprintf("%.1f%%", 100*r.Metrics.KNNTop1), fmt.Sprintf("%.1f%%", 100*r.Metrics.LinearTop1), "Figure 3.", `class="compare"`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

// A temperature that is not positive, or a head without width, is refused
// before training, naming the flag.
func TestCheckRefusesBadKnobs(t *testing.T) {
	for _, bad := range []struct {
		set  func(c *config)
		flag string
	}{{func(c *config) { c.Temperature = 0 }, "-temperature"}, {func(c *config) { c.Temperature = -0.2 }, "-temperature"},
		{func(c *config) { c.Head.Out = 0 }, "-proj-dim"}, {func(c *config) { c.Head.Hidden = -1 }, "-proj-hidden"}} {
		c := defaults()
		bad.set(&c)
		if err := c.Check(6000, 128); err == nil || !strings.Contains(err.Error(), bad.flag) {
			t.Errorf("%+v: error %v, want one naming %s", c, err, bad.flag)
		}
	}
	c := defaults()
	if err := c.Check(6000, 128); err != nil {
		t.Errorf("defaults %+v: %v", c, err)
	}
}

// Every method trains on the real Fashion-MNIST, one gray channel (a short
// smoke run: the measured figures come from the fashion preset).
func TestFashionMNIST(t *testing.T) { experimenttest.FashionSmoke(t, spec()) }

// SimCLR's quick preset on the real Fashion-MNIST (a stratified 2,048 / 500)
// learns: its linear probe beats the random-init encoder's, and the results
// go to their own directory beside the shapes results, named after the
// preset, so that they never replace the fashion preset's run; its encoder
// embeds the whole test split, which numpy loads as (10000, D).
func TestFashionMNISTQuickLearns(t *testing.T) {
	experimenttest.NeedFashionMNIST(t)
	r, out := experimenttest.QuickRun(t, spec(), "-dataset", "fashion-mnist")
	if _, err := os.Stat(filepath.Join(out, "simclr-quick-fashion-mnist", "run.json")); err != nil || r.Title != "SimCLR (quick preset) on Fashion-MNIST" {
		t.Errorf("results in simclr-quick-fashion-mnist: %v, title %q", err, r.Title)
	}
	t.Logf("raw pixels: kNN %.3f, linear %.3f", r.Baselines.RawPixels.KNNTop1, r.Baselines.RawPixels.LinearTop1)
	// Its encoder embeds the whole Fashion-MNIST test split for numpy.
	experimenttest.EmbedTestSplitInNumpy(t, spec(), out, "fashion-mnist", 10000, "-dataset", "fashion-mnist")
}

// Every setting of the method's own, changed, names a run of its own.
func TestSettingsNameRuns(t *testing.T) { experimenttest.SettingsNameRuns(t, spec(), nil) }

// Pre-training on one's own unlabelled images, end to end, as
// docs/embeddings.md walks through it.
func TestUnlabelledFolder(t *testing.T) { experimenttest.UnlabelledFolder(t, spec()) }
