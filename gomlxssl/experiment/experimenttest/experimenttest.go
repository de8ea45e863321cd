// Package experimenttest runs an experiment's quick preset end to end for
// its test, and checks what every method must deliver: a complete, valid
// run.json that is not collapsed and whose linear probe (the talk's
// protocol) beats the random-init encoder's. The quick preset is a minute of
// training: its kNN figures are logged, not required to beat random init
// (after 4 short epochs the supervised encoder itself is barely above it).
package experimenttest

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mega-ssl/mega/gomlxssl/experiment"
	"github.com/mega-ssl/mega/gomlxssl/results"
)

// QuickRun trains spec with -preset quick (plus extra flags) into a
// temporary output directory and returns its run.json and that directory.
func QuickRun(t *testing.T, spec experiment.Spec, extra ...string) (*results.Run, string) {
	t.Helper()
	out := t.TempDir()
	fs := flag.NewFlagSet(spec.Name, flag.ContinueOnError)
	opts := experiment.Flags(spec, fs)
	if err := fs.Parse(append([]string{"-preset", "quick", "-out", out, "-backend", "go"}, extra...)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := experiment.Run(context.Background(), spec, opts, fs); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(out, spec.Name)
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
	if r.Metrics.LinearTop1 <= r.Baselines.RandomInit.LinearTop1 {
		t.Errorf("%s linear top-1 %.3f does not beat the random-init encoder's %.3f", spec.Name, r.Metrics.LinearTop1, r.Baselines.RandomInit.LinearTop1)
	}
	for _, f := range append(r.Figures, results.Figure{File: "embeddings.csv", Caption: "-"}, results.Figure{File: "metrics.csv", Caption: "-"}) {
		if _, err := os.Stat(filepath.Join(dir, f.File)); err != nil || f.Caption == "" {
			t.Errorf("%s: %v, caption %q", f.File, err, f.Caption)
		}
	}
	return r, out
}
