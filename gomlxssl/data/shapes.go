package data

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
)

// ShapeClasses are the ten classes of the embedded dataset: the class of an
// image is the shape drawn in it, and nothing else.
var ShapeClasses = []string{"circle", "square", "triangle", "star", "cross", "ring", "hexagon", "crescent", "arrow", "heart"}

// ShapesConfig configures the embedded shapes dataset. The zero value of a
// field means its default.
type ShapesConfig struct {
	// Train and Test are the sizes of the two splits (defaults 10,000 and 2,000).
	Train, Test int
	// Size is the side of the square images in pixels (default 32).
	Size int
	// Seed makes the data reproducible: the same seed gives the same bytes.
	Seed uint64
	// MaxRotationDeg bounds the random rotation of each shape (default 15).
	MaxRotationDeg float64
}

func (o ShapesConfig) withDefaults() ShapesConfig {
	if o.Train == 0 {
		o.Train = 10000
	}
	if o.Test == 0 {
		o.Test = 2000
	}
	if o.Size == 0 {
		o.Size = 32
	}
	if o.MaxRotationDeg == 0 {
		o.MaxRotationDeg = 15
	}
	return o
}

// Shapes generates the embedded default dataset in-process: ten classes of RGB
// images whose class is a shape; everything else is nuisance of the kind that
// SSL augmentations target — foreground and background colours, background
// texture (flat, gradient, stripes, smooth noise), scale, position, rotation,
// outline versus filled, small distractor blobs and pixel noise.
//
// The design rule: nuisance that the augmentations destroy (position and scale
// by cropping, colour by jitter and grayscale) may vary freely, but nuisance
// that survives them (rotation, texture orientation and period, noise level,
// blobs) is kept low in information. Instance discrimination learns whatever
// tells one image from another once augmented; if that were a continuous
// nuisance such as the exact rotation angle, SSL would encode it instead of
// the shape (with ±30° rotations, continuous stripe angles, varied noise and
// fully random colours, SimCLR's kNN stalled just above the random-init
// encoder).
//
// Each image depends only on (seed, split, index), so generation is parallel
// and deterministic. Labels cycle through the classes, so every split is balanced.
func Shapes(opts ShapesConfig) Split {
	o := opts.withDefaults()
	return Split{Train: renderSplit(o, 0, o.Train), Test: renderSplit(o, 1, o.Test)}
}

func renderSplit(o ShapesConfig, split uint64, n int) *Dataset {
	return generate(ShapesName, ShapeClasses, o.Size, n, o.Seed, split, func() painter {
		r := newRenderer(o.Size)
		return func(rng *rand.Rand, label int, out []uint8) { r.render(rng, label, o.MaxRotationDeg, out) }
	})
}

// painter draws one image of class label into out.
type painter func(rng *rand.Rand, label int, out []uint8)

// generate renders n images of a generated dataset on every core. Labels
// cycle through the classes (the split is balanced), and image i depends only
// on (seed, split, i), never on scheduling. newPainter makes one painter per
// goroutine, with its own scratch buffers.
func generate(name string, classes []string, size, n int, seed, split uint64, newPainter func() painter) *Dataset {
	d := &Dataset{Name: name, Height: size, Width: size, Channels: 3, Classes: classes,
		Pixels: make([]uint8, n*size*size*3), Labels: make([]int32, n)}
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			paint := newPainter()
			for i := w; i < n; i += workers {
				label := i % len(classes)
				d.Labels[i] = int32(label)
				paint(rand.New(rand.NewPCG(seed, split<<40|uint64(i))), label, d.Image(i))
			}
		})
	}
	wg.Wait()
	return d
}

// renderer holds per-goroutine scratch buffers.
type renderer struct {
	size  int           // output side in pixels
	sub   int           // supersampled side (2x)
	mask  []bool        // shape coverage on the supersampled grid
	dist  []float64     // chamfer distance to the outside, in subpixels
	bg    []rgb         // background per output pixel
	noise [5][5]float64 // value-noise texture grid
}

func newRenderer(size int) *renderer {
	sub := 2 * size
	return &renderer{size: size, sub: sub, mask: make([]bool, sub*sub), dist: make([]float64, sub*sub), bg: make([]rgb, size*size)}
}

// render draws one image of class label into out: background, foreground
// colour, distractors, the shape, composited with noise (in that order of
// draws from rng, on which the image depends).
func (r *renderer) render(rng *rand.Rand, label int, maxRotDeg float64, out []uint8) {
	bgLuma := r.background(rng)
	fg := foreground(rng, bgLuma)
	r.blobs(rng)
	r.shape(rng, label, maxRotDeg)
	r.composite(rng, fg, out)
}

// background paints two related colours with a texture (flat, a linear
// gradient, stripes or smooth value noise) into r.bg, and returns its mean
// luma.
func (r *renderer) background(rng *rand.Rand) float64 {
	size := float64(r.size)
	bg1 := randColor(rng)
	bg2 := bg1
	for c := range bg2 {
		bg2[c] = math.Min(1, math.Max(0, bg1[c]+(rng.Float64()-0.5)*0.3))
	}
	texture := rng.IntN(4)
	angle := float64(rng.IntN(4)) * math.Pi / 4
	dirX, dirY := math.Cos(angle), math.Sin(angle)
	period := []float64{5, 8}[rng.IntN(2)]
	for gy := range r.noise {
		for gx := range r.noise[gy] {
			r.noise[gy][gx] = rng.Float64()
		}
	}
	for y := range r.size {
		for x := range r.size {
			fx, fy := (float64(x)+0.5)/size, (float64(y)+0.5)/size
			var t float64
			switch texture {
			case 1: // linear gradient
				t = math.Min(1, math.Max(0, 0.5+(fx-0.5)*dirX+(fy-0.5)*dirY))
			case 2: // stripes
				t = 0.5 + 0.5*math.Sin(2*math.Pi*(float64(x)*dirX+float64(y)*dirY)/period)
			case 3: // smooth value noise, bilinear on a 5x5 grid
				gx, gy := fx*4, fy*4
				ix, iy := min(int(gx), 3), min(int(gy), 3)
				ax, ay := gx-float64(ix), gy-float64(iy)
				top := r.noise[iy][ix]*(1-ax) + r.noise[iy][ix+1]*ax
				bot := r.noise[iy+1][ix]*(1-ax) + r.noise[iy+1][ix+1]*ax
				t = top*(1-ay) + bot*ay
			}
			r.bg[y*r.size+x] = mix(bg1, bg2, t)
		}
	}
	return (bg1.luma() + bg2.luma()) / 2
}

// foreground is the shape's colour, with enough contrast against a
// background of luma bgLuma.
func foreground(rng *rand.Rand, bgLuma float64) rgb {
	fg := randColor(rng)
	for try := 0; try < 30 && math.Abs(fg.luma()-bgLuma) < 0.2; try++ {
		fg = randColor(rng)
	}
	if math.Abs(fg.luma()-bgLuma) < 0.2 {
		fg = rgb{0.05, 0.05, 0.05}
		if bgLuma < 0.5 {
			fg = rgb{0.95, 0.95, 0.95}
		}
	}
	return fg
}

// blobs draws up to two small distractor discs on the background, under
// the shape.
func (r *renderer) blobs(rng *rand.Rand) {
	size := float64(r.size)
	for range rng.IntN(3) {
		cx, cy := rng.Float64()*size, rng.Float64()*size
		rad := 0.8 + rng.Float64()*0.8
		col := randColor(rng)
		for y := max(0, int(cy-rad-1)); y < min(r.size, int(cy+rad+2)); y++ {
			for x := max(0, int(cx-rad-1)); x < min(r.size, int(cx+rad+2)); x++ {
				dx, dy := float64(x)+0.5-cx, float64(y)+0.5-cy
				if dx*dx+dy*dy <= rad*rad {
					r.bg[y*r.size+x] = col
				}
			}
		}
	}
}

// shape draws the class's shape into r.mask on the supersampled grid: its
// scale, position and rotation drawn, filled or outlined.
func (r *renderer) shape(rng *rand.Rand, label int, maxRotDeg float64) {
	size := float64(r.size)
	radius := size * (0.22 + rng.Float64()*0.17)
	margin := radius * 0.95
	cx := margin + rng.Float64()*(size-2*margin)
	cy := margin + rng.Float64()*(size-2*margin)
	theta := (rng.Float64()*2 - 1) * maxRotDeg * math.Pi / 180
	cosT, sinT := math.Cos(theta), math.Sin(theta)
	filled := rng.Float64() < 0.6
	stroke := (1.3 + rng.Float64()*0.9) * 2 // outline width, in subpixels
	inside := shapeTests[label]
	sub := float64(r.sub)
	for sy := range r.sub {
		for sx := range r.sub {
			px := (float64(sx) + 0.5) * size / sub
			py := (float64(sy) + 0.5) * size / sub
			dx, dy := (px-cx)/radius, (py-cy)/radius
			u, v := cosT*dx+sinT*dy, -sinT*dx+cosT*dy
			r.mask[sy*r.sub+sx] = inside(u, v)
		}
	}
	if !filled {
		r.outline(stroke)
	}
}

// composite writes the image: the shape's 2×2 coverage per output pixel
// over the background, then pixel noise.
func (r *renderer) composite(rng *rand.Rand, fg rgb, out []uint8) {
	const noiseSigma = 0.03
	for y := range r.size {
		for x := range r.size {
			cover := 0.0
			for _, o := range [4][2]int{{0, 0}, {0, 1}, {1, 0}, {1, 1}} {
				if r.mask[(2*y+o[0])*r.sub+2*x+o[1]] {
					cover += 0.25
				}
			}
			c := mix(r.bg[y*r.size+x], fg, cover)
			for ch := range 3 {
				val := c[ch] + rng.NormFloat64()*noiseSigma
				out[(y*r.size+x)*3+ch] = uint8(math.Round(255 * math.Min(1, math.Max(0, val))))
			}
		}
	}
}

// outline keeps only the band of the mask within stroke subpixels of its
// outside, using a two-pass chamfer (3-4) distance transform.
func (r *renderer) outline(stroke float64) {
	n := r.sub
	const inf = 1e9
	for i, m := range r.mask {
		if m {
			r.dist[i] = inf
		} else {
			r.dist[i] = 0
		}
	}
	at := func(x, y int) float64 {
		if x < 0 || y < 0 || x >= n || y >= n {
			return 0 // outside the canvas counts as outside the shape
		}
		return r.dist[y*n+x]
	}
	for y := range n {
		for x := range n {
			i := y*n + x
			if r.dist[i] == 0 {
				continue
			}
			d := min(r.dist[i], at(x-1, y)+3, at(x, y-1)+3, at(x-1, y-1)+4, at(x+1, y-1)+4)
			r.dist[i] = d
		}
	}
	for y := n - 1; y >= 0; y-- {
		for x := n - 1; x >= 0; x-- {
			i := y*n + x
			if r.dist[i] == 0 {
				continue
			}
			d := min(r.dist[i], at(x+1, y)+3, at(x, y+1)+3, at(x+1, y+1)+4, at(x-1, y+1)+4)
			r.dist[i] = d
		}
	}
	for i := range r.mask {
		r.mask[i] = r.mask[i] && r.dist[i]/3 <= stroke
	}
}

// shapeTests are inside-tests in the shape's own frame: unit radius, y down.
var shapeTests = []func(u, v float64) bool{
	func(u, v float64) bool { return u*u+v*v < 0.9 },                            // circle
	func(u, v float64) bool { return math.Abs(u) < 0.78 && math.Abs(v) < 0.78 }, // square
	regularPolygon(3, 1.0, -math.Pi/2),                                          // triangle, pointing up
	starPolygon(5, 1.0, 0.42),                                                   // star
	func(u, v float64) bool { // cross
		au, av := math.Abs(u), math.Abs(v)
		return (au < 0.3 && av < 0.95) || (av < 0.3 && au < 0.95)
	},
	func(u, v float64) bool { r2 := u*u + v*v; return r2 < 0.95 && r2 > 0.28 }, // ring
	regularPolygon(6, 0.97, 0), // hexagon
	func(u, v float64) bool { // crescent, opening to the right
		return u*u+v*v < 0.95 && (u-0.45)*(u-0.45)+v*v > 0.6
	},
	polygon([][2]float64{{-0.95, -0.25}, {0.1, -0.25}, {0.1, -0.75}, {0.98, 0}, {0.1, 0.75}, {0.1, 0.25}, {-0.95, 0.25}}), // arrow
	func(u, v float64) bool { // heart, point down
		x, y := u*1.15, -v*1.15+0.15
		a := x*x + y*y - 1
		return a*a*a-x*x*y*y*y <= 0
	},
}

func regularPolygon(n int, circumradius, phase float64) func(u, v float64) bool {
	pts := make([][2]float64, n)
	for k := range n {
		a := phase + 2*math.Pi*float64(k)/float64(n)
		pts[k] = [2]float64{circumradius * math.Cos(a), circumradius * math.Sin(a)}
	}
	return polygon(pts)
}

func starPolygon(points int, outer, inner float64) func(u, v float64) bool {
	pts := make([][2]float64, 2*points)
	for k := range 2 * points {
		a := -math.Pi/2 + math.Pi*float64(k)/float64(points)
		rad := outer
		if k%2 == 1 {
			rad = inner
		}
		pts[k] = [2]float64{rad * math.Cos(a), rad * math.Sin(a)}
	}
	return polygon(pts)
}

// polygon is the even-odd (crossing number) inside-test of a simple polygon.
func polygon(pts [][2]float64) func(u, v float64) bool {
	return func(u, v float64) bool {
		in := false
		j := len(pts) - 1
		for i := range pts {
			xi, yi, xj, yj := pts[i][0], pts[i][1], pts[j][0], pts[j][1]
			if (yi > v) != (yj > v) && u < (xj-xi)*(v-yi)/(yj-yi)+xi {
				in = !in
			}
			j = i
		}
		return in
	}
}
