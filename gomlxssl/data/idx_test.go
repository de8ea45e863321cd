package data

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeIDXSet writes a small Fashion-MNIST-shaped dataset (n training and m
// test images of 4×3 pixels) into dir, gzipped or plain.
func writeIDXSet(t *testing.T, dir string, n, m int, gz bool) {
	t.Helper()
	ext := ""
	if gz {
		ext = ".gz"
	}
	part := func(images, labels string, count int) {
		px := make([]uint8, count*4*3)
		for i := range px {
			px[i] = uint8(i)
		}
		ls := make([]uint8, count)
		for i := range ls {
			ls[i] = uint8(i % 10)
		}
		if err := WriteIDX(filepath.Join(dir, images+ext), []int{count, 4, 3}, px); err != nil {
			t.Fatal(err)
		}
		if err := WriteIDX(filepath.Join(dir, labels+ext), []int{count}, ls); err != nil {
			t.Fatal(err)
		}
	}
	part(idxTrainImages, idxTrainLabels, n)
	part(idxTestImages, idxTestLabels, m)
}

func TestIDXRoundTrip(t *testing.T) {
	for _, gz := range []bool{false, true} {
		dir := t.TempDir()
		writeIDXSet(t, dir, 30, 20, gz)
		s, err := FashionMNIST(dir).Load()
		if err != nil {
			t.Fatal(err)
		}
		if s.Train.Len() != 30 || s.Test.Len() != 20 || s.Train.Height != 4 || s.Train.Width != 3 || s.Train.Channels != 1 {
			t.Fatalf("gzip %v: %d/%d images of %dx%dx%d", gz, s.Train.Len(), s.Test.Len(), s.Train.Height, s.Train.Width, s.Train.Channels)
		}
		if s.Train.Labels[13] != 3 || s.Train.Image(1)[0] != 12 || s.Train.Classes[9] != "Ankle boot" {
			t.Errorf("gzip %v: label %d, pixel %d, class %q", gz, s.Train.Labels[13], s.Train.Image(1)[0], s.Train.Classes[9])
		}
		if err := s.Train.Validate(); err != nil {
			t.Error(err)
		}
	}
}

// TestIDXBadFiles checks that each way a file can be wrong ends in an error
// that names the file and says what is wrong, and that nothing is returned.
func TestIDXBadFiles(t *testing.T) {
	gzipOf := func(b []byte) []byte {
		var buf bytes.Buffer
		w := gzip.NewWriter(&buf)
		w.Write(b)
		w.Close()
		return buf.Bytes()
	}
	cut := func(b []byte, n int) []byte { return b[:len(b)-n] }
	header := func(dims ...int) []byte {
		b := []byte{0, 0, 8, byte(len(dims))}
		for _, d := range dims {
			b = append(b, byte(d>>24), byte(d>>16), byte(d>>8), byte(d))
		}
		return b
	}
	cases := []struct {
		name, file string
		content    []byte
		want       string
	}{
		{"magic", idxTrainImages, append([]byte{0, 0, 9, 3}, make([]byte, 100)...), "magic number"},
		{"not gzip", idxTrainImages + ".gz", []byte("this is not gzip data at all"), "not a gzip file"},
		{"corrupt gzip", idxTrainImages + ".gz", cut(gzipOf(append(header(30, 4, 3), make([]byte, 360)...)), 6), "unexpected"},
		{"truncated", idxTrainImages, append(header(30, 4, 3), make([]byte, 100)...), "truncated"},
		{"trailing", idxTrainImages, append(header(30, 4, 3), make([]byte, 400)...), "bytes after"},
		{"short header", idxTrainImages, []byte{0, 0}, "too short"},
		{"images as labels", idxTrainLabels, append(header(30, 4, 3), make([]byte, 360)...), "want 1"},
		{"counts differ", idxTrainLabels, append(header(29), make([]byte, 29)...), "29 labels"},
		{"label range", idxTrainLabels, append(header(30), append(make([]byte, 29), 10)...), "outside 0–9"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeIDXSet(t, dir, 30, 20, false)
			for _, f := range []string{c.file, strings.TrimSuffix(c.file, ".gz")} {
				os.Remove(filepath.Join(dir, f))
			}
			path := filepath.Join(dir, c.file)
			if err := os.WriteFile(path, c.content, 0o644); err != nil {
				t.Fatal(err)
			}
			s, err := FashionMNIST(dir).Load()
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.file) {
				t.Fatalf("want an error naming %s and saying %q, got %v", c.file, c.want, err)
			}
			if s.Train != nil || s.Test != nil {
				t.Error("a bad file left a half-loaded split")
			}
		})
	}
}

func TestIDXMissingFiles(t *testing.T) {
	dir := t.TempDir()
	ds := FashionMNIST(dir)
	ds.Dirs = ds.Dirs[:2] // not the system directory, which may hold the real files
	writeIDXSet(t, dir, 30, 20, true)
	os.Remove(filepath.Join(dir, idxTestLabels+".gz"))
	_, err := ds.Load()
	for _, want := range []string{dir + " lacks " + idxTestLabels, "apt-get install dataset-fashion-mnist", filepath.Join(dir, "fashion-mnist") + " has none"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("missing file: want %q in the error, got %v", want, err)
		}
	}
	_, err = MNIST(t.TempDir()).Load()
	if err == nil || !strings.Contains(err.Error(), "-data-dir") {
		t.Errorf("missing MNIST: %v", err)
	}
}

// TestRealFashionMNIST reads the real files where Debian's package put them
// (CI installs it): the published counts, balanced classes.
func TestRealFashionMNIST(t *testing.T) {
	if _, err := os.Stat(FashionMNISTSystemDir); err != nil {
		t.Skip("dataset-fashion-mnist is not installed (apt-get install dataset-fashion-mnist)")
	}
	s, err := FashionMNIST(t.TempDir()).Load()
	if err != nil {
		t.Fatal(err)
	}
	if s.Train.Len() != 60000 || s.Test.Len() != 10000 || s.Train.Height != 28 || s.Train.Channels != 1 {
		t.Fatalf("%d/%d images of %dx%dx%d, want 60000/10000 of 28x28x1", s.Train.Len(), s.Test.Len(), s.Train.Height, s.Train.Width, s.Train.Channels)
	}
	for c, n := range s.Test.ClassCounts() {
		if n != 1000 {
			t.Errorf("test class %s has %d images, want 1000", s.Test.Classes[c], n)
		}
	}
}

// TestSampleKeepsClasses checks that a subset of a class-ordered dataset
// keeps every class in proportion, in a mixed order, reproducibly.
func TestSampleKeepsClasses(t *testing.T) {
	d := &Dataset{Name: "ordered", Height: 1, Width: 1, Channels: 1, Classes: []string{"a", "b", "c", "d"}}
	for c, n := range []int{400, 300, 200, 100} { // class by class, as a folder lists them
		for i := range n {
			d.Pixels = append(d.Pixels, uint8(i))
			d.Labels = append(d.Labels, int32(c))
		}
	}
	s := d.Sample(100, 7)
	if got := s.ClassCounts(); got[0] != 40 || got[1] != 30 || got[2] != 20 || got[3] != 10 {
		t.Errorf("per class %v, want [40 30 20 10]", got)
	}
	if first := s.Subset([]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}).ClassCounts(); first[0] == 10 {
		t.Errorf("the sample's first ten images are all of one class: %v", first)
	}
	if !bytes.Equal(d.Sample(100, 7).Pixels, s.Pixels) || bytes.Equal(d.Sample(100, 8).Pixels, s.Pixels) {
		t.Error("Sample is not a function of its seed")
	}
	if all := d.Sample(0, 1); all.Len() != d.Len() {
		t.Errorf("Sample(0) kept %d of %d", all.Len(), d.Len())
	}
	if odd := d.Sample(7, 1); odd.Len() != 7 || odd.ClassCounts()[0] < 2 {
		t.Errorf("Sample(7): %v", odd.ClassCounts())
	}
}
