package data

import (
	"bytes"
	"testing"
)

// The histopathology patches are reproducible, balanced, of any size, and
// look like H&E: pink stroma with purple nuclei, more and darker nuclei in
// malignant patches on average.
func TestHisto(t *testing.T) {
	a := Histo(HistoConfig{Train: 200, Test: 40, Seed: 3})
	b := Histo(HistoConfig{Train: 200, Test: 40, Seed: 3})
	c := Histo(HistoConfig{Train: 200, Test: 40, Seed: 4})
	if !bytes.Equal(a.Train.Pixels, b.Train.Pixels) || bytes.Equal(a.Train.Pixels, c.Train.Pixels) {
		t.Fatal("the same seed must give the same patches, another seed others")
	}
	if err := a.Train.Validate(); err != nil {
		t.Fatal(err)
	}
	counts := []int{0, 0}
	purple := []float64{0, 0} // fraction of pixels where blue exceeds red: haematoxylin
	for i, l := range a.Train.Labels {
		counts[l]++
		img := a.Train.Image(i)
		for p := 0; p < len(img); p += 3 {
			if img[p+2] > img[p] {
				purple[l]++
			}
		}
	}
	pixels := float64(a.Train.Height * a.Train.Width)
	if counts[0] != 100 || counts[1] != 100 {
		t.Errorf("classes %v, want 100 each", counts)
	}
	benign, malignant := purple[0]/100/pixels, purple[1]/100/pixels
	if benign < 0.02 || malignant < 1.5*benign || malignant > 0.6 {
		t.Errorf("nuclear area: benign %.3f, malignant %.3f of the pixels; want a few percent, clearly more when malignant", benign, malignant)
	}
	big := Histo(HistoConfig{Train: 2, Test: 2, Size: 96, Seed: 1})
	if big.Train.Height != 96 || big.Train.Width != 96 || big.Train.Validate() != nil {
		t.Errorf("96-pixel patches (PatchCamelyon's size): got %dx%d", big.Train.Height, big.Train.Width)
	}
}
