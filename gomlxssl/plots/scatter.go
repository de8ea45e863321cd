package plots

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	pngenc "image/png"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/mega-ssl/mega/gomlxssl/atomicfile"
)

// Panel is one scatter plot of a grid: 2-D points coloured by class.
type Panel struct {
	Title  string
	XY     []float64 // row-major [n][2]
	Labels []int
}

// classColours are one colour per class that readers with the common
// colour-vision deficiencies can still tell apart: Okabe & Ito's eight
// (without white), then Paul Tol's dark purple and olive.
var classColours = []color.RGBA{
	{0, 114, 178, 255}, {230, 159, 0, 255}, {0, 158, 115, 255}, {204, 121, 167, 255},
	{86, 180, 233, 255}, {213, 94, 0, 255}, {240, 228, 66, 255}, {0, 0, 0, 255},
	{51, 34, 136, 255}, {153, 153, 51, 255},
}

// ScatterGrid writes panels side by side (cols per row) as one figure, with
// a last tile holding the legend of classes: a PNG when path ends in .png
// (thousands of points are lighter as pixels than as SVG circles: the
// report's t-SNE grids), else an SVG. Axes are hidden: t-SNE's coordinates
// carry no meaning, only neighbourhoods do.
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
		p.Title.Text = wrap(pn.Title, 34)
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
			s.GlyphStyle = draw.GlyphStyle{Color: classColours[c%len(classColours)], Radius: vg.Points(1.7), Shape: draw.CircleGlyph{}}
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
	var c vg.CanvasSizer
	var svg *vgsvg.Canvas
	var png *vgimg.Canvas
	if strings.HasSuffix(path, ".png") {
		png = vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(pngDPI), vgimg.UseBackgroundColor(color.White))
		c = png
	} else {
		svg = vgsvg.New(w, h)
		c = svg
	}
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
	if png != nil {
		return writePaletted(png.Image(), path)
	}
	return writeSVG(svg, path)
}

// writePaletted writes img as a PNG of at most 256 colours: the class
// colours, each blended with white at three levels (the anti-aliased rims
// of the points), and 16 greys (the text). One byte a pixel, long runs of
// one index: the report's Fashion-MNIST t-SNE grid (990×1980 pixels) went from
// 1,098 KB as RGBA to 229 KB, with no visible change.
func writePaletted(img image.Image, path string) error {
	var pal color.Palette
	for _, c := range classColours {
		for _, a := range []int{4, 3, 2, 1} {
			mix := func(v uint8) uint8 { return uint8((int(v)*a + 255*(4-a)) / 4) }
			pal = append(pal, color.RGBA{mix(c.R), mix(c.G), mix(c.B), 255})
		}
	}
	for g := range 16 {
		v := uint8(g * 17)
		pal = append(pal, color.RGBA{v, v, v, 255})
	}
	// Each distinct colour is matched to the palette once (a grid has a few
	// thousand among millions of pixels): ten times faster than
	// image/draw's search per pixel, as is the default compression against
	// the best (3% larger): a rebuild of the report draws its grids again.
	b := img.Bounds()
	out := image.NewPaletted(b, pal)
	memo := map[color.RGBA64]uint8{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			c := color.RGBA64{uint16(r), uint16(g), uint16(bl), uint16(a)}
			i, ok := memo[c]
			if !ok {
				i = uint8(pal.Index(c))
				memo[c] = i
			}
			out.SetColorIndex(x, y, i)
		}
	}
	var buf bytes.Buffer
	if err := pngenc.Encode(&buf, out); err != nil {
		return err
	}
	return atomicfile.Write(path, buf.Bytes())
}

// pngDPI is the resolution of a PNG figure: 1.25 pixels per point of the
// figure's size, so that the report's three-panel-wide t-SNE grid (825
// pixels) meets its column (about 800 CSS pixels) at one pixel each; at 108
// the grids weighed a fifth more for detail the page scales away.
const pngDPI = 90

// wrap breaks text at (ASCII) spaces into lines of at most width characters (a
// longer word keeps its own line), so that a panel's title fits its tile
// instead of running past both edges.
func wrap(text string, width int) string {
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, word := range strings.Split(para, " ") { // not at a no-break space
			if line != "" && len([]rune(line))+1+len([]rune(word)) > width {
				lines, line = append(lines, line), word
				continue
			}
			line = strings.TrimSpace(line + " " + word)
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}
