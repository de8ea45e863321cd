package experimenttest

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio"

	"github.com/mega-ssl/mega/gomlxssl/data"
	"github.com/mega-ssl/mega/gomlxssl/eval"
	"github.com/mega-ssl/mega/gomlxssl/experiment"
	"github.com/mega-ssl/mega/gomlxssl/results"
)

// EmbedMatchesTheRun embeds the training and test splits of spec's quick
// run in out (made by QuickRun with the same extra flags) with the encoder
// its checkpoint keeps (-embed, as `run.go embed` does), and checks the
// files: the CSV's rows and the .npy's (images, dimensions) agree, and a kNN
// over those features scores what run.json says — the encoder a user takes
// away is the one the run evaluated.
func EmbedMatchesTheRun(t *testing.T, spec experiment.Spec, out string, r *results.Run, extra ...string) {
	t.Helper()
	feats := map[string]eval.Features{}
	for _, split := range []string{"train", "test"} {
		file := filepath.Join(t.TempDir(), "emb-"+split)
		p := quickPlan(t, spec, out, append([]string{"-embed", split, "-embed-out", file}, extra...)...)
		if err := experiment.Embed(context.Background(), p); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(file + ".npy")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var rows []float32
		rd, err := npyio.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		shape := rd.Header.Descr.Shape
		if err := rd.Read(&rows); err != nil {
			t.Fatal(err)
		}
		csv, err := os.ReadFile(file + ".csv")
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
		if len(shape) != 2 || len(lines)-1 != shape[0] || strings.Count(lines[0], ",") != shape[1]+2 || len(rows) != shape[0]*shape[1] {
			t.Fatalf("%s: .npy shape %v (%d values), CSV %d rows of %d columns", split, shape, len(rows), len(lines)-1, strings.Count(lines[0], ",")+1)
		}
		labels := make([]int32, shape[0])
		for i, l := range lines[1:] {
			fields := strings.SplitN(l, ",", 3)
			var label int32
			if _, err := fmt.Sscan(fields[1], &label); err != nil {
				t.Fatalf("%s: CSV line %d: %v", split, i+2, err)
			}
			labels[i] = label
		}
		feats[split] = eval.Features{Data: rows, Dim: shape[1], Labels: labels}
	}
	k := int(r.Metrics.KNNK)
	acc, err := eval.KNN{K: k, T: r.Metrics.KNNT}.Accuracy(feats["train"], feats["test"], r.Dataset.Classes)
	if err != nil {
		t.Fatal(err)
	}
	if acc != r.Metrics.KNNTop1 {
		t.Errorf("%s: kNN over the embedded splits %.4f, run.json says %.4f: the checkpoint's encoder is not the one evaluated", spec.Name, acc, r.Metrics.KNNTop1)
	}
}

// ExportMatchesInPyTorch exports the encoder of spec's quick run in out
// (-export, as `run.go export` does), and checks with Debian's PyTorch that
// gomlxssl/models/torch/mega_encoder.py rebuilds it from encoder.json and
// encoder.safetensors and gets MEGA's features of the test images (-embed)
// to 1e-4. Without python3-torch it is skipped, saying so.
func ExportMatchesInPyTorch(t *testing.T, spec experiment.Spec, out string, extra ...string) {
	t.Helper()
	const python = "/usr/bin/python3"
	if exec.Command(python, "-c", "import torch, numpy").Run() != nil {
		t.Skip("export checked without PyTorch: python3-torch is not installed (apt-get install python3-torch)")
	}
	_, self, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(self), "..", "..", "models", "torch", "mega_encoder.py")
	dir := t.TempDir()
	plan := func(mode ...string) *experiment.Plan { return quickPlan(t, spec, out, append(mode, extra...)...) }
	exported, features := filepath.Join(dir, "encoder"), filepath.Join(dir, "features")
	if err := experiment.Export(context.Background(), plan("-export", exported)); err != nil {
		t.Fatal(err)
	}
	p := plan("-embed", "test", "-embed-out", features)
	if err := experiment.Embed(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	split, err := p.LoadData()
	if err != nil {
		t.Fatal(err)
	}
	var pixels bytes.Buffer
	if err := npyio.Write(&pixels, split.Test.Pixels); err != nil {
		t.Fatal(err)
	}
	images := filepath.Join(dir, "images.npy")
	if err := os.WriteFile(images, pixels.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := exec.Command(python, script, exported, images, "--compare", features+".npy", "--tol", "1e-4").CombinedOutput()
	t.Logf("%s", b)
	if err != nil {
		t.Errorf("the exported encoder in PyTorch: %v", err)
	}
}

// EmbedTestSplitInNumpy embeds the whole test split of dataset (-embed
// dataset:NAME, as `run.go embed RUN -dataset NAME` does) with the encoder of
// spec's quick run in out, and checks the files as a user reads them: the
// .npy loads in numpy (Debian's python3-numpy; Go's npyio where it is
// absent) with shape (tests, D), and the CSV has a row for each image.
func EmbedTestSplitInNumpy(t *testing.T, spec experiment.Spec, out, dataset string, tests int, extra ...string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "test-split")
	p := quickPlan(t, spec, out, append([]string{"-embed", "dataset:" + dataset, "-embed-out", file}, extra...)...)
	if err := experiment.Embed(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	var rows, dim int
	if exec.Command("/usr/bin/python3", "-c", "import numpy").Run() == nil {
		b, err := exec.Command("/usr/bin/python3", "-c", "import numpy, sys; a = numpy.load(sys.argv[1]); print(a.shape[0], a.shape[1], a.dtype)", file+".npy").CombinedOutput()
		if err != nil {
			t.Fatalf("numpy.load: %v\n%s", err, b)
		}
		var dtype string
		if _, err := fmt.Sscan(string(b), &rows, &dim, &dtype); err != nil || dtype != "float32" {
			t.Fatalf("numpy says %q", b)
		}
	} else {
		f, err := os.Open(file + ".npy")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rd, err := npyio.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		if shape := rd.Header.Descr.Shape; len(shape) == 2 {
			rows, dim = shape[0], shape[1]
		}
	}
	csv, err := os.ReadFile(file + ".csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	if rows != tests || dim == 0 || len(lines)-1 != tests || !strings.HasPrefix(lines[1], dataset+"/test/0,") {
		t.Errorf("embedded %s's test split: .npy (%d, %d), CSV %d rows (first %.40q), want %d", dataset, rows, dim, len(lines)-1, lines[1], tests)
	}
}

// quickPlan plans spec's quick run in out (made by QuickRun) with the
// flags args added: the plan a mode that uses its trained encoder reads.
func quickPlan(t *testing.T, spec experiment.Spec, out string, args ...string) *experiment.Plan {
	t.Helper()
	fs := flag.NewFlagSet(spec.Name, flag.ContinueOnError)
	opts := experiment.Flags(spec, fs)
	if err := fs.Parse(append([]string{"-preset", "quick", "-out", out, "-baselines", sharedBaselines(), "-backend", "go"}, args...)); err != nil {
		t.Fatal(err)
	}
	p, err := experiment.NewPlan(spec, opts, fs)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// UnlabelledFolder walks docs/embeddings.md's "your own unlabelled images"
// on a tiny folder it writes (images with no class folders, one of them in
// a sub-folder, beside a file that is not an image): spec pre-trains on it
// with the quick preset, the run says it has no labels (no probe, baseline
// or fine-tuning; the collapse figures stand in for them), and its encoder
// embeds every image of the folder (-embed), one row each.
func UnlabelledFolder(t *testing.T, spec experiment.Spec) {
	t.Helper()
	folder, train, n := unlabelledFolder(t)
	out := t.TempDir()
	args := []string{"-preset", "quick", "-dataset", data.FolderName, "-data-dir", train, "-out", out, "-backend", "go", "-batch", "32"}
	plan := func(extra ...string) *experiment.Plan {
		fs := flag.NewFlagSet(spec.Name, flag.ContinueOnError)
		opts := experiment.Flags(spec, fs)
		if err := fs.Parse(append(slices.Clone(args), extra...)); err != nil {
			t.Fatal(err)
		}
		p, err := experiment.NewPlan(spec, opts, fs)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := plan()
	r, err := experiment.Execute(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Unlabelled || r.Status != results.StatusComplete || r.Metrics.KNNTop1 != 0 || r.Metrics.LinearTop1 != 0 || len(r.Scores) != 0 ||
		r.Baselines.RawPixels != nil || r.Metrics.EmbeddingStd <= 0 || r.Metrics.EffectiveRank <= 0 {
		t.Errorf("unlabelled run: unlabelled %v, %s, kNN %g, linear %g, %d scores, raw pixels %v, std %g, rank %g", r.Unlabelled, r.Status,
			r.Metrics.KNNTop1, r.Metrics.LinearTop1, len(r.Scores), r.Baselines.RawPixels, r.Metrics.EmbeddingStd, r.Metrics.EffectiveRank)
	}
	for _, f := range r.Figures {
		if f.File == "knn.svg" {
			t.Errorf("a kNN chart without labels")
		}
	}
	if _, err := os.Stat(filepath.Join(p.Dir, results.NeighboursFile)); err == nil {
		t.Errorf("neighbours without classes to tell a right one from a wrong one")
	}
	emb := filepath.Join(t.TempDir(), "photos")
	if err := experiment.Embed(context.Background(), plan("-embed", folder, "-embed-out", emb)); err != nil {
		t.Fatal(err)
	}
	csv, err := os.ReadFile(emb + ".csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	if len(lines)-1 != n || !strings.HasPrefix(lines[1], filepath.Join("holiday", "img000.png")+",0,unlabeled,") {
		t.Errorf("embedded %d rows of %d images; first %q", len(lines)-1, n, lines[1][:min(len(lines[1]), 60)])
	}
}

// unlabelledFolder writes a folder of images without classes (one in a
// sub-folder, beside a file that is not an image) and a flat copy of its
// top-level images to train on; n counts the images.
func unlabelledFolder(t *testing.T) (folder, train string, n int) {
	t.Helper()
	folder = filepath.Join(t.TempDir(), "photos")
	shapes := data.Shapes(data.ShapesConfig{Train: 160, Test: 1, Seed: 4})
	classes := t.TempDir()
	if err := data.ExportImageFolder(classes, shapes); err != nil {
		t.Fatal(err)
	}
	err := filepath.WalkDir(filepath.Join(classes, "train"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		dst := filepath.Join(folder, fmt.Sprintf("img%03d.png", n))
		if n == 0 {
			dst = filepath.Join(folder, "holiday", "img000.png") // a sub-folder: embed reads it, training does not
		}
		n++
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(folder, "notes.txt"), []byte("not an image"), 0o644); err != nil {
		t.Fatal(err)
	}
	train = filepath.Join(t.TempDir(), "flat")
	if err := os.MkdirAll(train, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(folder)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries { // the folder's own images (LoadImageFolder wants no other files or folders)
		if strings.HasSuffix(e.Name(), ".png") {
			if err := os.Link(filepath.Join(folder, e.Name()), filepath.Join(train, e.Name())); err != nil {
				t.Fatal(err)
			}
		}
	}
	return folder, train, n
}
