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
}

type chartLine struct {
	Name string    `json:"name"`
	X    []int     `json:"x"`
	Y    []float64 `json:"y"`
}

type chartRef struct {
	Name  string  `json:"name"`
	Value float64 `json:"v"`
}

// drawnCharts are the figure files the page draws itself, from metrics.csv.
var drawnCharts = map[string]bool{"loss.svg": true, "knn.svg": true}

// runChart is the chart that the figure file of run r shows, as the JSON
// of a chartSpec, when the page can draw it from the run's metrics rows;
// false for any other figure, or when the rows are missing or not finite.
func runChart(file string, r *results.Run, rows []results.EpochRow) (template.HTMLAttr, bool) {
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
