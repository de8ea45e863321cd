package data

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestShapesDeterministicAndBalanced(t *testing.T) {
	a := Shapes(ShapesConfig{Train: 200, Test: 50, Seed: 3})
	b := Shapes(ShapesConfig{Train: 200, Test: 50, Seed: 3})
	c := Shapes(ShapesConfig{Train: 200, Test: 50, Seed: 4})
	if !bytes.Equal(a.Train.Pixels, b.Train.Pixels) || !bytes.Equal(a.Test.Pixels, b.Test.Pixels) {
		t.Fatal("same seed gave different images")
	}
	if bytes.Equal(a.Train.Pixels, c.Train.Pixels) {
		t.Fatal("different seeds gave the same images")
	}
	if bytes.Equal(a.Train.Pixels[:a.Train.ImageSize()], a.Test.Pixels[:a.Test.ImageSize()]) {
		t.Fatal("train and test splits start with the same image")
	}
	if err := a.Train.Validate(); err != nil {
		t.Fatal(err)
	}
	counts := make([]int, len(ShapeClasses))
	for _, l := range a.Train.Labels {
		counts[l]++
	}
	for i, n := range counts {
		if n != 20 {
			t.Errorf("class %s has %d of 200 images, want 20", ShapeClasses[i], n)
		}
	}
}

func TestShapesNuisanceVaries(t *testing.T) {
	// Two images of the same class must differ a lot (colours, texture, pose):
	// the class is the shape alone.
	d := Shapes(ShapesConfig{Train: 20, Test: 10, Seed: 1}).Train
	var diff float64
	a, b := d.Image(0), d.Image(10) // both circles
	for i := range a {
		diff += abs(float64(a[i]) - float64(b[i]))
	}
	if mean := diff / float64(len(a)); mean < 20 {
		t.Errorf("two circles differ by %.1f grey levels on average; the nuisance is too weak", mean)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// writeCIFARFile writes records in the real byte layout: label, then the red,
// green and blue planes of a 32x32 image; pixel (y, x, c) = (label + 7y + 3x + 50c) mod 256.
func writeCIFARFile(t *testing.T, path string, labels []byte) {
	t.Helper()
	var buf bytes.Buffer
	for _, l := range labels {
		buf.WriteByte(l)
		for c := range 3 {
			for y := range 32 {
				for x := range 32 {
					buf.WriteByte(byte(int(l) + 7*y + 3*x + 50*c))
				}
			}
		}
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeCIFARDir(t *testing.T, dir string, perFile int) {
	t.Helper()
	for i, f := range append(append([]string{}, CIFAR10TrainFiles...), CIFAR10TestFile) {
		labels := make([]byte, perFile)
		for j := range labels {
			labels[j] = byte((i + j) % 10)
		}
		writeCIFARFile(t, filepath.Join(dir, f), labels)
	}
}

func TestLoadCIFAR10(t *testing.T) {
	dir := t.TempDir()
	writeCIFARDir(t, dir, 60)
	s, err := LoadCIFAR10(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if s.Train.Len() != 300 || s.Test.Len() != 60 {
		t.Fatalf("loaded %d train / %d test, want 300 / 60", s.Train.Len(), s.Test.Len())
	}
	// Record 7 of data_batch_2 (file index 1): label (1+7)%10 = 8.
	i := 60 + 7
	if s.Train.Labels[i] != 8 {
		t.Fatalf("label %d, want 8", s.Train.Labels[i])
	}
	img := s.Train.Image(i)
	for _, p := range [][3]int{{0, 0, 0}, {5, 9, 1}, {31, 31, 2}} {
		y, x, c := p[0], p[1], p[2]
		want := byte(8 + 7*y + 3*x + 50*c)
		if got := img[(y*32+x)*3+c]; got != want {
			t.Errorf("pixel (%d,%d,%d) = %d, want %d", y, x, c, got, want)
		}
	}
}

func TestLoadCIFAR10Errors(t *testing.T) {
	dir := t.TempDir()
	_, err := LoadCIFAR10(dir, false)
	if err == nil || !strings.Contains(err.Error(), "data_batch_1.bin") || !strings.Contains(err.Error(), CIFAR10URL) {
		t.Fatalf("missing files: want an error naming the files and the URL, got %v", err)
	}
	writeCIFARDir(t, dir, 10)
	path := filepath.Join(dir, "data_batch_3.bin")
	b, _ := os.ReadFile(path)
	if err := os.WriteFile(path, b[:len(b)-100], 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = LoadCIFAR10(dir, false)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("truncated file: want an error naming %s, got %v", path, err)
	}
}

func TestDownloadFailsFastOffline(t *testing.T) {
	if testing.Short() {
		t.Skip("network probe")
	}
	start := time.Now()
	_, err := LoadCIFAR10(t.TempDir(), true)
	if err == nil {
		t.Skip("network available: the download worked")
	}
	if !strings.Contains(err.Error(), CIFAR10URL) {
		t.Errorf("want the URL in %v", err)
	}
	if d := time.Since(start); d > 40*time.Second {
		t.Errorf("offline download took %v to fail", d)
	}
}

func TestExportRoundTrips(t *testing.T) {
	s := Shapes(ShapesConfig{Train: 30, Test: 20, Seed: 9})
	dir := t.TempDir()
	if err := ExportCIFAR10(dir, s); err != nil {
		t.Fatal(err)
	}
	back, err := LoadCIFAR10(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back.Train.Pixels, s.Train.Pixels) || !bytes.Equal(back.Test.Pixels, s.Test.Pixels) {
		t.Fatal("CIFAR-10 export does not round-trip the pixels")
	}
	folder := t.TempDir()
	if err := ExportImageFolder(folder, s); err != nil {
		t.Fatal(err)
	}
	f, err := LoadImageFolder(folder, 32, 0.2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if f.Train.Len() != 30 || f.Test.Len() != 20 || len(f.Train.Classes) != 10 {
		t.Fatalf("folder round trip: %d/%d images, %d classes", f.Train.Len(), f.Test.Len(), len(f.Train.Classes))
	}
	// Same pixels for the same label multiset (PNG is lossless; same size, no resampling change).
	sum := func(d *Dataset) (n int) {
		for _, p := range d.Pixels {
			n += int(p)
		}
		return n
	}
	if sum(f.Train) != sum(s.Train) {
		t.Fatal("image folder export changed pixel values")
	}
}

func writePNG(t *testing.T, path string, w, h int) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range w * h {
		img.Set(i%w, i/w, color.RGBA{uint8(i), uint8(2 * i), 100, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestImageFolder(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []string{"benign", "malignant"} {
		for i := range 5 {
			writePNG(t, filepath.Join(dir, c, string(rune('a'+i))+".png"), 40+i, 48) // any size: resized
		}
	}
	os.WriteFile(filepath.Join(dir, "benign", ".DS_Store"), []byte("x"), 0o644) // hidden: skipped
	s, err := LoadImageFolder(dir, 32, 0.2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if s.Train.Len()+s.Test.Len() != 10 || s.Test.Len() != 2 || s.Train.Height != 32 {
		t.Fatalf("got %d train + %d test images of %d px", s.Train.Len(), s.Test.Len(), s.Train.Height)
	}
	if s.Train.Classes[0] != "benign" || s.Train.Classes[1] != "malignant" {
		t.Fatalf("classes %v", s.Train.Classes)
	}

	bad := filepath.Join(dir, "malignant", "notes.txt")
	os.WriteFile(bad, []byte("hello"), 0o644)
	if _, err := LoadImageFolder(dir, 32, 0.2, 1); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("non-image file: want an error naming %s, got %v", bad, err)
	}
	os.Remove(bad)
	corrupt := filepath.Join(dir, "malignant", "broken.png")
	os.WriteFile(corrupt, []byte("\x89PNG\r\n\x1a\nnot really"), 0o644)
	if _, err := LoadImageFolder(dir, 32, 0.2, 1); err == nil || !strings.Contains(err.Error(), corrupt) {
		t.Errorf("corrupt PNG: want an error naming %s, got %v", corrupt, err)
	}
	os.Remove(corrupt)
	os.MkdirAll(filepath.Join(dir, "empty"), 0o755)
	if _, err := LoadImageFolder(dir, 32, 0.2, 1); err == nil || !strings.Contains(err.Error(), `"empty"`) {
		t.Errorf("empty class: want an error naming it, got %v", err)
	}
}

func BenchmarkShapesGeneration(b *testing.B) {
	for b.Loop() {
		Shapes(ShapesConfig{Train: 1000, Test: 1, Seed: 1})
	}
	b.ReportMetric(float64(1001*b.N)/b.Elapsed().Seconds(), "images/s")
}

// Tiles places image indices[t] at tile t, its pixels unchanged, for both
// gray and colour images.
func TestTiles(t *testing.T) {
	s := Shapes(ShapesConfig{Train: 20, Test: 10, Size: 8, Seed: 1})
	gray := &Dataset{Name: "g", Height: 2, Width: 3, Channels: 1, Classes: []string{"a"},
		Pixels: []uint8{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, Labels: []int32{0, 0}}
	for _, d := range []*Dataset{s.Train, gray} {
		idx := []int{1, 0, 1}
		img, err := Tiles(d, idx, 2)
		if err != nil {
			t.Fatal(err)
		}
		if got := img.Bounds().Size(); got.X != 2*d.Width || got.Y != 2*d.Height {
			t.Fatalf("%s: %v, want %d×%d", d.Name, got, 2*d.Width, 2*d.Height)
		}
		for tile, i := range idx {
			x0, y0 := (tile%2)*d.Width, (tile/2)*d.Height
			px := d.Image(i)
			for y := range d.Height {
				for x := range d.Width {
					r, g, _, _ := img.At(x0+x, y0+y).RGBA()
					want := px[(y*d.Width+x)*d.Channels]
					if d.Channels == 3 {
						if g>>8 != uint32(px[(y*d.Width+x)*3+1]) {
							t.Fatalf("%s tile %d (%d,%d): green %d", d.Name, tile, x, y, g>>8)
						}
					}
					if r>>8 != uint32(want) {
						t.Fatalf("%s tile %d (%d,%d): %d, want %d", d.Name, tile, x, y, r>>8, want)
					}
				}
			}
		}
	}
	if _, err := Tiles(gray, []int{2}, 1); err == nil {
		t.Error("an image past the end: no error")
	}
}
