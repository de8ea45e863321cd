package main

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/data"
	"github.com/mega-ssl/mega/gomlxssl/experiment"
	"github.com/mega-ssl/mega/gomlxssl/experiment/experimenttest"
)

// The quick run on the generated patches writes the feature-map figures,
// and its features already beat the random-init encoder's under kNN. The
// linear probe is not asked to: on these patches a random convnet's features
// are linearly strong (83.6% at the default preset's size), and a minute of
// MoCo moves the neighbourhoods (kNN) before it moves the linear probe; the
// default run's linear gain is measured and stated in the README.
func TestQuickPresetEndToEnd(t *testing.T) {
	r, _ := experimenttest.QuickRunContract(t, spec())
	if r.Metrics.KNNTop1 <= r.Baselines.RandomInit.KNNTop1 {
		t.Errorf("kNN top-1 %.3f does not beat the random-init encoder's %.3f", r.Metrics.KNNTop1, r.Baselines.RandomInit.KNNTop1)
	}
	files := map[string]bool{}
	for _, f := range r.Figures {
		files[f.File] = true
	}
	if !files["filters.svg"] || !files["featuremaps.svg"] || r.Dataset.Name != "histo" {
		t.Errorf("dataset %q, figures %v: want histo with filters.svg and featuremaps.svg", r.Dataset.Name, r.Figures)
	}
}

// folderRun trains on the image folder dir with a tiny budget.
func folderRun(t *testing.T, dir string) error {
	t.Helper()
	fs := flag.NewFlagSet("histopathology", flag.ContinueOnError)
	s := spec()
	opts := experiment.Flags(s, fs)
	if err := fs.Parse([]string{"-preset", "quick", "-backend", "go", "-out", t.TempDir(), "-dataset", "folder", "-data-dir", dir,
		"-batch", "32", "-queue", "128", "-epochs", "2", "-supervised-epochs", "1", "-probe-iters", "20", "-embeddings", "20"}); err != nil {
		t.Fatal(err)
	}
	p, err := experiment.NewPlan(s, opts, fs)
	if err != nil {
		return err
	}
	_, err = experiment.Execute(context.Background(), p)
	return err
}

// A folder of PNGs in benign/ and malignant/ runs end to end; a non-image
// file, an empty class or other classes fail, naming the problem.
func TestImageFolder(t *testing.T) {
	patches := data.Histo(data.HistoConfig{Train: 192, Test: 48, Seed: 5})
	dir := t.TempDir()
	if err := data.ExportImageFolder(dir, patches); err != nil {
		t.Fatal(err)
	}
	if err := folderRun(t, dir); err != nil {
		t.Fatalf("a folder of benign and malignant PNGs: %v", err)
	}

	bad := filepath.Join(dir, "train", "benign", "notes.txt")
	if err := os.WriteFile(bad, []byte("not an image"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := folderRun(t, dir); err == nil || !strings.Contains(err.Error(), "notes.txt") {
		t.Errorf("a non-image file: error %v, want one naming notes.txt", err)
	}
	os.Remove(bad)

	empty := t.TempDir()
	for _, class := range []string{"benign", "malignant"} {
		if err := os.MkdirAll(filepath.Join(empty, class), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	src, _ := filepath.Glob(filepath.Join(dir, "train", "benign", "*.png"))
	for _, f := range src {
		b, _ := os.ReadFile(f)
		os.WriteFile(filepath.Join(empty, "benign", filepath.Base(f)), b, 0o644)
	}
	if err := folderRun(t, empty); err == nil || !strings.Contains(err.Error(), "malignant") {
		t.Errorf("an empty class: error %v, want one naming malignant", err)
	}

	other := t.TempDir()
	if err := data.ExportImageFolder(other, data.Shapes(data.ShapesConfig{Train: 200, Test: 50, Seed: 1})); err != nil {
		t.Fatal(err)
	}
	if err := folderRun(t, other); err == nil || !strings.Contains(err.Error(), "benign") {
		t.Errorf("classes other than benign and malignant: error %v, want one saying which classes", err)
	}
}

// Every setting of the method's own, changed, names a run of its own.
func TestSettingsNameRuns(t *testing.T) {
	experimenttest.SettingsNameRuns(t, spec(), map[string]string{"policy": "tiles"})
}
