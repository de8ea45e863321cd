package site

import (
	"fmt"
	"slices"

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
}

type comparisonRow struct {
	Name, Anchor, Note string
	Cells              []comparisonCell
}

type comparisonCell struct {
	Text       string
	Best, Wrap bool
}

// comparisonColumns are the table's columns; all but the last ("run") are
// numbers compared for the best mark. A table whose runs include a pretext
// task gets its accuracy as one more column.
var comparisonColumns = []string{"kNN top-1", "linear top-1", "linear top-5", "1% labels: kNN", "1% labels: linear", "effective rank", "epochs"}

// comparison builds the table over the runs (in page order, variants after
// their experiment) with their anchors.
func comparison(runs []*Experiment, anchors map[string]string) *comparisonView {
	pretext := slices.ContainsFunc(runs, func(e *Experiment) bool { return e.Run != nil && e.Run.Metrics.PretextAccuracy != nil })
	c := &comparisonView{Columns: comparisonColumns, Pretext: pretext}
	if pretext {
		c.Columns = slices.Insert(slices.Clone(comparisonColumns), 6, "pretext-task accuracy")
	}
	numericColumns := len(c.Columns) - 1
	type scored struct {
		row      comparisonRow
		values   []float64 // the numeric columns, for best-marking; NaN-free
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
		setting := fmt.Sprintf("%s (train/test images), encoder %s, batch %s, seed %s, %s backend", data, configString(r, "encoder"),
			configString(r, "batch"), configString(r, "seed"), r.Env.Backend)
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
		few := m.OnePctLabels > 0 // runs from before the 1%-labels setting have none
		onePct := func(v float64) comparisonCell {
			if !few {
				return comparisonCell{Text: "—"}
			}
			return comparisonCell{Text: pct(v)}
		}
		row := comparisonRow{Name: r.Title, Anchor: anchors[e.Name], Cells: []comparisonCell{
			{Text: pct(m.KNNTop1)}, {Text: pct(m.LinearTop1)}, top5(r, m.LinearTop5),
			onePct(m.KNNTop1OnePct), onePct(m.LinearTop1OnePct), {Text: num(m.EffectiveRank, 1)},
			{Text: runText(m.Epochs)},
		}}
		switch {
		case r.Collapsed:
			row.Note = "collapsed: not a result"
		case r.Status == results.StatusPartial:
			row.Note = fmt.Sprintf("partial: %d of %s epochs", m.Epochs, configString(r, "epochs"))
		case r.Labels:
			row.Note = "pre-trained with labels"
		}
		values := []float64{m.KNNTop1, m.LinearTop1, m.LinearTop5, m.KNNTop1OnePct, m.LinearTop1OnePct, m.EffectiveRank}
		if !few {
			values[3], values[4] = -1, -1
		}
		if r.Dataset.Classes <= 5 {
			values[2] = -1 // top-5 of five classes or fewer: always 100%
		}
		if pretext {
			cell := comparisonCell{Text: "—"}
			values = append(values, -1)
			if a := m.PretextAccuracy; a != nil {
				cell.Text, values[6] = pct(*a), *a
			}
			row.Cells = slices.Insert(row.Cells, 6, cell)
		}
		// A collapsed run is not a result, and a run that saw labels is not
		// self-supervised: neither takes a best mark.
		rows = append(rows, scored{row: row, values: values, eligible: !r.Collapsed && !r.Labels, data: data})
		if !slices.Contains(groups, data) {
			groups = append(groups, data)
		}
		enc := configString(r, "encoder")
		key := fmt.Sprintf("%s|%s|%+v", data, enc, r.Baselines)
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
				cells := []comparisonCell{
					{Text: pct(b.v.KNNTop1)}, {Text: pct(b.v.LinearTop1)}, top5(r, b.v.LinearTop5),
					onePct(b.v.KNNTop1OnePct), onePct(b.v.LinearTop1OnePct), {Text: "—"},
					{Text: runText(b.v.Epochs)},
				}
				if pretext {
					cells = slices.Insert(cells, 6, comparisonCell{Text: "—"})
				}
				c.Baselines = append(c.Baselines, comparisonRow{Name: b.name, Cells: cells})
			}
		}
		if r.Protocol != "" && !seenProtocol[r.Protocol] {
			seenProtocol[r.Protocol] = true
			c.Protocols = append(c.Protocols, r.Protocol)
		}
	}
	for col := range numericColumns {
		switch c.Columns[col] {
		case "effective rank", // a spread, not a score: more is not better
			"pretext-task accuracy": // of different tasks: not comparable
			continue
		}
		for _, data := range groups {
			best, n := -1.0, 0
			for _, s := range rows {
				if s.data == data {
					n++
					if s.eligible && s.values[col] > best {
						best = s.values[col]
					}
				}
			}
			if best < 0 || n < 2 {
				continue
			}
			for i, s := range rows {
				if s.data == data && s.eligible && s.values[col] == best {
					rows[i].row.Cells[col].Best = true
				}
			}
		}
	}
	for _, s := range rows {
		c.Rows = append(c.Rows, s.row)
	}
	return c
}

// top5 is a top-5 accuracy, or a dash for data of five classes or fewer,
// where every class is in the top five.
func top5(r *results.Run, v float64) comparisonCell {
	if r.Dataset.Classes <= 5 {
		return comparisonCell{Text: "—"}
	}
	return comparisonCell{Text: pct(v)}
}
