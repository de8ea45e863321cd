package experiment

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeFolder writes perClass PNGs of 8×8 for each of four classes under
// dir/<class>/, class by class, as a user's folder would be listed.
func writeFolder(t *testing.T, dir string, perClass int) {
	t.Helper()
	for c, class := range []string{"a", "b", "c", "d"} {
		if err := os.MkdirAll(filepath.Join(dir, class), 0o755); err != nil {
			t.Fatal(err)
		}
		for i := range perClass {
			img := image.NewGray(image.Rect(0, 0, 8, 8))
			for p := range img.Pix {
				img.Pix[p] = uint8(c*60 + i + p)
			}
			var buf bytes.Buffer
			if err := png.Encode(&buf, img); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, class, fmt.Sprintf("%03d.png", i)), buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestSplitsKeepEveryClass loads folders larger than the split sizes — flat
// (split by the stratified splitter) and with train/ and test/ — and checks
// that every class is in both splits, in proportion: no split anywhere is
// cut to its first N images (which, listed class by class, would be one or
// two classes).
func TestSplitsKeepEveryClass(t *testing.T) {
	flat := t.TempDir()
	writeFolder(t, flat, 40) // 4 × 40: 128 train + 32 test after the 20% hold-out
	split := t.TempDir()
	writeFolder(t, filepath.Join(split, "train"), 30)
	writeFolder(t, filepath.Join(split, "test"), 10)
	for _, dir := range []string{flat, split} {
		o, _ := tinyOptions(t, t.TempDir(), "-dataset", "folder", "-data-dir", dir, "-train", "40", "-test", "12")
		o.Dataset, o.DataDir, o.Train, o.Test, o.Batch = "folder", dir, 40, 12, 8
		s, err := o.LoadData()
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Train.ClassCounts(); !slices.Equal(got, []int{10, 10, 10, 10}) {
			t.Errorf("%s: training split per class %v, want 10 each", dir, got)
		}
		if got := s.Test.ClassCounts(); !slices.Equal(got, []int{3, 3, 3, 3}) {
			t.Errorf("%s: test split per class %v, want 3 each", dir, got)
		}
		if first := s.Test.Labels[:4]; first[0] == first[1] && first[1] == first[2] && first[2] == first[3] {
			t.Errorf("%s: the test split starts with one class %v: t-SNE's and the figures' first images would be", dir, first)
		}
	}
}

// TestMissingIDXFiles: -dataset mnist with no files names what is missing
// and where to put it, before anything trains.
func TestMissingIDXFiles(t *testing.T) {
	o, _ := tinyOptions(t, t.TempDir())
	o.Dataset, o.DataDir = "mnist", t.TempDir()
	_, err := o.LoadData()
	if err == nil || !strings.Contains(err.Error(), "t10k-labels-idx1-ubyte") || !strings.Contains(err.Error(), "-data-dir") {
		t.Errorf("want the missing files and the fix in the error, got %v", err)
	}
}
