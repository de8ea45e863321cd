package augment

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/data"
)

func TestIdentityPolicyKeepsPixels(t *testing.T) {
	d := data.Shapes(data.ShapesConfig{Train: 4, Test: 1, Seed: 1}).Train
	dst := make([]float32, d.ImageSize())
	Policy{}.Apply(rand.New(rand.NewPCG(1, 1)), d.Image(2), 32, 32, 3, dst)
	for i, p := range d.Image(2) {
		if diff := dst[i] - float32(p)/255; diff > 1e-6 || diff < -1e-6 {
			t.Fatalf("pixel %d: %g, want %g", i, dst[i], float32(p)/255)
		}
	}
}

func TestFlipOnly(t *testing.T) {
	d := data.Shapes(data.ShapesConfig{Train: 1, Test: 1, Seed: 1}).Train
	dst := make([]float32, d.ImageSize())
	Policy{FlipP: 1}.Apply(rand.New(rand.NewPCG(1, 1)), d.Image(0), 32, 32, 3, dst)
	src := d.Image(0)
	for y := range 32 {
		for x := range 32 {
			if got, want := dst[(y*32+x)*3], float32(src[(y*32+31-x)*3])/255; got != want {
				t.Fatalf("(%d,%d): %g, want mirrored %g", y, x, got, want)
			}
		}
	}
}

func TestPipelineIsDeterministicAndOrdered(t *testing.T) {
	d := data.Shapes(data.ShapesConfig{Train: 100, Test: 1, Seed: 1}).Train
	collect := func(workers int) []Batch {
		p := NewPipeline(d, SimCLR(), 16, 7, true)
		p.Workers = workers
		var out []Batch
		for b := range p.Epoch(context.Background(), 3, 0) {
			out = append(out, b)
		}
		return out
	}
	a, b := collect(1), collect(4)
	if len(a) != 6 || len(b) != 6 {
		t.Fatalf("got %d and %d batches, want 100/16 = 6", len(a), len(b))
	}
	for i := range a {
		if a[i].Step != i || b[i].Step != i {
			t.Fatalf("batch %d has step %d / %d", i, a[i].Step, b[i].Step)
		}
		for j := range a[i].V1 {
			if a[i].V1[j] != b[i].V1[j] || a[i].V2[j] != b[i].V2[j] {
				t.Fatalf("batch %d differs between 1 and 4 workers", i)
			}
			if v := a[i].V1[j]; v < 0 || v > 1 {
				t.Fatalf("value %g outside [0, 1]", v)
			}
		}
	}
	same := 0
	for j := range a[0].V1 {
		if a[0].V1[j] == a[0].V2[j] {
			same++
		}
	}
	if same > len(a[0].V1)/2 {
		t.Errorf("the two views agree on %d of %d values: they should be independent", same, len(a[0].V1))
	}
	// Resuming mid-epoch yields the batches it would have seen.
	p := NewPipeline(d, SimCLR(), 16, 7, true)
	first := <-p.Epoch(context.Background(), 3, 4)
	if first.Step != 4 || first.V1[0] != a[4].V1[0] {
		t.Errorf("resumed pipeline gave step %d", first.Step)
	}
}

func TestPipelineStopsOnCancel(t *testing.T) {
	d := data.Shapes(data.ShapesConfig{Train: 256, Test: 1, Seed: 1}).Train
	ctx, cancel := context.WithCancel(context.Background())
	ch := NewPipeline(d, SimCLR(), 8, 1, true).Epoch(ctx, 0, 0)
	<-ch
	cancel()
	n := 0
	for range ch {
		n++
	}
	if n > 8 {
		t.Errorf("%d batches after cancel; the channel should close promptly", n)
	}
}

// BenchmarkAugment measures the pipeline's throughput in augmented images
// (views) per second, all workers together, against the trainer's need.
func BenchmarkAugment(b *testing.B) {
	d := data.Shapes(data.ShapesConfig{Train: 2048, Test: 1, Seed: 1}).Train
	p := NewPipeline(d, SimCLR(), 128, 1, true)
	views := 0
	for i := 0; b.Loop(); i++ {
		for batch := range p.Epoch(context.Background(), i, 0) {
			views += 2 * len(batch.Labels)
		}
	}
	b.ReportMetric(float64(views)/b.Elapsed().Seconds(), "images/s")
}

// Shuffling tiles moves whole tiles: every tile of the result is a tile of
// the source, each used once; the pixels are the same multiset.
func TestShuffleTiles(t *testing.T) {
	const h, w, grid = 6, 6, 3
	img := make([]float32, h*w*3)
	for i := range img {
		img[i] = float32(i)
	}
	out := append([]float32(nil), img...)
	shuffleTiles(rand.New(rand.NewPCG(1, 2)), out, h, w, 3, grid)
	tileAt := func(im []float32, r, c int) []float32 {
		var v []float32
		for y := range 2 {
			v = append(v, im[((r*2+y)*w+c*2)*3:((r*2+y)*w+c*2+2)*3]...)
		}
		return v
	}
	used := map[[2]int]bool{}
	moved := 0
	for r := range grid {
		for c := range grid {
			got := tileAt(out, r, c)
			found := false
			for sr := range grid {
				for sc := range grid {
					if !used[[2]int{sr, sc}] && slices.Equal(got, tileAt(img, sr, sc)) {
						used[[2]int{sr, sc}], found = true, true
						if sr != r || sc != c {
							moved++
						}
					}
				}
			}
			if !found {
				t.Fatalf("tile (%d,%d) of the result is no unused tile of the source", r, c)
			}
		}
	}
	if moved == 0 {
		t.Error("no tile moved")
	}
}

// A gray image stays one channel through every transform, and the policy
// adapted to it says what runs: no saturation, hue or grayscale step.
func TestGrayViews(t *testing.T) {
	const h, w = 12, 10
	src := make([]uint8, h*w)
	for i := range src {
		src[i] = uint8(i * 2)
	}
	cfg := SimCLR().ForData("fashion-mnist", 1)
	if cfg.Saturation != 0 || cfg.Hue != 0 || cfg.GrayP != 0 || cfg.Brightness == 0 || cfg.Contrast == 0 || cfg.FlipP == 0 || cfg.BlurP != 0.5 {
		t.Errorf("gray policy %+v: want brightness and contrast, blur 0.5, no saturation, hue or grayscale, the flip kept", cfg)
	}
	if sup := Supervised().ForData("fashion-mnist", 1); sup != Supervised() {
		t.Errorf("the crop-and-flip policy changed on gray data: %+v", sup)
	}
	cfg.BlurP, cfg.SolarizeP, cfg.TileGrid = 1, 1, 2
	dst := make([]float32, h*w)
	rng := rand.New(rand.NewPCG(1, 1))
	for range 20 {
		cfg.Apply(rng, src, h, w, 1, dst)
		for i, v := range dst {
			if v < 0 || v > 1 || math.IsNaN(float64(v)) {
				t.Fatalf("value %d of a gray view is %v", i, v)
			}
		}
	}
	if SimCLR().ForData("mnist", 1).FlipP != 0 {
		t.Error("digits keep the horizontal flip")
	}
	if rgb := SimCLR().ForData("shapes", 3); rgb != SimCLR() {
		t.Errorf("an RGB dataset's policy changed: %+v", rgb)
	}
}

// Multi-crop: a two-view pipeline whose policy asks for local views makes
// that many, each at its size; without cropping, a local view of the whole
// image is the image resampled (every other pixel of a 2x downsampling with
// bilinear weights ½ between two pixels: the mean of a 2×2 block).
func TestLocalCrops(t *testing.T) {
	d := data.Shapes(data.ShapesConfig{Train: 8, Test: 1, Seed: 1}).Train
	if s := (LocalCrops{}).SizeFor(32); s != 16 {
		t.Errorf("local views of 32-pixel images: %d pixels, want 16", s)
	}
	if s := (LocalCrops{}).SizeFor(28); s != 12 {
		t.Errorf("local views of 28-pixel images: %d pixels, want 12 (a multiple of 4)", s)
	}
	cfg := SimCLRShapes()
	cfg.Local = LocalCrops{N: 3, Scale: [2]float64{0.05, 0.4}}
	b := NewPipeline(d, cfg, 4, 1, true).Make(0, 0, []int{0, 1, 2, 3})
	if len(b.Local) != 3 || b.LocalSize != 16 {
		t.Fatalf("%d local views of %d pixels, want 3 of 16", len(b.Local), b.LocalSize)
	}
	for i, v := range b.Local {
		if len(v) != 4*16*16*3 {
			t.Errorf("local view %d: %d values, want %d", i, len(v), 4*16*16*3)
		}
	}
	if single := NewPipeline(d, cfg, 4, 1, false).Make(0, 0, []int{0, 1, 2, 3}); single.Local != nil {
		t.Errorf("a single-view pipeline made %d local views", len(single.Local))
	}
	dst := make([]float32, 16*16*3)
	Policy{}.ApplySized(rand.New(rand.NewPCG(1, 1)), d.Image(0), 32, 32, 3, dst, 16, 16)
	src := d.Image(0)
	for y := range 16 {
		for x := range 16 {
			for c := range 3 {
				at := func(yy, xx int) float64 { return float64(src[(yy*32+xx)*3+c]) / 255 }
				want := (at(2*y, 2*x) + at(2*y, 2*x+1) + at(2*y+1, 2*x) + at(2*y+1, 2*x+1)) / 4
				if got := float64(dst[(y*16+x)*3+c]); math.Abs(got-want) > 1e-5 {
					t.Fatalf("(%d, %d, %d): %g, want the 2×2 mean %g", y, x, c, got, want)
				}
			}
		}
	}
}
