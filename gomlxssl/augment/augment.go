// Package augment holds the image augmentations of the SSL recipes (random
// resized crop, flip, colour jitter, grayscale, solarize, blur) as plain Go on
// float32 HWC images in [0, 1], and a pipeline that makes two independent views
// per image in parallel goroutines, ahead of the trainer.
package augment

import (
	"math"
	"math/rand/v2"

	"github.com/mega-ssl/mega/gomlxssl/data"
)

// Policy is an augmentation policy. Probabilities are in [0, 1]; a zero
// probability turns a transform off.
type Policy struct {
	// CropScale is the range of the crop's area as a fraction of the image;
	// CropRatio the range of its aspect ratio. CropScale[1] == 0 disables cropping.
	CropScale, CropRatio [2]float64
	// FlipP is the probability of a horizontal flip.
	FlipP float64
	// JitterP is the probability of colour jitter; Brightness, Contrast and
	// Saturation are the maximum relative changes, Hue the maximum hue shift
	// in turns (0.1 = 36°). The four are applied in a random order.
	JitterP, Brightness, Contrast, Saturation, Hue float64
	// GrayP is the probability of converting to grayscale.
	GrayP float64
	// SolarizeP is the probability of inverting pixels above 0.5.
	SolarizeP float64
	// BlurP is the probability of a Gaussian blur with sigma in BlurSigma.
	BlurP     float64
	BlurSigma [2]float64
	// TileGrid > 1 cuts the view into TileGrid×TileGrid tiles and shuffles
	// them by a random permutation (the talk's jigsaw-style augmentation,
	// for tissue, whose meaning does not depend on where a patch of it lies).
	TileGrid int
	// Local adds multi-crop's small local views to two-view pipelines
	// (Local.N = 0: none).
	Local LocalCrops
}

// SimCLR is the CIFAR recipe of SimCLR (and of the talk's experiments): random
// resized crop, flip 0.5, colour jitter 0.4/0.4/0.4/0.1 with p 0.8, grayscale
// 0.2, no blur at 32 px. The crop's smallest scale is 0.2 rather than CIFAR's
// 0.08: at 32 px a 0.08 crop of the embedded shapes often holds no shape at all.
func SimCLR() Policy {
	return Policy{
		CropScale: [2]float64{0.2, 1}, CropRatio: [2]float64{3.0 / 4, 4.0 / 3},
		FlipP:   0.5,
		JitterP: 0.8, Brightness: 0.4, Contrast: 0.4, Saturation: 0.4, Hue: 0.1,
		GrayP:     0.2,
		BlurSigma: [2]float64{0.1, 2},
	}
}

// SimCLRShapes is SimCLR's recipe for the embedded shapes data: the smallest
// crop keeps 40% of the image instead of 20%, because a smaller crop of a
// 32-pixel shape often holds a fragment of it and mostly background (the
// two crops are compared in experiments/simclr's notebook).
// The contrastive experiments share it, so that they differ only in their
// objective.
func SimCLRShapes() Policy {
	cfg := SimCLR()
	cfg.CropScale[0] = 0.4
	return cfg
}

// WithJitterStrength sets the colour jitter to SimCLR's colour-distortion
// strength s: brightness, contrast and saturation 0.8·s, hue 0.2·s (s = 0.5 is
// the CIFAR recipe, s = 1 the ImageNet one).
func (cfg Policy) WithJitterStrength(s float64) Policy {
	cfg.Brightness, cfg.Contrast, cfg.Saturation, cfg.Hue = 0.8*s, 0.8*s, 0.8*s, 0.2*s
	return cfg
}

// ForData adapts a method's policy to the data it augments, so that no
// experiment special-cases a dataset. On one channel (Fashion-MNIST, MNIST)
// the colour jitter is brightness and contrast only and there is no grayscale
// step: saturation, hue and the grayscale probability are set to 0 so that the
// recorded policy says what is applied. What the colour no longer varies, a
// Gaussian blur with probability 0.5 (SimCLR's ImageNet recipe) varies
// instead, in the policies that jitter (the two-view methods'; not the light
// crop-and-flip policies of pretext tasks and the supervised baseline): the
// choice and what else was tried are measured in docs/results.md. Data whose
// mirror is not of its class lose the flip (data.Source.NoFlip: a mirrored 2
// is not a 2); garments keep it, and the method's resized crop, whose
// smallest area (0.4 for the contrastive methods) keeps most of a centred
// 28-pixel garment in view.
func (cfg Policy) ForData(dataset string, channels int) Policy {
	if channels == 1 {
		cfg.Saturation, cfg.Hue, cfg.GrayP = 0, 0, 0
		if cfg.JitterP > 0 {
			cfg.BlurP = max(cfg.BlurP, 0.5)
		}
	}
	if src, err := data.SourceNamed(dataset); err == nil && src.NoFlip {
		cfg.FlipP = 0
	}
	return cfg
}

// Supervised is the light policy for the supervised baseline: crop and flip.
func Supervised() Policy {
	return Policy{CropScale: [2]float64{0.5, 1}, CropRatio: [2]float64{3.0 / 4, 4.0 / 3}, FlipP: 0.5}
}

// Apply writes one augmented view of src (h x w x c bytes, c = 1 or 3) into
// dst (h*w*c float32 in [0, 1]). On one channel the colour jitter reduces to
// brightness and contrast, and grayscale does nothing.
func (cfg Policy) Apply(rng *rand.Rand, src []uint8, h, w, c int, dst []float32) {
	cfg.ApplySized(rng, src, h, w, c, dst, h, w)
}

// ApplySized is Apply for a view of another size: the crop is resampled to
// oh x ow (dst holds oh*ow*c values), and the transforms after it work at
// that size — multi-crop's small local views.
func (cfg Policy) ApplySized(rng *rand.Rand, src []uint8, h, w, c int, dst []float32, oh, ow int) {
	cfg.crop(rng, src, h, w, c, dst, oh, ow)
	h, w = oh, ow
	if rng.Float64() < cfg.JitterP {
		cfg.jitter(rng, dst, c)
	}
	if rng.Float64() < cfg.GrayP && c == 3 {
		grayscale(dst)
	}
	if rng.Float64() < cfg.SolarizeP {
		for i, v := range dst {
			if v >= 0.5 {
				dst[i] = 1 - v
			}
		}
	}
	if rng.Float64() < cfg.BlurP {
		blur(dst, h, w, c, cfg.BlurSigma[0]+rng.Float64()*(cfg.BlurSigma[1]-cfg.BlurSigma[0]))
	}
	if cfg.TileGrid > 1 {
		shuffleTiles(rng, dst, h, w, c, cfg.TileGrid)
	}
}

// shuffleTiles cuts img (h×w×c) into grid×grid tiles (the last row and
// column absorb the remainder when the side does not divide) and puts them
// back in a random order; tiles of unequal size only trade places with tiles
// of their own size, so the image keeps its shape.
func shuffleTiles(rng *rand.Rand, img []float32, h, w, c, grid int) {
	edges := func(n int) []int {
		e := make([]int, grid+1)
		for i := range grid {
			e[i] = i * (n / grid)
		}
		e[grid] = n
		return e
	}
	ys, xs := edges(h), edges(w)
	type tile struct{ y, x, th, tw int }
	groups := map[[2]int][]tile{}
	var order [][2]int
	for r := range grid {
		for c := range grid {
			t := tile{ys[r], xs[c], ys[r+1] - ys[r], xs[c+1] - xs[c]}
			k := [2]int{t.th, t.tw}
			if groups[k] == nil {
				order = append(order, k)
			}
			groups[k] = append(groups[k], t)
		}
	}
	src := append([]float32(nil), img...)
	for _, k := range order {
		from := groups[k]
		to := append([]tile(nil), from...)
		rng.Shuffle(len(to), func(i, j int) { to[i], to[j] = to[j], to[i] })
		for i, f := range from {
			d := to[i]
			for y := range f.th {
				copy(img[((d.y+y)*w+d.x)*c:((d.y+y)*w+d.x+d.tw)*c], src[((f.y+y)*w+f.x)*c:((f.y+y)*w+f.x+f.tw)*c])
			}
		}
	}
}

// crop samples a random resized crop of the h x w image (as torchvision's
// RandomResizedCrop: up to ten tries, else the whole image), optionally flips
// it, and resamples it to oh x ow with bilinear interpolation.
func (cfg Policy) crop(rng *rand.Rand, src []uint8, h, w, c int, dst []float32, oh, ow int) {
	x0, y0, cw, ch := 0.0, 0.0, float64(w), float64(h)
	if cfg.CropScale[1] > 0 {
		area := float64(h * w)
		for range 10 {
			s := cfg.CropScale[0] + rng.Float64()*(cfg.CropScale[1]-cfg.CropScale[0])
			logR := math.Log(cfg.CropRatio[0]) + rng.Float64()*(math.Log(cfg.CropRatio[1])-math.Log(cfg.CropRatio[0]))
			r := math.Exp(logR)
			tw, th := math.Sqrt(area*s*r), math.Sqrt(area*s/r)
			if tw <= float64(w) && th <= float64(h) && tw >= 1 && th >= 1 {
				cw, ch = tw, th
				x0 = rng.Float64() * (float64(w) - tw)
				y0 = rng.Float64() * (float64(h) - th)
				break
			}
		}
	}
	flip := rng.Float64() < cfg.FlipP
	sx, sy := cw/float64(ow), ch/float64(oh)
	for y := range oh {
		fy := y0 + (float64(y)+0.5)*sy - 0.5
		fy = math.Min(math.Max(fy, 0), float64(h-1))
		iy := min(int(fy), h-2)
		ay := float32(fy - float64(iy))
		for x := range ow {
			xx := x
			if flip {
				xx = ow - 1 - x
			}
			fx := x0 + (float64(xx)+0.5)*sx - 0.5
			fx = math.Min(math.Max(fx, 0), float64(w-1))
			ix := min(int(fx), w-2)
			ax := float32(fx - float64(ix))
			o := (y*ow + x) * c
			for ch := range c {
				p00 := float32(src[(iy*w+ix)*c+ch])
				p01 := float32(src[(iy*w+ix+1)*c+ch])
				p10 := float32(src[((iy+1)*w+ix)*c+ch])
				p11 := float32(src[((iy+1)*w+ix+1)*c+ch])
				top := p00 + (p01-p00)*ax
				bot := p10 + (p11-p10)*ax
				dst[o+ch] = (top + (bot-top)*ay) / 255
			}
		}
	}
}

// jitter applies brightness, contrast, saturation and hue in a random order,
// with torchvision's definitions (hue as a rotation in YIQ space). On one
// channel (c = 1) saturation and hue have no meaning and are skipped.
func (cfg Policy) jitter(rng *rand.Rand, img []float32, c int) {
	// A factor uniform in [max(0, 1 − amount), 1 + amount], as torchvision's:
	// a strength above 1 (-jitter over 1.25) must not turn an image negative.
	factor := func(amount float64) float32 {
		lo := max(0, 1-amount)
		return float32(lo + rng.Float64()*(1+amount-lo))
	}
	for _, op := range rng.Perm(4) {
		switch op {
		case 0:
			if cfg.Brightness > 0 {
				f := factor(cfg.Brightness)
				for i, v := range img {
					img[i] = clamp01(v * f)
				}
			}
		case 1:
			if cfg.Contrast > 0 {
				f := factor(cfg.Contrast)
				var mean float32
				if c == 1 {
					for _, v := range img {
						mean += v
					}
				} else {
					for i := 0; i < len(img); i += 3 {
						mean += luma(img[i:])
					}
				}
				mean /= float32(len(img) / c)
				for i, v := range img {
					img[i] = clamp01((v-mean)*f + mean)
				}
			}
		case 2:
			if cfg.Saturation > 0 && c == 3 {
				f := factor(cfg.Saturation)
				for i := 0; i < len(img); i += 3 {
					g := luma(img[i:])
					for ch := range 3 {
						img[i+ch] = clamp01((img[i+ch]-g)*f + g)
					}
				}
			}
		case 3:
			if cfg.Hue > 0 && c == 3 {
				hueRotate(img, (rng.Float64()*2-1)*cfg.Hue*2*math.Pi)
			}
		}
	}
}

func luma(p []float32) float32 { return 0.299*p[0] + 0.587*p[1] + 0.114*p[2] }

func clamp01(v float32) float32 { return min(max(v, 0), 1) }

func grayscale(img []float32) {
	for i := 0; i < len(img); i += 3 {
		g := luma(img[i:])
		img[i], img[i+1], img[i+2] = g, g, g
	}
}

// hueRotate rotates the chroma of every pixel by angle radians in YIQ space.
func hueRotate(img []float32, angle float64) {
	cosA, sinA := float32(math.Cos(angle)), float32(math.Sin(angle))
	for i := 0; i < len(img); i += 3 {
		r, g, b := img[i], img[i+1], img[i+2]
		y := 0.299*r + 0.587*g + 0.114*b
		ci := 0.596*r - 0.274*g - 0.322*b
		cq := 0.211*r - 0.523*g + 0.312*b
		ci, cq = ci*cosA-cq*sinA, ci*sinA+cq*cosA
		img[i] = clamp01(y + 0.956*ci + 0.621*cq)
		img[i+1] = clamp01(y - 0.272*ci - 0.647*cq)
		img[i+2] = clamp01(y - 1.106*ci + 1.703*cq)
	}
}

// blur is a separable Gaussian blur with a 5-tap kernel, edges clamped.
func blur(img []float32, h, w, c int, sigma float64) {
	var k [5]float32
	var sum float32
	for i := range k {
		d := float64(i - 2)
		k[i] = float32(math.Exp(-d * d / (2 * sigma * sigma)))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	tmp := make([]float32, len(img))
	pass := func(from, to []float32, dx, dy int) {
		for y := range h {
			for x := range w {
				for ch := range c {
					var acc float32
					for t := -2; t <= 2; t++ {
						xx := min(max(x+t*dx, 0), w-1)
						yy := min(max(y+t*dy, 0), h-1)
						acc += k[t+2] * from[(yy*w+xx)*c+ch]
					}
					to[(y*w+x)*c+ch] = acc
				}
			}
		}
	}
	pass(img, tmp, 1, 0)
	pass(tmp, img, 0, 1)
}
