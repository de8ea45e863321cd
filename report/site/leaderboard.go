package site

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/mega-ssl/mega/gomlxssl/results"
)

// leaderboardView is "results at a glance": one table per data and split
// sizes (one protocol per table) of every method with results — its family,
// the four probes, its gains over the random-init encoder and over the raw
// pixels, epochs, time and status — with the baselines as rows of the same
// table. The page's script sorts it by any column.
type leaderboardView struct {
	Data     string // "Fashion-MNIST, 60,000 / 10,000 images"
	Columns  []string
	Rows     []leaderRow
	Protocol string
}

type leaderRow struct {
	Name, Anchor, Family string
	// Badge flags a run that is not at its method's default budget (quick
	// preset, flags that change the budget), or not a plain result.
	Badge    string
	Baseline bool
	Cells    []cell
	// Sort holds each cell's sort key (a number; the baselines' gains are
	// empty and sort last).
	Sort []string
}

// leaderColumns are the figures' heads; "top‑1" has a non-breaking hyphen,
// so that a narrow head breaks at its spaces, never into "top-" and "1".
var leaderColumns = []string{"kNN top\u20111", "linear top\u20111", "1% labels: kNN", "1% labels: linear", "kNN over random init", "kNN over raw pixels", "epochs", "time"}

// leaderboards builds one table per data and split sizes from the runs (in
// page order), with each experiment's family (its part of the talk).
func leaderboards(runs []*Experiment, anchors, families map[string]string) []*leaderboardView {
	dataKey := func(r *results.Run) string {
		return fmt.Sprintf("%s|%d|%d", r.Dataset.Name, r.Dataset.Train, r.Dataset.Test)
	}
	// The protocols' columns (run.json's scores) of each table: every
	// figure any of its runs measured, after the frozen probes' columns.
	scored := map[string][]results.Scores{}
	for _, e := range runs {
		if r := e.Run; r != nil && r.Status != results.StatusFailed {
			scored[dataKey(r)] = append(scored[dataKey(r)], r.Scores)
		}
	}
	var out []*leaderboardView
	boards := map[string]*board{}
	for _, e := range runs {
		r := e.Run
		if r == nil || r.Status == results.StatusFailed {
			continue
		}
		key := dataKey(r)
		b := boards[key]
		if b == nil {
			b = newBoard(r, results.KeyOrder(scored[key]...))
			boards[key] = b
			out = append(out, b.view)
		}
		b.view.Rows = append(b.view.Rows, b.runRow(e, anchors[e.Name], families[e.Name]))
		b.view.Rows = append(b.view.Rows, b.baselineRows(r)...)
	}
	for _, lb := range out { // best first by kNN, the baselines among them
		slices.SortStableFunc(lb.Rows, func(a, b leaderRow) int {
			switch {
			case a.Cells[0].value > b.Cells[0].value:
				return -1
			case a.Cells[0].value < b.Cells[0].value:
				return 1
			}
			return 0
		})
	}
	return out
}

// board is one leaderboard as it is built: its view, the protocols its
// columns show, and the baselines it shows already.
type board struct {
	view      *leaderboardView
	protocols []results.Score
	seen      map[string]bool
}

// newBoard starts the leaderboard of run r's data, with the protocols'
// columns, whose protocol lines are those of the first run that measured
// each.
func newBoard(r *results.Run, protocols []results.Score) *board {
	cols := slices.Clone(leaderColumns[:4])
	protocol := r.Protocol
	for _, s := range protocols {
		cols = append(cols, s.Title)
		protocol += "; " + s.Title + ": " + s.Protocol
	}
	view := &leaderboardView{Data: fmt.Sprintf("%s, %s / %s images", results.DatasetTitle(r.Dataset.Name), thousands(r.Dataset.Train), thousands(r.Dataset.Test)),
		Columns: append(cols, leaderColumns[4:]...), Protocol: protocol}
	return &board{view: view, protocols: protocols, seen: map[string]bool{}}
}

// scoreCells are the protocols' cells of the scores s (a dash where s has
// none), on n test images.
func (b *board) scoreCells(s results.Scores, n int) []cell {
	cells := make([]cell, len(b.protocols))
	for i, p := range b.protocols {
		cells[i] = dash
		if v, ok := s.Get(p.Key); ok {
			cells[i] = accuracy(v.Value, n)
		}
	}
	return cells
}

// runRow is experiment e's row: the probes, the protocols, the gains over
// the random-init encoder and the raw pixels, its epochs and time (the
// mean ± sd of its seeds where it has them).
func (b *board) runRow(e *Experiment, anchor, family string) leaderRow {
	r := e.Run
	n, m, bl := r.Dataset.Test, r.Metrics, r.Baselines
	few := func(v float64) cell {
		if m.OnePctLabels == 0 {
			return dash
		}
		return accuracy(v, n)
	}
	linear := accuracy(m.LinearTop1, n)
	if !r.LinearProbed() {
		linear = dash
	}
	// The gains are over the kNN the row shows: the seeds' mean where it
	// shows their aggregate (every seed shares the baselines, cached per
	// data seed), with the seeds' spread.
	knn, knnSD := m.KNNTop1, -1.0
	if e.Seeds != nil {
		if s, ok := e.Seeds.Metrics["knn_top1"]; ok {
			knn, knnSD = s.Mean, s.SD
		}
	}
	gain := func(over float64) cell {
		c := cell{Text: fmt.Sprintf("%+.1f", 100*(knn-over)), value: knn - over}
		if knnSD >= 0 {
			c.PM = fmt.Sprintf("%.1f", 100*knnSD)
			c.Title = "mean ± standard deviation over the seeds"
		}
		return c
	}
	overPixels := dash
	if bl.RawPixels != nil {
		overPixels = gain(bl.RawPixels.KNNTop1)
	}
	cells := append(append([]cell{accuracy(m.KNNTop1, n), linear, few(m.KNNTop1OnePct), few(m.LinearTop1OnePct)},
		b.scoreCells(r.Scores, n)...), gain(bl.RandomInit.KNNTop1), overPixels, cell{Text: fmt.Sprint(m.Epochs), value: float64(m.Epochs)},
		cell{Text: duration(r.DurationS), value: math.Round(r.DurationS)})
	if e.Seeds != nil { // the mean ± sd of the seeds this run is the first of (no top-5 column here)
		keys := []string{"knn_top1", "linear_top1", "knn_top1_1pct", "linear_top1_1pct"}
		for _, p := range b.protocols {
			keys = append(keys, p.Key)
		}
		seedCells(cells, e.Seeds, n, keys...)
		if d, ok := e.Seeds.Metrics["duration_s"]; ok && len(d.Values) > 0 {
			cells[len(cells)-1] = seedsTime(d.Values)
		}
	}
	name := strings.Replace(r.Title, " on "+results.DatasetTitle(r.Dataset.Name), "", 1) // the table says the data
	return leaderRow{Name: name, Anchor: anchor, Family: family, Badge: badge(e), Cells: cells, Sort: sortKeys(cells)}
}

// baselineRows are the rows of run r's baselines the board does not show
// yet: the raw pixels (once per data), the random-init and supervised
// encoders (once per encoder), and the networks trained from scratch on the
// labelled fractions.
func (b *board) baselineRows(r *results.Run) []leaderRow {
	enc, n, bl := configString(r, "encoder"), r.Dataset.Test, r.Baselines
	if b.seen[enc] {
		return nil
	}
	b.seen[enc] = true
	// A baseline's encoder goes under its name, beside its family: in
	// the name it widened the table's first column past the screen.
	base := func(name, family string, v results.Baseline) leaderRow {
		c := append(append([]cell{accuracy(v.KNNTop1, n), accuracy(v.LinearTop1, n), dash, dash}, b.scoreCells(nil, n)...),
			dash, dash, cell{Text: "—"}, cell{Text: "—"})
		if v.KNNTop1OnePct > 0 { // measured (baselines from before the 1%-labels setting have none)
			c[2], c[3] = accuracy(v.KNNTop1OnePct, n), accuracy(v.LinearTop1OnePct, n)
		}
		if v.Epochs > 0 {
			c[len(c)-2] = cell{Text: fmt.Sprint(v.Epochs), value: float64(v.Epochs)}
		}
		return leaderRow{Name: name, Family: family, Baseline: true, Cells: c, Sort: sortKeys(c)}
	}
	var rows []leaderRow
	if px := bl.RawPixels; px != nil && !b.seen["|pixels"] {
		b.seen["|pixels"] = true
		rows = append(rows, base("raw pixels", "baseline", *px))
	}
	rows = append(rows, base("random init", "baseline: "+enc, bl.RandomInit), base("supervised (labels)", "baseline: "+enc, bl.Supervised))
	// The networks trained from scratch on the labelled fractions fill
	// the protocols' columns only.
	for _, s := range []*results.LabelBaseline{bl.Scratch, bl.Practitioner} {
		if s != nil && len(b.protocols) > 0 && !b.seen[s.Name+"|scratch"] {
			b.seen[s.Name+"|scratch"] = true
			c := append(append([]cell{dash, dash, dash, dash}, b.scoreCells(s.Scores, n)...), dash, dash, cell{Text: "—"}, cell{Text: "—"})
			rows = append(rows, leaderRow{Name: s.Title, Family: "baseline: " + s.Name, Baseline: true, Cells: c, Sort: sortKeys(c)})
		}
	}
	return rows
}

// badge says why a run's figures are not its method's default-budget
// result: the quick preset, a budget set by flags or the compare group's
// shared budget, a run still training, a collapse, labels; and a reference
// run, the repository's, shown where the reader has none of their own.
func badge(e *Experiment) string {
	r := e.Run
	var why []string
	if e.Reference != nil {
		why = append(why, "reference run")
	}
	switch {
	case r.Collapsed:
		why = append(why, "collapsed")
	case r.Status == results.StatusPartial:
		why = append(why, fmt.Sprintf("partial: %d of %s epochs", r.Metrics.Epochs, configString(r, "epochs")))
	}
	if r.Labels {
		why = append(why, "labels")
	}
	if configString(r, "preset") == "quick" {
		why = append(why, "quick preset")
	} else {
		var set []string
		for _, f := range []string{"epochs", "batch", "train", "test", "lr"} {
			if r.ConfigFrom[f] == "flag" {
				set = append(set, "-"+f)
			}
		}
		if len(set) > 0 {
			why = append(why, "budget set by "+strings.Join(set, ", "))
		}
		if slices.Contains(r.Args, "-preset-budget=true") {
			why = append(why, "the preset's budget")
		}
	}
	return strings.Join(why, "; ")
}

// sortKeys are the cells' values for the page's column sort; a dash sorts
// last.
func sortKeys(cells []cell) []string {
	keys := make([]string, len(cells))
	for i, c := range cells {
		if c.Text == "—" {
			keys[i] = ""
			continue
		}
		keys[i] = fmt.Sprintf("%g", c.value)
	}
	return keys
}

// seedsTime is the time cell of a run of several seeds: the median of
// their times (the first seed's alone may include the baselines' training),
// each seed's on hover.
func seedsTime(values []float64) cell {
	sorted := slices.Sorted(slices.Values(values))
	median := sorted[len(sorted)/2]
	if len(sorted)%2 == 0 {
		median = (sorted[len(sorted)/2-1] + median) / 2
	}
	each := make([]string, len(values))
	for i, v := range values {
		each[i] = duration(v)
	}
	return cell{Text: duration(median), value: math.Round(median),
		Title: fmt.Sprintf("median over %d seeds (%s); the first run on new data also trains the baselines", len(values), strings.Join(each, ", "))}
}
