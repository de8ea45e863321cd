package data

import (
	"math"
	"math/rand/v2"
)

// HistoClasses are the two classes of the histopathology dataset.
var HistoClasses = []string{"benign", "malignant"}

// HistoConfig configures the generated histopathology dataset; zero fields
// take their defaults.
type HistoConfig struct {
	// Train and Test are the split sizes (defaults 4,000 and 1,000).
	Train, Test int
	// Size is the side of the square patches in pixels (default 32;
	// PatchCamelyon's patches are 96).
	Size int
	// Seed makes the data reproducible.
	Seed uint64
}

// Histo generates H&E-like tissue patches in two classes, a stand-in for
// PatchCamelyon that needs no download. Haematoxylin stains nuclei purple,
// eosin stains the stroma pink; each patch is fibrous pink stroma with nuclei:
//
//   - benign: small, round, evenly spaced nuclei of even, moderate staining;
//   - malignant: enlarged, irregular, crowded nuclei of varied size, darker
//     (hyperchromatic).
//
// The classes overlap on purpose (some benign nuclei are large, some
// malignant patches sparse), and every patch carries the nuisance that real
// slides have: stain variation between slides (the haematoxylin and eosin
// hues and the overall intensity), blur from focus, sensor noise, fibre
// orientation and occasional empty lumen. Each patch depends only on (seed,
// split, index); classes alternate, so the splits are balanced.
func Histo(opts HistoConfig) Split {
	o := opts
	if o.Train == 0 {
		o.Train = 4000
	}
	if o.Test == 0 {
		o.Test = 1000
	}
	if o.Size == 0 {
		o.Size = 32
	}
	return Split{Train: renderHisto(o, 0, o.Train), Test: renderHisto(o, 1, o.Test)}
}

func renderHisto(o HistoConfig, split uint64, n int) *Dataset {
	return generate(HistoName, HistoClasses, o.Size, n, o.Seed^0x415c0, split, func() painter {
		buf := make([]rgb, o.Size*o.Size)
		return func(rng *rand.Rand, label int, out []uint8) { renderPatch(rng, label == 1, o.Size, buf, out) }
	})
}

// nucleus is an ellipse with a wavy boundary, in pixels.
type nucleus struct {
	x, y, r, aspect, angle float64
	wobble, phase          float64 // boundary irregularity: r·(1 + wobble·sin(3θ + phase))
	depth                  float64 // stain density, 0..1
}

func (c nucleus) covers(px, py float64) bool {
	dx, dy := px-c.x, py-c.y
	s, co := math.Sincos(c.angle)
	u, v := dx*co+dy*s, (-dx*s+dy*co)/c.aspect
	rr := c.r * (1 + c.wobble*math.Sin(3*math.Atan2(v, u)+c.phase))
	return u*u+v*v <= rr*rr
}

func renderPatch(rng *rand.Rand, malignant bool, size int, buf []rgb, out []uint8) {
	scale := float64(size) / 32
	eosin, haem, bright := stain(rng)
	stroma(rng, size, scale, eosin, buf)
	stainNuclei(nuclei(rng, malignant, size, scale), haem, size, buf)
	develop(rng, bright, size, buf, out)
}

// stain draws the slide's stains — eosin, haematoxylin — and brightness:
// the variation between slides.
func stain(rng *rand.Rand) (eosin, haem rgb, bright float64) {
	vary := func(c rgb, amount float64) rgb {
		for k := range c {
			c[k] = min(1, max(0, c[k]*(1+amount*(2*rng.Float64()-1))))
		}
		return c
	}
	eosin = vary(rgb{0.93, 0.62, 0.76}, 0.15)
	haem = vary(rgb{0.32, 0.18, 0.52}, 0.3)
	return eosin, haem, 0.75 + 0.4*rng.Float64()
}

// stroma paints the background: fibres along a random orientation, at a
// random period, and sometimes a lumen.
func stroma(rng *rand.Rand, size int, scale float64, eosin rgb, buf []rgb) {
	angle := rng.Float64() * math.Pi
	period := (3 + 4*rng.Float64()) * scale
	fs, fc := math.Sincos(angle)
	phase := rng.Float64() * 2 * math.Pi
	lumen := rng.Float64() < 0.25
	lx, ly, lr := rng.Float64()*float64(size), rng.Float64()*float64(size), (4+6*rng.Float64())*scale
	for y := range size {
		for x := range size {
			t := 0.5 + 0.5*math.Sin((float64(x)*fc+float64(y)*fs)*2*math.Pi/period+phase)
			c := mix(eosin, rgb{1, 0.92, 0.95}, 0.35*t)
			if lumen && math.Hypot(float64(x)-lx, float64(y)-ly) < lr {
				c = rgb{0.97, 0.95, 0.97}
			}
			buf[y*size+x] = c
		}
	}
}

// nuclei places the patch's nuclei. Their look follows the patch's atypia a
// in [0, 1]: benign patches draw it from [0, 0.55], malignant ones from
// [0.45, 1], so the classes overlap in the middle, as borderline tissue does.
func nuclei(rng *rand.Rand, malignant bool, size int, scale float64) []nucleus {
	a := 0.55 * rng.Float64()
	if malignant {
		a = 0.45 + 0.55*rng.Float64()
	}
	count := max(3, int(math.Round(6+10*a+2*rng.NormFloat64())))
	radius, spread := (1.3+1.2*a)*scale, 0.15+0.35*a
	irregular, depth := 0.05+0.25*a, 0.65+0.3*a
	minGap := 2.6 - 1.5*a // even spacing for benign tissue, crowding for malignant
	var cells []nucleus
	for tries := 0; len(cells) < count && tries < 400; tries++ {
		c := nucleus{x: rng.Float64() * float64(size), y: rng.Float64() * float64(size),
			r:      radius * (1 + spread*(2*rng.Float64()-1)),
			aspect: 1 - (0.15+irregular*2)*rng.Float64(), angle: rng.Float64() * math.Pi,
			wobble: irregular * rng.Float64(), phase: rng.Float64() * 2 * math.Pi,
			depth: min(1, depth+0.1*(2*rng.Float64()-1))}
		ok := true
		for _, o := range cells {
			if math.Hypot(c.x-o.x, c.y-o.y) < minGap*math.Max(c.r, o.r) {
				ok = false
				break
			}
		}
		if ok {
			cells = append(cells, c)
		}
	}
	return cells
}

// stainNuclei darkens the pixels the nuclei cover towards haematoxylin,
// by their coverage on a 2× supersampled grid.
func stainNuclei(cells []nucleus, haem rgb, size int, buf []rgb) {
	for y := range size {
		for x := range size {
			var cover float64
			for _, c := range cells {
				if math.Abs(float64(x)+0.5-c.x) > 2*c.r+1 || math.Abs(float64(y)+0.5-c.y) > 2*c.r+1 {
					continue
				}
				hits := 0
				for sy := range 2 {
					for sx := range 2 {
						if c.covers(float64(x)+0.25+0.5*float64(sx), float64(y)+0.25+0.5*float64(sy)) {
							hits++
						}
					}
				}
				cover = math.Max(cover, c.depth*float64(hits)/4)
			}
			if cover > 0 {
				buf[y*size+x] = mix(buf[y*size+x], haem, cover)
			}
		}
	}
}

// develop writes the patch as the camera sees it: a focus blur (a 3×3
// box, sometimes), the slide's brightness and sensor noise.
func develop(rng *rand.Rand, bright float64, size int, buf []rgb, out []uint8) {
	if rng.Float64() < 0.4 {
		blurred := make([]rgb, len(buf))
		for y := range size {
			for x := range size {
				var s rgb
				n := 0.0
				for dy := -1; dy <= 1; dy++ {
					for dx := -1; dx <= 1; dx++ {
						yy, xx := min(max(y+dy, 0), size-1), min(max(x+dx, 0), size-1)
						for k := range s {
							s[k] += buf[yy*size+xx][k]
						}
						n++
					}
				}
				blurred[y*size+x] = rgb{s[0] / n, s[1] / n, s[2] / n}
			}
		}
		copy(buf, blurred)
	}
	noise := 0.02 + 0.03*rng.Float64()
	for i, c := range buf {
		for k := range c {
			v := c[k]*bright + noise*rng.NormFloat64()
			out[3*i+k] = uint8(min(1, max(0, v))*255 + 0.5)
		}
	}
}
