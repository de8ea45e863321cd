package experiment

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/mega-ssl/mega/gomlxssl/plots"
	"github.com/mega-ssl/mega/gomlxssl/results"
)

// RunSeeds trains spec with o.Seeds seeds — o.Seed, o.Seed+1, … — one after
// another on the same data (-data-seed is held fixed, so every seed sees the
// same images, and the cached baselines serve them all). Each seed is a run
// of its own with its own directory (Spec.RunDir: simclr, simclr-seed2, …);
// when all have completed, their aggregate — every metric's mean, standard
// deviation and per-seed values, the per-epoch curves' mean and spread — is
// written to seeds.json in the first seed's directory. It returns the runs
// written, also on error (nil for a -dry-run).
func RunSeeds(ctx context.Context, spec Spec, o *Options, fs *flag.FlagSet) ([]*results.Run, *results.Seeds, error) {
	if o.Seeds < 1 {
		return nil, nil, fmt.Errorf("-seeds %d: want at least 1", o.Seeds)
	}
	var runs []*results.Run
	var rows [][]results.EpochRow
	var dirs []string
	for i := range o.Seeds {
		seeded := *o
		seeded.Seed = o.Seed + uint64(i)
		if o.Seeds > 1 {
			fmt.Fprintf(os.Stderr, "%s: seed %d (%d of %d)\n", spec.Name, seeded.Seed, i+1, o.Seeds)
		}
		r, err := Run(ctx, spec, &seeded, fs)
		if r == nil && err == nil && o.DryRun {
			continue // each seed says where its results would go
		}
		if r == nil {
			return runs, nil, err // stopped before anything was written
		}
		runs = append(runs, r)
		if err != nil {
			return runs, nil, err
		}
		dir, _, _ := spec.RunDir(seeded)
		m, err := results.ReadMetrics(filepath.Join(dir, "metrics.csv"))
		if err != nil {
			return runs, nil, err
		}
		rows, dirs = append(rows, m), append(dirs, filepath.Base(dir))
	}
	if o.Seeds == 1 || o.DryRun {
		return runs, nil, nil
	}
	agg, err := results.Aggregate(runs, rows, dirs, o.DataSeed)
	if err != nil {
		return runs, nil, err
	}
	first, _, _ := spec.RunDir(*o)
	if err := results.WriteJSON(filepath.Join(first, results.SeedsFile), agg); err != nil {
		return runs, agg, err
	}
	return runs, agg, seedsFigure(first, agg, runs[0])
}

// seedsFigure draws the kNN monitor's curve over the seeds — the mean with
// a band of one standard deviation, beside the random-init and raw-pixel
// baselines — as knn-seeds.svg in the first seed's directory, and lists it
// in that run's run.json, so that the report shows it with the run.
func seedsFigure(dir string, agg *results.Seeds, first *results.Run) error {
	c := agg.Curves["knn_top1"]
	x := make([]float64, len(c.Epochs))
	y, sd := make([]float64, len(c.Epochs)), make([]float64, len(c.Epochs))
	for i, e := range c.Epochs {
		x[i], y[i], sd[i] = float64(e), 100*c.Mean[i], 100*c.SD[i]
	}
	refs := []plots.HLine{{Name: "random init", Value: 100 * first.Baselines.RandomInit.KNNTop1}}
	if px := first.Baselines.RawPixels; px != nil {
		refs = append(refs, plots.HLine{Name: "raw pixels", Value: 100 * px.KNNTop1})
	}
	title := fmt.Sprintf("kNN top-1 over %d seeds: mean ± sd", len(agg.Seeds))
	if err := plots.LineChart(filepath.Join(dir, "knn-seeds.svg"), plots.Chart{Title: title, XLabel: "epoch", YLabel: "kNN top-1 (%)", IntegerX: true},
		[]plots.Line{{Name: "mean ± sd", X: x, Y: y, Spread: sd}}, refs); err != nil {
		return err
	}
	caption := fmt.Sprintf("The kNN monitor after each epoch over %d seeds (%s) on the same data: the mean, and a band of one standard deviation.", len(agg.Seeds), results.SeedList(agg.Seeds))
	if !slices.ContainsFunc(first.Figures, func(f results.Figure) bool { return f.File == "knn-seeds.svg" }) {
		first.Figures = append(first.Figures, results.Figure{File: "knn-seeds.svg", Caption: caption})
	}
	return results.WriteJSON(filepath.Join(dir, "run.json"), first)
}
