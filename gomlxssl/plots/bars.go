package plots

import (
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// BarChart writes an SVG bar chart of values, one bar per label (a VAE's KL
// per latent dimension, a generator's class histogram), with an optional
// dashed horizontal reference line (ref.Name empty: none).
func BarChart(path string, c Chart, labels []string, values []float64, ref HLine) error {
	p := newPlot(c)
	width := vg.Points(max(2, min(24, 360/float64(max(1, len(values))))))
	bars, err := plotter.NewBarChart(plotter.Values(values), width)
	if err != nil {
		return err
	}
	bars.Color = palette[0]
	bars.LineStyle.Width = 0
	p.Add(bars)
	if len(labels) <= 40 {
		p.NominalX(labels...)
	}
	if ref.Name != "" {
		l, err := plotter.NewLine(plotter.XYs{{X: -0.5, Y: ref.Value}, {X: float64(len(values)) - 0.5, Y: ref.Value}})
		if err != nil {
			return err
		}
		l.Color = refPalette[0]
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(l)
		p.Legend.Add(ref.Name, l)
		p.Legend.Top = true
	}
	return save(p, path, 6*vg.Inch, 3.2*vg.Inch)
}

// Series is one named set of bar heights, one per label.
type Series struct {
	Name   string
	Values []float64
}

// GroupedBars writes an SVG bar chart with one group of bars per label and
// one bar per series in each group (a sweep's runs, with the pretext task's
// accuracy and the probes side by side).
func GroupedBars(path string, c Chart, labels []string, series []Series) error {
	p := newPlot(c)
	p.Legend.Top = true
	p.Legend.XOffs = -vg.Points(8)
	width := vg.Points(max(4, min(18, 300/float64(max(1, len(labels)*len(series))))))
	for i, s := range series {
		bars, err := plotter.NewBarChart(plotter.Values(s.Values), width)
		if err != nil {
			return err
		}
		bars.Color = palette[i%len(palette)]
		bars.LineStyle.Width = 0
		bars.Offset = vg.Length(float64(i)-float64(len(series)-1)/2) * width
		p.Add(bars)
		p.Legend.Add(s.Name, bars)
	}
	p.NominalX(labels...)
	return save(p, path, 6*vg.Inch, 3.4*vg.Inch)
}
