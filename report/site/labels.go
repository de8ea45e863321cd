package site

// The talk's headline claim — a pre-trained encoder, fine-tuned on a few
// labels, beats the same network trained on them from scratch — as its
// Table 1 per dataset (the @labels directive), beside the figures the talk
// published, with a sentence that says from the runs whether the claim holds
// and the label-efficiency chart. Every figure of the fine-tuning protocols
// is read from run.json's self-describing scores (results.Score): a new
// protocol's columns appear here without a line of this file.

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/mega-ssl/mega/gomlxssl/data"
	"github.com/mega-ssl/mega/gomlxssl/results"
)

// labelsView is one dataset's Table 1.
type labelsView struct {
	Dataset   string
	Columns   []string
	Published []string
	Rows      []labelsRow
	// Claim says, from the figures, whether pre-training beats supervised
	// learning at each fraction of the labels, and by how much.
	Claim []string
	// Chart is the label-efficiency chart (accuracy against the fraction
	// of labels, log axis) for the page's script.
	Chart        string
	ChartCaption string
	// FigureID, FigureNumber and Part number the chart (a part per
	// dataset: 5a, 5b).
	FigureID, FigureNumber, Part string
	Protocols                    []string
	Command                      string
	// Note labels the published figures.
	Note string
}

type labelsRow struct {
	Name, Anchor, Note string
	Baseline           bool
	Cells, Published   []cell
}

// publishedColumns and published are the talk's Table 1 (its companion
// report: CIFAR-10, ResNet-18; SimCLR and SwAV stopped at 100 epochs;
// ../shared/deck.md), by experiment; "supervised" is its supervised row.
var publishedColumns = []string{"1% kNN", "1% semi-sup.", "100% kNN", "100% linear top\u20111", "top\u20115"}

func published(name string) []string {
	switch name {
	case "membank":
		return []string{"38.10", "46.33", "61.65", "52.10", "97.8"}
	case "moco":
		return []string{"69.57", "73.36", "85.20", "81.54", "99.19"}
	case "simclr":
		return []string{"57.02", "59.20", "67.92", "62.50", "88.73"}
	case "swav":
		return []string{"64.37", "70.10", "—", "80.96", "99.61"}
	case "supervised":
		return []string{"—", "40.00", "—", "85.02", "—"}
	}
	return nil
}

// publishedNote labels the talk's figures as published, with their protocol.
const publishedNote = "Published: the talk's Table 1 (its companion report), CIFAR-10 with a ResNet-18, SimCLR and SwAV stopped at 100 epochs; semi-supervised = fine-tuned on 1% of the labels."

// chooseRun picks an experiment's row on one dataset among its runs there:
// the talk's comparison budget (-preset-budget) first, then a run with the
// fine-tuning figures, then one with seeds; never another seed's run, a
// collapsed or an unfinished one, or a smoke test (the quick preset).
func chooseRun(runs []*Experiment, name string) *Experiment {
	var best *Experiment
	score := -1
	for _, e := range runs {
		r := e.Run
		if r.Experiment != name || r.Status != results.StatusComplete || r.Collapsed || configString(r, "seed") != "1" || configString(r, "preset") == "quick" {
			continue
		}
		s := 0
		if slices.Contains(r.Args, "-preset-budget=true") {
			s += 4
		}
		if len(r.Scores) > 0 {
			s += 2
		}
		if e.Seeds != nil {
			s++
		}
		if s > score {
			best, score = e, s
		}
	}
	return best
}

// labelTables builds Table 1 for each dataset the named experiments ran on.
func labelTables(runs []*Experiment, anchors map[string]string, names []string, command, figID, figNum string) []*labelsView {
	var out []*labelsView
	groups := byDataset(runs)
	for _, g := range groups {
		v := labelTable(g.runs, anchors, names)
		if v == nil {
			continue
		}
		v.Dataset, v.Command = results.DatasetTitle(g.name), command
		v.FigureID, v.FigureNumber = figID+"-"+g.name, figNum
		out = append(out, v)
	}
	if len(out) > 1 { // one numbered figure, a part per dataset
		for i, v := range out {
			v.Part = string(rune('a' + i))
		}
	}
	if len(out) == 0 {
		out = []*labelsView{{Command: command}}
	}
	return out
}

// figure is a value with its uncertainty: a run's (the test set's Wilson
// interval) or the mean of its seeds (their values, for paired gains).
type figure struct {
	value, half float64
	seeds       []float64
	ok          bool
}

func (f figure) cell(n int) cell {
	if !f.ok {
		return dash
	}
	if len(f.seeds) > 1 {
		return spread(results.SpreadOf(f.seeds), n)
	}
	return accuracy(f.value, n)
}

// lookup finds a figure of a run: a frozen probe by its aggregate key, or
// a protocol's score; with its seeds' values where it has an aggregate
// (prefix names a baseline's figures in it: "scratch:").
func lookup(r *results.Run, agg *results.Seeds, prefix, key string, value float64, ok bool) figure {
	f := figure{value: value, ok: ok}
	if ok {
		lo, hi := results.Wilson(value, r.Dataset.Test, results.Z95)
		f.half = (hi - lo) / 2
	}
	if agg != nil {
		if s, found := agg.Metrics[prefix+key]; found && len(s.Values) > 1 {
			f.value, f.seeds, f.ok = s.Mean, s.Values, true
		}
	}
	return f
}

func scoreOf(s results.Scores, key string) (float64, bool) {
	sc, ok := s.Get(key)
	return sc.Value, ok
}

// labelTable is Table 1 on one dataset; nil when no named method has a
// run with the fine-tuning figures there.
func labelTable(runs []*Experiment, anchors map[string]string, names []string) *labelsView {
	var chosen []*Experiment
	for _, n := range names {
		if e := chooseRun(runs, n); e != nil && len(e.Run.Scores) > 0 {
			chosen = append(chosen, e)
		}
	}
	if len(chosen) == 0 {
		return nil
	}
	var lists []results.Scores
	for _, e := range chosen {
		lists = append(lists, e.Run.Scores)
	}
	t := table1{v: &labelsView{Published: publishedColumns, Note: publishedNote}, tuned: results.KeyOrder(lists...),
		first: chosen[0].Run, n: chosen[0].Run.Dataset.Test,
		chart: chartSpec{Unit: "%", Label: "top-1 on the test split (%)", XLog: true, XTicks: []int{1, 10, 100},
			XLabel: "labelled training images (% of each class, log scale)"}}
	t.v.Columns = append(t.v.Columns, "1% labels: kNN")
	for _, s := range t.tuned {
		t.v.Columns = append(t.v.Columns, s.Title)
	}
	t.v.Columns = append(t.v.Columns, "all labels: kNN", "all labels: linear top\u20111", "top\u20115")
	for _, e := range chosen {
		t.method(e, anchors[e.Name])
	}
	// The baselines of the run with the most seeds (the runs of one model
	// seed share them: they are cached by it), so that they show their mean
	// ± sd where any method has several seeds, with the figures of recipes
	// only another run measured (a -finetune crop-flip resume) added.
	base := mostSeeded(chosen)
	bl := base.Run.Baselines
	for _, e := range chosen {
		if e != base {
			bl.Scratch, bl.Practitioner = bl.Scratch.With(e.Run.Baselines.Scratch), bl.Practitioner.With(e.Run.Baselines.Practitioner)
		}
	}
	t.fromScratch(bl.Scratch, "scratch:", "supervised", base.Seeds)
	t.fromScratch(bl.Practitioner, "practitioner:", "", base.Seeds)
	if px := bl.RawPixels; px != nil {
		t.pixels(px)
	}
	v := t.v
	v.Claim = claim(chosen, base, t.tuned, bl)
	if j, err := json.Marshal(t.chart); err == nil {
		v.Chart = string(j)
	}
	v.ChartCaption = fmt.Sprintf("Label efficiency on %s: top-1 on the %s test images against the share of the training labels, "+
		"for each method fine-tuned from its pre-training (solid) and the networks trained on the same labels "+
		"from scratch with the same recipe, beside the raw pixels' linear probe (dashed); each band is ± the standard deviation over seeds where a line has seeds, "+
		"else the 95%% interval over the test images.", results.DatasetTitle(t.first.Dataset.Name), thousands(t.n))
	return v
}

// mostSeeded is the chosen run with the most seeds (the first where none
// has several): the one whose baselines' figures over seeds Table 1 shows.
func mostSeeded(chosen []*Experiment) *Experiment {
	base := chosen[0]
	for _, e := range chosen {
		if e.Seeds != nil && (base.Seeds == nil || len(e.Seeds.Seeds) > len(base.Seeds.Seeds)) {
			base = e
		}
	}
	return base
}

// table1 is Table 1 on one dataset as it is built, with its chart: the
// protocols' columns (tuned), the first chosen run (whose baselines the
// table shows) and its test size.
type table1 struct {
	v     *labelsView
	chart chartSpec
	tuned []results.Score
	first *results.Run
	n     int
}

// method adds experiment e's row and its fine-tuned line.
func (t *table1) method(e *Experiment, anchor string) {
	r, m, n := e.Run, e.Run.Metrics, t.n
	row := labelsRow{Name: strings.TrimSuffix(r.Title, " on "+results.DatasetTitle(r.Dataset.Name)), Anchor: anchor,
		Published: publishedCells(r.Experiment)}
	row.Cells = append(row.Cells, lookup(r, e.Seeds, "", "knn_top1_1pct", m.KNNTop1OnePct, m.OnePctLabels > 0).cell(n))
	line := chartLine{Name: row.Name + " (fine-tuned)"}
	for _, s := range t.tuned {
		val, ok := scoreOf(r.Scores, s.Key)
		f := lookup(r, e.Seeds, "", s.Key, val, ok)
		row.Cells = append(row.Cells, f.cell(n))
		if ok && s.Kind == "fine-tuned" {
			addPoint(&line, s.Fraction, f)
		}
	}
	row.Cells = append(row.Cells, lookup(r, e.Seeds, "", "knn_top1", m.KNNTop1, true).cell(n),
		lookup(r, e.Seeds, "", "linear_top1", m.LinearTop1, true).cell(n), top5(r, m.LinearTop5))
	if e.Seeds != nil {
		row.Note = fmt.Sprintf("mean ± sd of %d seeds", len(e.Seeds.Seeds))
	}
	row.Note = withReference(row.Note, e)
	t.v.Rows = append(t.v.Rows, row)
	t.chart.Lines = append(t.chart.Lines, line)
	if !slices.Contains(t.v.Protocols, r.Protocol) {
		t.v.Protocols = append(t.v.Protocols, r.Protocol)
	}
	for _, s := range r.Scores {
		if p := s.Title + ": " + s.Protocol + "."; !slices.ContainsFunc(t.v.Protocols, func(q string) bool { return strings.HasPrefix(q, s.Title+":") }) {
			t.v.Protocols = append(t.v.Protocols, p)
		}
	}
}

// fromScratch adds the row and dashed line of a network trained from
// scratch on the same labels (nil: none), its figures over the seeds of
// agg under prefix ("scratch:"); published names the talk's row beside it.
func (t *table1) fromScratch(b *results.LabelBaseline, prefix, published string, agg *results.Seeds) {
	if b == nil {
		return
	}
	n := t.n
	row := labelsRow{Name: b.Title, Baseline: true, Cells: []cell{dash}, Published: publishedCells(published)}
	line := chartLine{Name: b.Title, Dash: true}
	for _, s := range t.tuned {
		val, ok := scoreOf(b.Scores, s.Key)
		f := lookup(t.first, agg, prefix, s.Key, val, ok)
		row.Cells = append(row.Cells, f.cell(n))
		if ok && s.Kind == "fine-tuned" {
			addPoint(&line, s.Fraction, f)
		}
	}
	all := dash
	for _, s := range b.Scores {
		if s.Fraction >= 1 && s.Kind == "fine-tuned" {
			f := lookup(t.first, agg, prefix, s.Key, s.Value, true)
			all = f.cell(n)
			addPoint(&line, 1, f)
			row.Note = b.Name + "; all labels: " + scratchBudget(s.Protocol)
		}
	}
	// The baseline's protocol lines where they are not the methods'
	// (all of the labels; the plain convnet's longer budget).
	for _, s := range b.Scores {
		if !slices.ContainsFunc(t.v.Protocols, func(q string) bool { return strings.HasSuffix(q, ": "+s.Protocol+".") }) {
			t.v.Protocols = append(t.v.Protocols, s.Title+", "+b.Title+": "+s.Protocol+".")
		}
	}
	row.Cells = append(row.Cells, dash, all, dash)
	t.v.Rows = append(t.v.Rows, row)
	t.chart.Lines = append(t.chart.Lines, line)
}

// pixels adds the raw pixels' row: their linear probe in the fine-tuned
// columns, and its dashed line.
func (t *table1) pixels(px *results.Baseline) {
	n := t.n
	row := labelsRow{Name: "raw pixels", Baseline: true, Note: "linear probe in the fine-tuned columns",
		Cells: []cell{accuracy(px.KNNTop1OnePct, n)}, Published: publishedCells("")}
	line := chartLine{Name: "raw pixels (linear probe)", Dash: true}
	for _, s := range t.tuned {
		c := dash
		if i := slices.IndexFunc(px.Scores, func(p results.Score) bool { return p.Kind == "linear probe" && p.Fraction == s.Fraction }); i >= 0 {
			c = accuracy(px.Scores[i].Value, n)
		}
		row.Cells = append(row.Cells, c)
	}
	for _, p := range px.Scores {
		addPoint(&line, p.Fraction, lookup(t.first, nil, "", p.Key, p.Value, true))
	}
	row.Cells = append(row.Cells, accuracy(px.KNNTop1, n), accuracy(px.LinearTop1, n), top5(t.first, px.LinearTop5))
	t.v.Rows = append(t.v.Rows, row)
	if len(line.X) > 0 {
		t.chart.Lines = append(t.chart.Lines, line)
	}
}

// addPoint adds a figure at fraction f (as a percentage) to a chart line,
// with its band: the standard deviation over seeds, or one run's 95%
// interval.
func addPoint(l *chartLine, f float64, fig figure) {
	l.X = append(l.X, int(math.Round(100*f)))
	l.Y = append(l.Y, round(100*fig.value, 4))
	band := fig.half
	if len(fig.seeds) > 1 {
		band = results.SpreadOf(fig.seeds).SD
	}
	l.SD = append(l.SD, round(100*band, 3))
}

func publishedCells(name string) []cell {
	p := published(name)
	if p == nil {
		p = []string{"—", "—", "—", "—", "—"}
	}
	out := make([]cell, len(p))
	for i, t := range p {
		out[i] = cell{Text: t}
	}
	return out
}

// scratchBudget is the training budget a protocol line states ("10 epochs
// (9370 steps)"), for a baseline row's note; the whole line is under the
// table.
func scratchBudget(protocol string) string {
	for _, part := range strings.Split(protocol, ", ") {
		if strings.Contains(part, "epochs (") || strings.HasSuffix(part, " steps") {
			return part
		}
	}
	return "trained end to end"
}

// labelsCommand is the command that measures Table 1 for the methods named:
// the group on Fashion-MNIST at one budget.
func labelsCommand(names []string) string {
	return "go run run.go run " + strings.Join(names, " ") + " -- -dataset " + data.FashionMNISTName + " -preset-budget"
}
