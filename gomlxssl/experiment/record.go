package experiment

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/mega-ssl/mega/gomlxssl/augment"
	"github.com/mega-ssl/mega/gomlxssl/plots"
	"github.com/mega-ssl/mega/gomlxssl/results"
)

func (r *runner) fillFromRows() {
	if len(r.rows) == 0 {
		return
	}
	last := r.rows[len(r.rows)-1]
	r.run.Metrics = results.Metrics{KNNTop1: last.KNNTop1, KNNK: r.o.KNNK, KNNT: r.o.KNNT, EmbeddingStd: last.EmbeddingStd,
		EffectiveRank: last.EffectiveRank, Epochs: last.Epoch, ImagesPerS: r.meanImagesPerS()}
	r.run.MonitorS = 0
	for _, row := range r.rows {
		r.run.MonitorS += row.EvalS
	}
}

func (r *runner) meanImagesPerS() float64 {
	var s float64
	for _, row := range r.rows {
		s += row.ImagesPerS
	}
	return s / float64(max(1, len(r.rows)))
}

// writeProgress writes metrics.csv, the figures and run.json as they stand.
func (r *runner) writeProgress() error {
	if err := results.WriteMetrics(filepath.Join(r.dir, "metrics.csv"), r.rows); err != nil {
		return err
	}
	if len(r.rows) > 0 {
		if err := r.curves(); err != nil {
			return err
		}
	}
	r.run.Finished = time.Now()
	r.run.DurationS = r.run.EarlierS + r.run.Finished.Sub(r.run.Started).Seconds()
	return results.WriteJSON(filepath.Join(r.dir, "run.json"), r.run)
}

func (r *runner) curves() error {
	epochs, loss, knn := make([]float64, len(r.rows)), make([]float64, len(r.rows)), make([]float64, len(r.rows))
	for i, row := range r.rows {
		epochs[i], loss[i], knn[i] = float64(row.Epoch), row.Loss, 100*row.KNNTop1
	}
	if err := plots.LineChart(filepath.Join(r.dir, "loss.svg"), plots.Chart{Title: r.run.Title + ": training loss",
		XLabel: "epoch", YLabel: "loss", IntegerX: true}, []plots.Line{{Name: r.run.Title, X: epochs, Y: loss}}, nil); err != nil {
		return err
	}
	figures := []results.Figure{
		{File: "augmentations.svg", Caption: "Two augmented views (rows 2 and 3) of eight training images (row 1)."},
		{File: "loss.svg", Caption: "Training loss per epoch."},
	}
	if r.run.Unlabelled { // no labels, no kNN curve
		r.run.Figures = append(figures, r.figures...)
		return nil
	}
	b := r.run.Baselines
	if err := plots.LineChart(filepath.Join(r.dir, "knn.svg"), plots.Chart{
		Title:  fmt.Sprintf("%s: kNN top-1 (k=%d, τ=%g) on the test split", r.run.Title, r.o.KNNK, r.o.KNNT),
		XLabel: "epoch", YLabel: "accuracy (%)", IntegerX: true}, // fitted to the curve and its baselines, not 0–100
		[]plots.Line{{Name: r.run.Title, X: epochs, Y: knn}},
		[]plots.HLine{{Name: "random init", Value: 100 * b.RandomInit.KNNTop1}, {Name: "supervised", Value: 100 * b.Supervised.KNNTop1}}); err != nil {
		return err
	}
	r.run.Figures = append(append(figures, results.Figure{File: "knn.svg", Caption: r.knnCaption()}), r.figures...)
	return nil
}

// augmentationFigure draws eight training images and two views of each.
func (r *runner) augmentationFigure() error {
	d := r.split.Train
	n := min(8, d.Len())
	indices := make([]int, n)
	for i := range indices {
		indices[i] = i
	}
	b := augment.NewPipeline(d, r.spec.Augment, n, r.o.Seed, true).Make(0, 0, indices)
	size := d.ImageSize()
	rows := make([][][]float32, 3)
	for i := range n {
		rows[0] = append(rows[0], d.Float32(i, i+1))
		rows[1] = append(rows[1], b.V1[i*size:(i+1)*size])
		rows[2] = append(rows[2], b.V2[i*size:(i+1)*size])
	}
	return plots.ImageGrid(filepath.Join(r.dir, "augmentations.svg"), r.run.Title+": augmented views", rows, d.Height, d.Width)
}

// gitInfo is the commit the running program was built from, read once: the
// build's own VCS stamp where it has one (a binary from go build in a
// checkout), else the checkout the process started in (go run builds from it
// just before). Read at each run instead, the later seeds of a long -seeds
// run, or a binary run from a checkout that moved on, recorded commits they
// were not built from.
var gitInfo = sync.OnceValue(func() results.Git {
	if bi, ok := debug.ReadBuildInfo(); ok {
		var g results.Git
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				g.Commit = s.Value
			case "vcs.modified":
				g.Dirty = s.Value == "true"
			}
		}
		if g.Commit != "" {
			return g
		}
	}
	out, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		return results.Git{Commit: "unknown"}
	}
	status, _ := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output()
	return results.Git{Commit: strings.TrimSpace(string(out)), Dirty: len(strings.TrimSpace(string(status))) > 0}
})

// knnCaption says what the kNN curve measures, and over how many training
// images when the monitor searches a sample of them (the dashed baselines
// and the final figures search the whole split).
func (r *runner) knnCaption() string {
	monitor := ""
	if n := r.split.Train.Len(); r.o.KNNTrain > 0 && r.o.KNNTrain < n {
		monitor = fmt.Sprintf(", searching a stratified sample of %d of the %d training images, so a little below the final kNN over all of them", r.o.KNNTrain, n)
	}
	return fmt.Sprintf("kNN top-1 accuracy per epoch (weighted cosine, k=%d, τ=%g%s), with the random-init and supervised encoders as dashed lines.",
		r.o.KNNK, r.o.KNNT, monitor)
}
