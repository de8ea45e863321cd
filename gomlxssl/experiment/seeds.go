package experiment

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/mega-ssl/mega/gomlxssl/plots"
	"github.com/mega-ssl/mega/gomlxssl/results"
)

// RunSeeds trains the plan with its Seeds seeds — Seed, Seed+1, … — one
// after another on the same data (-data-seed is held fixed, so every seed
// sees the same images, and the cached baselines serve them all). Each seed
// is a run of its own with its own directory (Plan.WithSeed: simclr,
// simclr-seed2, …); when all have completed, their aggregate — every
// metric's mean, standard deviation and per-seed values, the per-epoch
// curves' mean and spread — is written to seeds.json in the first seed's
// directory. It returns the runs written, also on error (nil for a
// -dry-run).
func RunSeeds(ctx context.Context, p *Plan) ([]*results.Run, *results.Seeds, error) {
	if p.Seeds < 1 {
		return nil, nil, fmt.Errorf("-seeds %d: want at least 1", p.Seeds)
	}
	var runs []*results.Run
	var rows [][]results.EpochRow
	var dirs []string
	for i := range p.Seeds {
		seeded := p.WithSeed(p.Seed + uint64(i))
		if p.Seeds > 1 {
			fmt.Fprintf(os.Stderr, "%s: seed %d (%d of %d)\n", p.Spec.Name, seeded.Seed, i+1, p.Seeds)
		}
		r, err := Execute(ctx, seeded)
		if r == nil && err == nil && p.DryRun {
			continue // each seed says where its results would go
		}
		if r == nil {
			return runs, nil, err // stopped before anything was written
		}
		runs = append(runs, r)
		if err != nil {
			return runs, nil, err
		}
		m, err := results.ReadMetrics(filepath.Join(seeded.Dir, "metrics.csv"))
		if err != nil {
			return runs, nil, err
		}
		rows, dirs = append(rows, m), append(dirs, filepath.Base(seeded.Dir))
	}
	if p.Seeds == 1 || p.DryRun {
		return runs, nil, nil
	}
	agg, err := results.Aggregate(runs, rows, dirs, p.DataSeed)
	if err != nil {
		return runs, nil, err
	}
	if err := results.WriteJSON(filepath.Join(p.Dir, results.SeedsFile), agg); err != nil {
		return runs, agg, err
	}
	return runs, agg, seedsFigure(p.Dir, agg, runs[0])
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
