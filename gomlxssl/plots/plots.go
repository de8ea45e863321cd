// Package plots draws the experiments' figures as SVG with gonum/plot, and
// writes them atomically. It does not import GoMLX.
package plots

import (
	"bytes"
	"image"
	"image/color"
	imgdraw "image/draw"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/mega-ssl/mega/gomlxssl/atomicfile"
)

// The figures' text is sans-serif, like the report's: gonum/plot measures
// it with Liberation Sans (embedded), and the SVG names the browser's
// sans-serif fonts after it (writeSVG).
func init() {
	plot.DefaultFont = font.Font{Typeface: "Liberation", Variant: "Sans"}
}

// svgFonts is the font-family the SVGs carry: Liberation Sans where it is
// installed, else a sans-serif of the same metrics.
const svgFonts = "font-family:'Liberation Sans',Arial,Helvetica,sans-serif"

// Line is one named series of a line chart. Spread, if set (one value per
// point), draws a band Y ± Spread behind the line: the standard deviation
// over seeds.
type Line struct {
	Name         string
	X, Y, Spread []float64
}

// HLine is a horizontal reference line (a baseline).
type HLine struct {
	Name  string
	Value float64
}

// Chart describes a line chart.
type Chart struct {
	Title, XLabel, YLabel string
	// YMin and YMax fix the vertical range when YMax > YMin (e.g. 0–100 for
	// accuracies in percent); otherwise it follows the data.
	YMin, YMax float64
	// IntegerX puts ticks on whole numbers only (epochs).
	IntegerX bool
}

// newPlot is a plot with c's title, axis labels, fixed vertical range (if
// any) and a grid: what every chart here starts from.
func newPlot(c Chart) *plot.Plot {
	p := plot.New()
	p.Title.Text = c.Title
	p.X.Label.Text = c.XLabel
	p.Y.Label.Text = c.YLabel
	p.Add(plotter.NewGrid())
	p.Y.Tick.Marker = niceTicks{}
	if c.YMax > c.YMin {
		p.Y.Min, p.Y.Max = c.YMin, c.YMax
	}
	return p
}

// LineChart writes an SVG line chart of series with optional reference lines
// (dashed).
func LineChart(path string, c Chart, series []Line, refs []HLine) error {
	p := newPlot(c)
	var legend []entry // drawn above the data, never over a curve
	if c.IntegerX {
		p.X.Tick.Marker = integerTicks{}
	}
	xmin, xmax := 0.0, 1.0
	for i, s := range series {
		pts := make(plotter.XYs, len(s.X))
		for j := range s.X {
			pts[j] = plotter.XY{X: s.X[j], Y: s.Y[j]}
			if i == 0 && j == 0 {
				xmin, xmax = s.X[j], s.X[j]
			}
			xmin, xmax = min(xmin, s.X[j]), max(xmax, s.X[j])
		}
		if len(s.Spread) == len(s.X) && len(s.X) > 0 {
			if err := band(p, s, palette[i%len(palette)]); err != nil {
				return err
			}
		}
		l, sc, err := plotter.NewLinePoints(pts)
		if err != nil {
			return err
		}
		l.Color = palette[i%len(palette)]
		sc.Color = l.Color
		sc.Shape = draw.CircleGlyph{}
		sc.Radius = vg.Points(2)
		p.Add(l, sc)
		if len(series)+len(refs) > 1 { // a lone curve is named by the title
			legend = append(legend, entry{s.Name, l})
		}
	}
	if xmax == xmin {
		xmax = xmin + 1
	}
	if c.IntegerX {
		p.X.Min, p.X.Max = xmin-0.3, xmax+0.3
	}
	for i, r := range refs {
		l, err := plotter.NewLine(plotter.XYs{{X: xmin, Y: r.Value}, {X: xmax, Y: r.Value}})
		if err != nil {
			return err
		}
		l.Color = refPalette[i%len(refPalette)]
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(l)
		legend = append(legend, entry{r.Name, l})
	}
	if c.YMax <= c.YMin { // a little room, so that no line runs along the frame
		pad := 0.04 * (p.Y.Max - p.Y.Min)
		p.Y.Min, p.Y.Max = p.Y.Min-pad, p.Y.Max+pad
	}
	return saveWithLegend(p, legend, path, 6*vg.Inch, 3.6*vg.Inch)
}

// entry is one line of a chart's legend.
type entry struct {
	name  string
	thumb plot.Thumbnailer
}

// saveWithLegend writes p with its title across the figure and the legend
// as one centred row under it, outside the data, so that no entry hides a
// curve and the data keep the figure's whole width.
func saveWithLegend(p *plot.Plot, legend []entry, path string, w, h vg.Length) error {
	c := vgsvg.New(w, h)
	dc := draw.New(c)
	sty := p.Title.TextStyle
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
	top := h - vg.Points(2)
	title, titleAt := p.Title.Text, vg.Point{X: w / 2, Y: top}
	top -= sty.Rectangle(title).Size().Y + sty.FontExtents().Descent + p.Title.Padding
	p.Title.Text = ""
	if len(legend) > 0 {
		row := p.Title.TextStyle
		row.Font.Size = vg.Points(10)
		row.XAlign, row.YAlign = draw.XLeft, draw.YTop
		const thumb, gap, space = vg.Length(18), vg.Length(4), vg.Length(14)
		total := space * vg.Length(len(legend)-1)
		for _, e := range legend {
			total += thumb + gap + row.Rectangle(e.name).Size().X
		}
		x, height := (w-total)/2, row.Rectangle("M").Size().Y
		for _, e := range legend {
			icon := draw.Canvas{Canvas: dc.Canvas, Rectangle: vg.Rectangle{Min: vg.Point{X: x, Y: top - height}, Max: vg.Point{X: x + thumb, Y: top}}}
			e.thumb.Thumbnail(&icon)
			dc.FillText(row, vg.Point{X: x + thumb + gap, Y: top}, e.name)
			x += thumb + gap + row.Rectangle(e.name).Size().X + space
		}
		top -= height + vg.Points(6)
	}
	p.Draw(draw.Crop(dc, 0, 0, 0, top-h))
	// The title last: the plot paints its own background, which would
	// hide the title's descenders.
	dc.FillText(sty, titleAt, title)
	return writeSVG(c, path)
}

// band adds the translucent area s.Y ± s.Spread in the line's colour.
func band(p *plot.Plot, s Line, c color.Color) error {
	ring := make(plotter.XYs, 0, 2*len(s.X))
	for j := range s.X {
		ring = append(ring, plotter.XY{X: s.X[j], Y: s.Y[j] + s.Spread[j]})
	}
	for j := len(s.X) - 1; j >= 0; j-- {
		ring = append(ring, plotter.XY{X: s.X[j], Y: s.Y[j] - s.Spread[j]})
	}
	poly, err := plotter.NewPolygon(ring)
	if err != nil {
		return err
	}
	r, g, b, _ := c.RGBA()
	poly.Color = color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 64}
	poly.LineStyle.Width = 0
	p.Add(poly)
	return nil
}

// niceTicks marks about five round values (1, 2 or 5 times a power of ten
// apart), each labelled with the decimals its step needs and no more:
// 75, 80, 85 rather than 75.00, 80.00, 85.00.
type niceTicks struct{}

// Ticks implements plot.Ticker.
func (niceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) {
		return []plot.Tick{{Value: lo, Label: strconv.FormatFloat(lo, 'g', 4, 64)}}
	}
	raw := (hi - lo) / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{2, 5, 10} {
		if step < raw {
			step = m * mag
		}
	}
	decimals := max(0, int(-math.Floor(math.Log10(step)+1e-9)))
	var ticks []plot.Tick
	for v := math.Ceil(lo/step-1e-9) * step; v <= hi+1e-9*step; v += step {
		if math.Abs(v) < 1e-9*step {
			v = 0 // not −0
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', decimals, 64)})
	}
	return ticks
}

// integerTicks marks whole numbers only, about ten of them.
type integerTicks struct{}

// Ticks implements plot.Ticker.
func (integerTicks) Ticks(lo, hi float64) []plot.Tick {
	step := max(1, int(math.Ceil((hi-lo)/10)))
	var ticks []plot.Tick
	for v := int(math.Ceil(lo)); float64(v) <= hi; v += step {
		ticks = append(ticks, plot.Tick{Value: float64(v), Label: strconv.Itoa(v)})
	}
	return ticks
}

// ImageGrid writes rows of images (each h*w*c float32 in [0, 1]: RGB, or
// gray when an image holds h*w values) as one SVG figure, each image
// magnified 3x for legibility. The embedded PNG holds the images at their
// own size (a pixel of white between them) and the SVG scales it with
// image-rendering: pixelated, so each pixel stays a sharp square: a ninth
// of the pixels of drawing them magnified.
func ImageGrid(path, title string, rows [][][]float32, h, w int) error {
	const zoom, gap = 3, 1
	cols := 0
	for _, r := range rows {
		cols = max(cols, len(r))
	}
	cell := w + gap
	img := image.NewRGBA(image.Rect(0, 0, cols*cell, len(rows)*(h+gap)))
	imgdraw.Draw(img, img.Bounds(), image.White, image.Point{}, imgdraw.Src)
	for ri, r := range rows {
		for ci, px := range r {
			c := len(px) / (h * w)
			g := min(c-1, 1) // 0 on one channel: R, G and B read the gray value
			for y := range h {
				for x := range w {
					o := (y*w + x) * c
					img.SetRGBA(ci*cell+x, ri*(h+gap)+y, color.RGBA{to8(px[o]), to8(px[o+g]), to8(px[o+2*g]), 255})
				}
			}
		}
	}
	p := plot.New()
	p.Title.Text = title
	p.HideAxes()
	b := img.Bounds()
	p.Add(plotter.NewImage(img, 0, 0, float64(b.Dx()), float64(b.Dy())))
	width := vg.Length(b.Dx()*zoom) * 0.75
	height := vg.Length(b.Dy()*zoom)*0.75 + 30
	return save(p, path, width, height)
}

func to8(v float32) uint8 { return uint8(min(max(v, 0), 1)*255 + 0.5) }

var palette = []color.Color{
	color.RGBA{31, 119, 180, 255}, color.RGBA{214, 39, 40, 255}, color.RGBA{44, 160, 44, 255},
	color.RGBA{148, 103, 189, 255}, color.RGBA{255, 127, 14, 255},
}

var refPalette = []color.Color{color.RGBA{127, 127, 127, 255}, color.RGBA{0, 0, 0, 255}}

func save(p *plot.Plot, path string, w, h vg.Length) error {
	c := vgsvg.New(w, h)
	p.Draw(draw.New(c))
	return writeSVG(c, path)
}

// writeSVG writes a drawn canvas to path, atomically.
func writeSVG(c *vgsvg.Canvas, path string) error {
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return err
	}
	// vgsvg embeds images as PNG but labels them image/jpg; strict SVG
	// renderers (librsvg) then draw nothing. PNG data starts "iVBOR" in base64.
	out := bytes.ReplaceAll(buf.Bytes(), []byte("data:image/jpg;base64,iVBOR"), []byte("data:image/png;base64,iVBOR"))
	out = bytes.ReplaceAll(out, []byte("font-family:Liberation Sans"), []byte(svgFonts))
	// Images are drawn at their own resolution and scaled: keep the pixels square.
	out = bytes.ReplaceAll(out, []byte("<image "), []byte(`<image style="image-rendering:pixelated" `))
	return atomicfile.Write(path, out)
}
