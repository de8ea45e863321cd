package site

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mega-ssl/mega/gomlxssl/results"
)

// comparisonView is the table of every method with results, under the
// protocol each run recorded.
type comparisonView struct {
	Columns   []string
	Rows      []comparisonRow
	Baselines []comparisonRow
	Protocols []string
	// Settings are the distinct data, batch, seed and backend the rows ran
	// with (one line each), so the "epochs" column can stay narrow.
	Settings []string
	// Command runs the experiments the table covers, shown while none has results.
	Command string
	// Pretext is set when a run measured a pretext task (its column is shown).
	Pretext bool
	// Dataset names the data of every row when a directive's runs span
	// several datasets (one table each); empty otherwise.
	Dataset string
	// Level is set when a column's top is level with other rows within the
	// uncertainty (≈ marks): the table's note explains the marks.
	Level bool
	// NotRun are the methods the table should have and has no run of.
	NotRun []string
	// Curves are the rows' kNN curves as JSON (curvesJSON), drawn by the
	// page's script as one chart the reader can pick runs in.
	Curves string
}

type comparisonRow struct {
	Name, Anchor, Note string
	Cells              []cell
}

// comparisonColumns are the table's columns; all but the last ("run") are
// numbers compared for the best mark. A table whose runs include a pretext
// task gets its accuracy as one more column.
// The heads' "top‑1" has a non-breaking hyphen (as the leaderboard's).
var comparisonColumns = []string{"kNN top\u20111", "linear top\u20111", "linear top\u20115", "1% labels: kNN", "1% labels: linear", "effective rank", "epochs"}

// comparison builds the table over the runs (in page order, variants after
// their experiment) with their anchors; missing are the titles of the
// methods the table should have and has no run of, named once under it
// (NotRun) rather than as rows of dashes.
func comparison(runs []*Experiment, anchors map[string]string, missing ...string) *comparisonView {
	pretext := slices.ContainsFunc(runs, func(e *Experiment) bool { return e.Run != nil && e.Run.Metrics.PretextAccuracy != nil })
	c := &comparisonView{Columns: comparisonColumns, Pretext: pretext}
	if pretext {
		c.Columns = slices.Insert(slices.Clone(comparisonColumns), 6, "pretext-task accuracy")
	}
	datasets := map[string]bool{}
	for _, e := range runs {
		if e.Run != nil {
			datasets[e.Run.Dataset.Name] = true
		}
	}
	var rows []scoredRow
	var groups []string // the data strings of the rows, once each
	seenBaseline := map[string]bool{}
	seenProtocol := map[string]bool{}
	for _, e := range runs {
		r := e.Run
		if r == nil || r.Status == results.StatusFailed {
			continue
		}
		s := runRow(e, anchors, pretext)
		if setting := runSetting(e, s.data); !slices.Contains(c.Settings, setting) {
			c.Settings = append(c.Settings, setting)
		}
		rows = append(rows, s)
		if !slices.Contains(groups, s.data) {
			groups = append(groups, s.data)
		}
		c.Baselines = append(c.Baselines, baselineRows(r, s.data, pretext, len(datasets) > 1, seenBaseline)...)
		if r.Protocol != "" && !seenProtocol[r.Protocol] {
			seenProtocol[r.Protocol] = true
			c.Protocols = append(c.Protocols, r.Protocol)
		}
	}
	c.mark(rows, groups)
	for _, s := range rows {
		c.Rows = append(c.Rows, s.row)
	}
	c.NotRun = missing
	return c
}

// scoredRow is a run's row of the comparison, whether it may take a best
// mark, and its data: runs compete for the best mark only on the same data.
type scoredRow struct {
	row      comparisonRow
	eligible bool
	data     string
}

// runSetting is the line under the table that says how run e was made.
func runSetting(e *Experiment, data string) string {
	r := e.Run
	seed := "seed " + configString(r, "seed")
	if e.Seeds != nil { // the row is the mean of its seeds
		seed = "seeds " + results.SeedList(e.Seeds.Seeds)
	}
	return fmt.Sprintf("%s (train/test images), encoder %s, batch %s, %s, %s backend", data, configString(r, "encoder"),
		configString(r, "batch"), seed, r.Env.Backend)
}

// epochsCell is a row's epochs, or a dash for the random-init encoder.
func epochsCell(epochs int) cell {
	if epochs == 0 {
		return cell{Text: "—"}
	}
	return cell{Text: fmt.Sprint(epochs)}
}

// onePctCell is a 1%-labels accuracy, or a dash for a run from before
// that setting (few is false).
func onePctCell(few bool, v float64, n int) cell {
	if !few {
		return dash
	}
	return accuracy(v, n)
}

// runRow is experiment e's row: its figures with their intervals (the
// mean ± sd of its seeds where it has them), and a note where it is not a
// result to compare (collapsed, partial, pre-trained with labels, a
// smoke test).
func runRow(e *Experiment, anchors map[string]string, pretext bool) scoredRow {
	r := e.Run
	data := fmt.Sprintf("%s %d/%d", r.Dataset.Name, r.Dataset.Train, r.Dataset.Test)
	m, n := r.Metrics, r.Dataset.Test
	few := m.OnePctLabels > 0 // runs from before the 1%-labels setting have none
	linear, linear5 := accuracy(m.LinearTop1, n), top5(r, m.LinearTop5)
	if !r.LinearProbed() {
		linear, linear5 = dash, dash
	}
	// The table is of one dataset, which its heading names: "SimCLR",
	// not "SimCLR on Fashion-MNIST" in every row.
	name := strings.TrimSuffix(r.Title, " on "+results.DatasetTitle(r.Dataset.Name))
	row := comparisonRow{Name: name, Anchor: anchors[e.Name], Cells: []cell{
		accuracy(m.KNNTop1, n), linear, linear5,
		onePctCell(few, m.KNNTop1OnePct, n), onePctCell(few, m.LinearTop1OnePct, n), {Text: num(m.EffectiveRank, 1)},
		epochsCell(m.Epochs),
	}}
	if e.Seeds != nil {
		seedCells(row.Cells, e.Seeds, n)
		row.Note = fmt.Sprintf("mean ± sd of %d seeds", len(e.Seeds.Seeds))
	}
	switch {
	case r.Collapsed:
		row.Note = "collapsed: not a result"
	case r.Status == results.StatusPartial:
		row.Note = fmt.Sprintf("partial: %d of %s epochs", m.Epochs, configString(r, "epochs"))
	case r.Labels:
		row.Note = "pre-trained with labels"
	}
	if pretext {
		c := dash
		if a := m.PretextAccuracy; a != nil {
			c = accuracy(*a, n)
		}
		row.Cells = slices.Insert(row.Cells, 6, c)
	}
	// A collapsed run is not a result, and a run that saw labels is not
	// self-supervised: neither takes a best mark.
	// A quick-preset run is a smoke test, not a result: shown, never marked.
	quick := configString(r, "preset") == "quick"
	if quick && row.Note == "" {
		row.Note = "quick preset: a smoke test"
	}
	row.Note = withReference(row.Note, e)
	return scoredRow{row: row, eligible: !r.Collapsed && !r.Labels && !quick, data: data}
}

// baselineRows are the rows of run r's baselines not shown yet (seen):
// the random-init and supervised encoders, and the raw pixels once per
// data; on names the data where the table spans several.
func baselineRows(r *results.Run, data string, pretext, on bool, seen map[string]bool) []comparisonRow {
	enc := configString(r, "encoder")
	// By value: runs that measured the same baselines (read from one
	// cache) show them once. (Not %+v of Baselines: its pointer to the
	// raw pixels' figures printed an address, different for every run.)
	key := fmt.Sprintf("%s|%s|%+v|%+v", data, enc, r.Baselines.RandomInit, r.Baselines.Supervised)
	if seen[key] {
		return nil
	}
	seen[key] = true
	bl, n, few := r.Baselines, r.Dataset.Test, r.Metrics.OnePctLabels > 0
	suffix := "" // a table over several datasets says which baseline is whose
	if on {
		suffix = " on " + r.Dataset.Name
	}
	type floor struct {
		name string
		v    results.Baseline
	}
	floors := []floor{{"random-init " + enc + suffix, bl.RandomInit}, {fmt.Sprintf("supervised %s%s (%d epochs)", enc, suffix, bl.Supervised.Epochs), bl.Supervised}}
	if px := bl.RawPixels; px != nil && !seen[data+"|pixels"] { // one row per data, whatever the encoder
		seen[data+"|pixels"] = true
		floors = slices.Insert(floors, 0, floor{"raw pixels" + suffix, *px})
	}
	var rows []comparisonRow
	for _, b := range floors {
		cells := []cell{
			accuracy(b.v.KNNTop1, n), accuracy(b.v.LinearTop1, n), top5(r, b.v.LinearTop5),
			onePctCell(few, b.v.KNNTop1OnePct, n), onePctCell(few, b.v.LinearTop1OnePct, n), dash,
			epochsCell(b.v.Epochs),
		}
		if pretext {
			cells = slices.Insert(cells, 6, dash)
		}
		rows = append(rows, comparisonRow{Name: b.name, Cells: cells})
	}
	return rows
}

// mark gives the best marks: within one data, a column's top takes ★ only
// when it is ahead of every other eligible row by more than their combined
// uncertainty (apart); otherwise the rows level with the top take ≈.
func (c *comparisonView) mark(rows []scoredRow, groups []string) {
	for col := range len(c.Columns) - 1 {
		switch c.Columns[col] {
		case "effective rank", // a spread, not a score: more is not better
			"pretext-task accuracy": // of different tasks: not comparable
			continue
		}
		for _, data := range groups {
			var in []*cell // the column's scored cells of eligible rows on this data
			n := 0
			for i := range rows {
				if rows[i].data != data {
					continue
				}
				n++
				if cl := &rows[i].row.Cells[col]; rows[i].eligible && cl.scored {
					in = append(in, cl)
				}
			}
			if n < 2 || len(in) == 0 {
				continue
			}
			c.markTop(in)
		}
	}
}

// markTop marks the best of one column's eligible cells on one data.
func (c *comparisonView) markTop(in []*cell) {
	top := in[0]
	for _, cl := range in {
		if cl.value > top.value {
			top = cl
		}
	}
	leads := true
	for _, cl := range in {
		if cl != top && !apart(*top, *cl) {
			leads = false
		}
	}
	if leads {
		top.Best = true
		return
	}
	for _, cl := range in {
		if !apart(*top, *cl) {
			cl.Level = true
			c.Level = true
		}
	}
}

// top5 is a top-5 accuracy, or a dash for data of five classes or fewer,
// where every class is in the top five.
func top5(r *results.Run, v float64) cell {
	if r.Dataset.Classes <= 5 {
		return dash
	}
	return accuracy(v, r.Dataset.Test)
}
