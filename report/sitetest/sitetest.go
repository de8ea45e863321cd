// Package sitetest builds test fixtures for the report: a repository root
// with the real templates and literate sources, and sample results. Tests of
// the report's packages share it; nothing else imports it.
package sitetest

import (
	"bytes"
	"image"
	"image/jpeg"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mega-ssl/mega/gomlxssl/data"
	"github.com/mega-ssl/mega/gomlxssl/results"
)

// Fixture makes a repository root with the real templates and SimCLR's real
// literate source, a sample experiment that has not been run, and an output
// directory with SimCLR results (run.json, a figure, embeddings).
func Fixture(t testing.TB, repoRoot string) (root, out string) {
	t.Helper()
	root = t.TempDir()
	out = filepath.Join(root, "out")
	copyFile(t, filepath.Join(repoRoot, "experiments/simclr/main.go"), filepath.Join(root, "experiments/simclr/main.go"))
	copyFile(t, filepath.Join(repoRoot, "report/sitetest/testdata/rotation.go.txt"), filepath.Join(root, "experiments/rotation/main.go"))
	entries, err := os.ReadDir(filepath.Join(repoRoot, "templates/narrative"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		copyFile(t, filepath.Join(repoRoot, "templates/narrative", e.Name()), filepath.Join(root, "templates/narrative", e.Name()))
	}
	for _, f := range []string{"page.html", "style.css", "script.js"} {
		copyFile(t, filepath.Join(repoRoot, "templates", f), filepath.Join(root, "templates", f))
	}
	WriteSampleResults(t, out, "simclr", "SimCLR")
	return root, out
}

// WriteSampleResults writes a complete run of experiment name under out:
// run.json, one SVG figure and 60 embeddings in three classes.
func WriteSampleResults(t testing.TB, out, name, title string) {
	t.Helper()
	dir := filepath.Join(out, name)
	svg := `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="teal"/></svg>`
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "knn.svg"), []byte(svg), 0o644); err != nil {
		t.Fatal(err)
	}
	run := results.Run{
		Experiment: name, Title: title, Status: results.StatusComplete,
		Started: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC), Finished: time.Date(2026, 11, 26, 10, 8, 11, 0, time.UTC),
		DurationS: 491, Git: results.Git{Commit: "601543d805d1e52ecdba9f1963c893c6bb5b28f1"},
		Env:     results.Env{Backend: "go", Go: "go1.27.3-X:simd", OS: "linux", Arch: "amd64", CPUs: 2, SIMD: true},
		Dataset: results.DatasetRef{Name: data.ShapesName, Train: 6000, Test: 1000, Image: [3]int{32, 32, 3}, Classes: 10},
		Config:  map[string]any{"encoder": "convnet-16-32-64-128", "epochs": 13.0, "batch": 128.0, "seed": 1.0},
		Metrics: results.Metrics{KNNTop1: 0.284, KNNK: 200, KNNT: 0.1, LinearTop1: 0.482, LinearTop5: 0.916, EmbeddingStd: 0.0867, EffectiveRank: 46.9, Epochs: 13},
		Baselines: results.Baselines{
			RandomInit: results.Baseline{KNNTop1: 0.121, LinearTop1: 0.171, LinearTop5: 0.603},
			Supervised: results.Baseline{KNNTop1: 0.878, LinearTop1: 0.912, LinearTop5: 1, Epochs: 10},
			Scratch: &results.LabelBaseline{Name: "convnet-16-32-64-128", Title: "supervised from scratch (the same encoder)", Seed: 1,
				Scores: append(sampleScores(0.201, 0.376), results.Score{Key: "finetune_100pct", Title: "all labels: fine-tuned", Kind: "fine-tuned",
					Fraction: 1, Labels: 6000, Value: 0.702, Test: 1000, Protocol: "trained on 6000 labelled images, 30 epochs (2790 steps), model seed 1"})},
		},
		Scores:   sampleScores(0.312, 0.455),
		Figures:  []results.Figure{{File: "knn.svg", Caption: "kNN top-1 per epoch"}},
		Protocol: "frozen encoder features; kNN: weighted cosine, k=200, τ=0.1",
	}
	if err := results.WriteJSON(filepath.Join(dir, "run.json"), run); err != nil {
		t.Fatal(err)
	}
	var emb []float32
	var labels []int32
	for i := range 60 {
		c := i % 3
		for j := range 8 {
			v := float32(math.Sin(float64(i*8+j))) * 0.3
			if j == c {
				v += 3
			}
			emb = append(emb, v)
		}
		labels = append(labels, int32(c))
	}
	if err := results.WriteEmbeddings(filepath.Join(dir, "embeddings.csv"), emb, 8, labels, []string{"circle", "square", "star"}); err != nil {
		t.Fatal(err)
	}
}

func copyFile(t testing.TB, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// sampleScores are the fine-tuning protocol's figures at 1% and 10% of the
// labels, as run.json records them.
func sampleScores(one, ten float64) results.Scores {
	return results.Scores{
		{Key: "finetune_1pct", Title: "1% labels: fine-tuned", Kind: "fine-tuned", Fraction: 0.01, Labels: 60, Value: one, Test: 1000,
			Protocol: "the encoder and a linear classifier trained together on 60 labelled images, 500 steps, model seed 1"},
		{Key: "finetune_10pct", Title: "10% labels: fine-tuned", Kind: "fine-tuned", Fraction: 0.1, Labels: 600, Value: ten, Test: 1000,
			Protocol: "the encoder and a linear classifier trained together on 600 labelled images, 500 steps, model seed 1"},
	}
}

// RewriteRun edits the run.json under out/dir.
func RewriteRun(t testing.TB, out, dir string, edit func(r *results.Run)) {
	t.Helper()
	path := filepath.Join(out, dir, "run.json")
	r, err := results.ReadRun(path)
	if err != nil {
		t.Fatal(err)
	}
	edit(r)
	if err := results.WriteJSON(path, r); err != nil {
		t.Fatal(err)
	}
}

// WriteSampleNeighbours writes the nearest neighbours of the run under
// out/dir: one test image of each of three classes, two neighbours each
// under the run, the pixels and the random-init encoder, their thumbnails
// (8×8 tiles of one grey level each, 3 to a row) and, for the run, one
// neighbour of another class (the second of the first query's).
func WriteSampleNeighbours(t testing.TB, out, dir string) {
	t.Helper()
	n := results.Neighbours{Classes: []string{"circle", "square", "star"}, K: 2, Measure: "cosine similarity", Tile: [2]int{8, 8}, Columns: 3}
	tile := 0
	next := func(label int, sim float64) results.Thumbnail {
		tile++
		return results.Thumbnail{Index: 100 + tile, Label: label, Tile: tile - 1, Similarity: sim}
	}
	for c := range 3 {
		n.Queries = append(n.Queries, next(c, 0))
	}
	for s, name := range []string{"run", "pixels", "random-init"} {
		set := results.NeighbourSet{Name: name, Title: []string{"the sample run", "raw pixels", "random-init encoder"}[s]}
		for c := range 3 {
			second := c
			if s == 0 && c == 0 {
				second = 1
			}
			set.Rows = append(set.Rows, []results.Thumbnail{next(c, 0.9), next(second, 0.8)})
		}
		n.Sets = append(n.Sets, set)
	}
	if err := results.WriteJSON(filepath.Join(out, dir, results.NeighboursFile), n); err != nil {
		t.Fatal(err)
	}
	img := image.NewGray(image.Rect(0, 0, 3*8, (tile+2)/3*8))
	for i := range img.Pix {
		x, y := i%img.Stride, i/img.Stride
		img.Pix[i] = uint8(10 * (y/8*3 + x/8))
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, dir, results.ThumbnailsFile), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
