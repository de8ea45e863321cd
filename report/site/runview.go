package site

import (
	"fmt"
	"slices"

	"github.com/mega-ssl/mega/gomlxssl/results"
)

// runMeta is what a run's section says of how it ran: status, data,
// budget, seed, backend, time and commit.
func runMeta(r *results.Run, status string) []keyValue {
	commit := short(r.Git.Commit)
	if r.Git.Dirty {
		commit += " (with uncommitted changes)"
	}
	backend := r.Env.Backend
	if r.Env.SIMD {
		backend += ", SIMD"
	}
	backend += fmt.Sprintf(", %d CPUs, %s", r.Env.CPUs, r.Env.Go)
	ds := r.Dataset
	meta := []keyValue{
		{"status", status},
		{"dataset", fmt.Sprintf("%s: %d train / %d test images, %d×%d×%d, %d classes", ds.Name, ds.Train, ds.Test, ds.Image[0], ds.Image[1], ds.Image[2], ds.Classes)},
		{"encoder", configString(r, "encoder")},
		{"epochs", fmt.Sprintf("%d of %s", r.Metrics.Epochs, configString(r, "epochs"))},
		{"batch", configString(r, "batch")},
		{"seed", configString(r, "seed")},
		{"backend", backend},
		{"duration", duration(r.DurationS)},
		{"finished", r.Finished.UTC().Format("2006-01-02 15:04 UTC")},
		{"commit", commit},
	}
	if r.Labels {
		meta = append(meta, keyValue{"labels", "used in pre-training: a supervised run, not self-supervised"})
	}
	if r.Error != "" {
		meta = append(meta, keyValue{"error", r.Error})
	}
	return meta
}

// metricRows are a run's section's table: its probes beside the raw
// pixels', the random-init and the supervised encoders', and the mean ± sd
// of its seeds where it is the first of several.
func metricRows(e *Experiment) []metricRow {
	r := e.Run
	m, bl, n := r.Metrics, r.Baselines, r.Dataset.Test
	few := m.OnePctLabels > 0 // runs from before the 1%-labels setting have none
	probes := func(b results.Baseline) []cell {
		return []cell{accuracy(b.KNNTop1, n), accuracy(b.LinearTop1, n), top5(r, b.LinearTop5),
			onePctCell(few, b.KNNTop1OnePct, n), onePctCell(few, b.LinearTop1OnePct, n), dash, dash}
	}
	ours := probes(results.Baseline{KNNTop1: m.KNNTop1, LinearTop1: m.LinearTop1, LinearTop5: m.LinearTop5,
		KNNTop1OnePct: m.KNNTop1OnePct, LinearTop1OnePct: m.LinearTop1OnePct})
	ours[5], ours[6] = cell{Text: num(m.EmbeddingStd, 3)}, cell{Text: num(m.EffectiveRank, 1)}
	if !r.LinearProbed() {
		ours[1], ours[2] = dash, dash
	}
	if r.Unlabelled { // no labels: the collapse figures alone
		for i := range 5 {
			ours[i] = dash
		}
		return []metricRow{{Name: r.Title, Ours: true, Cells: ours}}
	}
	rows := []metricRow{
		{Name: r.Title, Ours: true, Cells: ours},
		{Name: "random-init encoder", Cells: probes(bl.RandomInit)},
		{Name: fmt.Sprintf("supervised encoder (%d epochs)", bl.Supervised.Epochs), Cells: probes(bl.Supervised)},
	}
	if px := bl.RawPixels; px != nil { // the probes on the images themselves: the bar a representation must clear
		rows = slices.Insert(rows, 1, metricRow{Name: "raw pixels", Cells: probes(*px)})
	}
	if agg := e.Seeds; agg != nil { // the seeds this run is the first of
		cells := slices.Clone(ours)
		seedCells(cells, agg, n)
		if s, ok := agg.Metrics["embedding_std"]; ok {
			cells[5] = cell{Text: fmt.Sprintf("%s ±%s", num(s.Mean, 3), num(s.SD, 3))}
		}
		if s, ok := agg.Metrics["effective_rank"]; ok {
			cells[6] = cell{Text: fmt.Sprintf("%s ±%s", num(s.Mean, 1), num(s.SD, 1))}
		}
		rows = slices.Insert(rows, 1, metricRow{Name: fmt.Sprintf("mean ± sd of %d seeds (%s)", len(agg.Seeds), results.SeedList(agg.Seeds)), Ours: true, Cells: cells})
	}
	return rows
}
