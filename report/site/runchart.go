package site

// Every run's two curves — its training loss and its kNN monitor per epoch —
// are drawn by the page's script from the run's metrics.csv, not embedded as
// the SVGs the run wrote beside them: a chart as data is a few hundred bytes
// where gonum's SVG is five to ten thousand (with fifty runs on the page, the
// difference between a page under 1.5 MB and one over it), and the page's
// own drawing follows its font, its dark mode and the pointer (each epoch's
// value on hover). A run without a readable metrics.csv keeps its SVG.

import (
	"encoding/json"
	"fmt"
	"html/template"
	"math"

	"github.com/mega-ssl/mega/gomlxssl/results"
)

// chartSpec is a chart for the page's script (templates/script.js): lines
// over epochs and horizontal reference lines, in one unit ("%" or "").
type chartSpec struct {
	Unit  string      `json:"unit"`
	Label string      `json:"label"`
	Lines []chartLine `json:"lines"`
	Refs  []chartRef  `json:"refs,omitempty"`
	// XLog draws x on a log axis with ticks at XTicks, under XLabel (the
	// label-efficiency chart: percentages of the labels); by default x is
	// the epoch, on a linear axis.
	XLog   bool   `json:"xlog,omitempty"`
	XTicks []int  `json:"xticks,omitempty"`
	XLabel string `json:"xlabel,omitempty"`
}

type chartLine struct {
	Name string    `json:"name"`
	X    []int     `json:"x"`
	Y    []float64 `json:"y"`
	SD   []float64 `json:"sd,omitempty"` // a band of ± SD around Y (a mean over seeds)
	// Dash draws the line dashed: a baseline's.
	Dash bool `json:"dash,omitempty"`
}

type chartRef struct {
	Name  string  `json:"name"`
	Value float64 `json:"v"`
}

// drawnCharts are the figure files the page draws itself, from metrics.csv
// (and knn-seeds.svg from the aggregate over seeds, seeds.json).
var drawnCharts = map[string]bool{"loss.svg": true, "knn.svg": true}

// runChart is the chart that the figure file of run r shows, as the JSON
// of a chartSpec, when the page can draw it from the run's metrics rows (or,
// for the seeds' kNN figure, from their aggregate agg); false for any other
// figure, or when the rows are missing or not finite.
func runChart(file string, r *results.Run, rows []results.EpochRow, agg *results.Seeds) (template.HTMLAttr, bool) {
	if file == "knn-seeds.svg" {
		return seedsChart(r, agg)
	}
	if !drawnCharts[file] || len(rows) == 0 {
		return "", false
	}
	line := chartLine{Name: r.Title}
	spec := chartSpec{}
	for _, row := range rows {
		v := row.Loss
		if file == "knn.svg" {
			v = 100 * row.KNNTop1
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return "", false
		}
		line.X, line.Y = append(line.X, row.Epoch), append(line.Y, round(v, 4))
	}
	spec.Lines = []chartLine{line}
	switch file {
	case "loss.svg":
		spec.Label = "training loss"
	case "knn.svg":
		spec.Unit, spec.Label = "%", "kNN top-1 (%)"
		b := r.Baselines
		for _, ref := range []chartRef{{"random init", b.RandomInit.KNNTop1}, {"supervised", b.Supervised.KNNTop1}} {
			if ref.Value > 0 {
				spec.Refs = append(spec.Refs, chartRef{ref.Name, round(100*ref.Value, 4)})
			}
		}
	}
	return chartAttr(spec)
}

// seedsChart is the kNN monitor over a run's seeds: their mean per epoch
// with a band of ± one standard deviation, beside the random-init and
// raw-pixel baselines, as the run's knn-seeds.svg draws it.
func seedsChart(r *results.Run, agg *results.Seeds) (template.HTMLAttr, bool) {
	c, ok := seedsCurve(agg)
	if !ok {
		return "", false
	}
	line := chartLine{Name: fmt.Sprintf("mean of %d seeds", len(agg.Seeds))}
	for i, ep := range c.Epochs {
		line.X, line.Y, line.SD = append(line.X, ep), append(line.Y, round(100*c.Mean[i], 4)), append(line.SD, round(100*c.SD[i], 4))
	}
	spec := chartSpec{Unit: "%", Label: "kNN top-1 (%), mean ± sd over seeds", Lines: []chartLine{line}}
	refs := []chartRef{{"random init", r.Baselines.RandomInit.KNNTop1}}
	if px := r.Baselines.RawPixels; px != nil {
		refs = append(refs, chartRef{"raw pixels", px.KNNTop1})
	}
	for _, ref := range refs {
		if ref.Value > 0 {
			spec.Refs = append(spec.Refs, chartRef{ref.Name, round(100*ref.Value, 4)})
		}
	}
	return chartAttr(spec)
}

func chartAttr(spec chartSpec) (template.HTMLAttr, bool) {
	j, err := json.Marshal(spec)
	if err != nil {
		return "", false
	}
	return template.HTMLAttr(`data-chart="` + template.HTMLEscapeString(string(j)) + `"`), true
}

// round keeps digits significant digits of v: a curve's points need no
// more on a chart, and the page stays light.
func round(v float64, digits int) float64 {
	if v == 0 {
		return 0
	}
	scale := math.Pow(10, float64(digits)-math.Ceil(math.Log10(math.Abs(v))))
	return math.Round(v*scale) / scale
}
