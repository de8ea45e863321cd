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
// methods the table should have and has no run of, shown as "not run" rows.
func comparison(runs []*Experiment, anchors map[string]string, missing ...string) *comparisonView {
	pretext := slices.ContainsFunc(runs, func(e *Experiment) bool { return e.Run != nil && e.Run.Metrics.PretextAccuracy != nil })
	c := &comparisonView{Columns: comparisonColumns, Pretext: pretext}
	if pretext {
		c.Columns = slices.Insert(slices.Clone(comparisonColumns), 6, "pretext-task accuracy")
	}
	numericColumns := len(c.Columns) - 1
	type scored struct {
		row      comparisonRow
		eligible bool
		data     string // runs compete for the best mark only on the same data
	}
	datasets := map[string]bool{}
	for _, e := range runs {
		if e.Run != nil {
			datasets[e.Run.Dataset.Name] = true
		}
	}
	var rows []scored
	var groups []string // the data strings of the rows, once each
	seenBaseline := map[string]bool{}
	seenProtocol := map[string]bool{}
	for _, e := range runs {
		r := e.Run
		if r == nil || r.Status == results.StatusFailed {
			continue
		}
		data := fmt.Sprintf("%s %d/%d", r.Dataset.Name, r.Dataset.Train, r.Dataset.Test)
		seed := "seed " + configString(r, "seed")
		if e.Seeds != nil { // the row is the mean of its seeds
			seed = "seeds " + results.SeedList(e.Seeds.Seeds)
		}
		setting := fmt.Sprintf("%s (train/test images), encoder %s, batch %s, %s, %s backend", data, configString(r, "encoder"),
			configString(r, "batch"), seed, r.Env.Backend)
		if !slices.Contains(c.Settings, setting) {
			c.Settings = append(c.Settings, setting)
		}
		runText := func(epochs int) string {
			if epochs == 0 {
				return "—" // the random-init encoder
			}
			return fmt.Sprint(epochs)
		}
		m := r.Metrics
		n := r.Dataset.Test
		few := m.OnePctLabels > 0 // runs from before the 1%-labels setting have none
		onePct := func(v float64) cell {
			if !few {
				return dash
			}
			return accuracy(v, n)
		}
		linear, linear5 := accuracy(m.LinearTop1, n), top5(r, m.LinearTop5)
		if !r.LinearProbed() {
			linear, linear5 = dash, dash
		}
		// The table is of one dataset, which its heading names: "SimCLR",
		// not "SimCLR on Fashion-MNIST" in every row.
		name := strings.TrimSuffix(r.Title, " on "+results.DatasetTitle(r.Dataset.Name))
		row := comparisonRow{Name: name, Anchor: anchors[e.Name], Cells: []cell{
			accuracy(m.KNNTop1, n), linear, linear5,
			onePct(m.KNNTop1OnePct), onePct(m.LinearTop1OnePct), {Text: num(m.EffectiveRank, 1)},
			{Text: runText(m.Epochs)},
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
		rows = append(rows, scored{row: row, eligible: !r.Collapsed && !r.Labels && !quick, data: data})
		if !slices.Contains(groups, data) {
			groups = append(groups, data)
		}
		enc := configString(r, "encoder")
		// By value: runs that measured the same baselines (read from one
		// cache) show them once. (Not %+v of Baselines: its pointer to the
		// raw pixels' figures printed an address, different for every run.)
		key := fmt.Sprintf("%s|%s|%+v|%+v", data, enc, r.Baselines.RandomInit, r.Baselines.Supervised)
		if !seenBaseline[key] {
			seenBaseline[key] = true
			bl := r.Baselines
			on := "" // a table over several datasets says which baseline is whose
			if len(datasets) > 1 {
				on = " on " + r.Dataset.Name
			}
			floors := []struct {
				name string
				v    results.Baseline
			}{{"random-init " + enc + on, bl.RandomInit}, {fmt.Sprintf("supervised %s%s (%d epochs)", enc, on, bl.Supervised.Epochs), bl.Supervised}}
			if px := bl.RawPixels; px != nil && !seenBaseline[data+"|pixels"] { // one row per data, whatever the encoder
				seenBaseline[data+"|pixels"] = true
				floors = slices.Insert(floors, 0, struct {
					name string
					v    results.Baseline
				}{"raw pixels" + on, *px})
			}
			for _, b := range floors {
				cells := []cell{
					accuracy(b.v.KNNTop1, n), accuracy(b.v.LinearTop1, n), top5(r, b.v.LinearTop5),
					onePct(b.v.KNNTop1OnePct), onePct(b.v.LinearTop1OnePct), dash,
					{Text: runText(b.v.Epochs)},
				}
				if pretext {
					cells = slices.Insert(cells, 6, dash)
				}
				c.Baselines = append(c.Baselines, comparisonRow{Name: b.name, Cells: cells})
			}
		}
		if r.Protocol != "" && !seenProtocol[r.Protocol] {
			seenProtocol[r.Protocol] = true
			c.Protocols = append(c.Protocols, r.Protocol)
		}
	}
	// The marks: within one data, a column's top takes ★ only when it is
	// ahead of every other eligible row by more than their combined
	// uncertainty (apart); otherwise the rows level with the top take ≈.
	for col := range numericColumns {
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
				continue
			}
			for _, cl := range in {
				if !apart(*top, *cl) {
					cl.Level = true
					c.Level = true
				}
			}
		}
	}
	for _, s := range rows {
		c.Rows = append(c.Rows, s.row)
	}
	for _, name := range missing {
		cells := make([]cell, len(c.Columns))
		for i := range cells {
			cells[i] = dash
		}
		c.Rows = append(c.Rows, comparisonRow{Name: name, Note: "not run", Cells: cells})
	}
	return c
}

// top5 is a top-5 accuracy, or a dash for data of five classes or fewer,
// where every class is in the top five.
func top5(r *results.Run, v float64) cell {
	if r.Dataset.Classes <= 5 {
		return dash
	}
	return accuracy(v, r.Dataset.Test)
}
