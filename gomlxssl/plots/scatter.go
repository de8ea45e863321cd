package plots

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Panel is one scatter plot of a grid: 2-D points coloured by class.
type Panel struct {
	Title  string
	XY     []float64 // row-major [n][2]
	Labels []int
}

// classColours is the Tableau 10 palette, one colour per class.
var classColours = []color.RGBA{
	{31, 119, 180, 255}, {255, 127, 14, 255}, {44, 160, 44, 255}, {214, 39, 40, 255},
	{148, 103, 189, 255}, {140, 86, 75, 255}, {227, 119, 194, 255}, {127, 127, 127, 255},
	{188, 189, 34, 255}, {23, 190, 207, 255},
}

// ScatterGrid writes panels side by side (cols per row) as one SVG, with a
// last tile holding the legend of classes. Axes are hidden: t-SNE's
// coordinates carry no meaning, only neighbourhoods do.
func ScatterGrid(path string, panels []Panel, classes []string, cols int) error {
	if len(panels) == 0 {
		return fmt.Errorf("plots: no panels")
	}
	n := len(panels) + 1
	cols = min(cols, n)
	rows := (n + cols - 1) / cols
	grid := make([][]*plot.Plot, rows)
	for r := range grid {
		grid[r] = make([]*plot.Plot, cols)
	}
	for i, pn := range panels {
		p := plot.New()
		p.Title.Text = pn.Title
		p.HideAxes()
		byClass := map[int]plotter.XYs{}
		for k, l := range pn.Labels {
			byClass[l] = append(byClass[l], plotter.XY{X: pn.XY[2*k], Y: pn.XY[2*k+1]})
		}
		for c := range classes {
			pts, ok := byClass[c]
			if !ok {
				continue
			}
			s, err := plotter.NewScatter(pts)
			if err != nil {
				return err
			}
			s.GlyphStyle = draw.GlyphStyle{Color: classColours[c%len(classColours)], Radius: vg.Points(1.4), Shape: draw.CircleGlyph{}}
			p.Add(s)
		}
		grid[i/cols][i%cols] = p
	}
	legend := plot.New()
	legend.HideAxes()
	legend.Title.Text = "classes"
	legend.Legend.Top, legend.Legend.Left = true, true
	for c, name := range classes {
		s, err := plotter.NewScatter(plotter.XYs{{X: 0, Y: 0}})
		if err != nil {
			return err
		}
		s.GlyphStyle = draw.GlyphStyle{Color: classColours[c%len(classColours)], Radius: vg.Points(3), Shape: draw.CircleGlyph{}}
		legend.Legend.Add(name, s)
	}
	grid[(n-1)/cols][(n-1)%cols] = legend
	const tile = 220
	w, h := vg.Length(cols*tile), vg.Length(rows*tile)
	c := vgsvg.New(w, h)
	dc := draw.New(c)
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Points(6), PadY: vg.Points(6), PadTop: vg.Points(4), PadBottom: vg.Points(4), PadLeft: vg.Points(4), PadRight: vg.Points(4)}
	canvases := plot.Align(grid, tiles, dc)
	for r := range grid {
		for col, p := range grid[r] {
			if p != nil {
				p.Draw(canvases[r][col])
			}
		}
	}
	return writeSVG(c, path)
}
