package plots

import (
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// BarChart writes an SVG bar chart of values, one bar per label (a VAE's KL
// per latent dimension, a generator's class histogram), with an optional
// dashed horizontal reference line (ref.Name empty: none).
func BarChart(path string, c Chart, labels []string, values []float64, ref HLine) error {
	p := plot.New()
	p.Title.Text = c.Title
	p.X.Label.Text = c.XLabel
	p.Y.Label.Text = c.YLabel
	p.Add(plotter.NewGrid())
	if c.YMax > c.YMin {
		p.Y.Min, p.Y.Max = c.YMin, c.YMax
	}
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
