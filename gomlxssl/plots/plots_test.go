package plots

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func wellFormed(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		if _, err := d.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("%s is not well-formed XML: %v", path, err)
		}
	}
	return b
}

func TestFigures(t *testing.T) {
	dir := t.TempDir()
	chart := filepath.Join(dir, "c.svg")
	if err := LineChart(chart, Chart{Title: "t", XLabel: "epoch", YLabel: "%", YMax: 100, IntegerX: true},
		[]Line{{Name: "a", X: []float64{1, 2, 3}, Y: []float64{10, 20, 30}}}, []HLine{{Name: "floor", Value: 5}}); err != nil {
		t.Fatal(err)
	}
	plain := wellFormed(t, chart)
	if !bytes.Contains(plain, []byte(svgFonts)) || bytes.Contains(plain, []byte("Serif")) {
		t.Error("the chart's text is not in the page's sans-serif")
	}
	// A band across seeds is one more filled path, translucent.
	banded := filepath.Join(dir, "b.svg")
	if err := LineChart(banded, Chart{Title: "t", XLabel: "epoch", YLabel: "%", IntegerX: true},
		[]Line{{Name: "a", X: []float64{1, 2, 3}, Y: []float64{10, 20, 30}, Spread: []float64{1, 2, 1}}}, nil); err != nil {
		t.Fatal(err)
	}
	if b := wellFormed(t, banded); !bytes.Contains(b, []byte("fill-opacity")) || bytes.Contains(plain, []byte("fill-opacity")) {
		t.Error("want a translucent band with Spread, and none without")
	}
	grid := filepath.Join(dir, "g.svg")
	img := make([]float32, 4*4*3)
	for i := range img {
		img[i] = float32(i) / float32(len(img))
	}
	if err := ImageGrid(grid, "views", [][][]float32{{img, img}, {img}}, 4, 4); err != nil {
		t.Fatal(err)
	}
	b := wellFormed(t, grid)
	if !bytes.Contains(b, []byte("data:image/png;base64,")) || bytes.Contains(b, []byte("data:image/jpg")) {
		t.Error("the grid's embedded PNG must be labelled image/png")
	}
}

func TestBarChart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bars.svg")
	if err := BarChart(path, Chart{Title: "KL per dimension", XLabel: "dimension", YLabel: "nats"},
		[]string{"0", "1", "2"}, []float64{0.5, 2, 0.01}, HLine{Name: "active", Value: 0.1}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(b), "<svg") || !strings.Contains(string(b), "KL per dimension") {
		t.Errorf("bar chart not written as SVG: %v", err)
	}
}

func TestGroupedBars(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sweep.svg")
	if err := GroupedBars(path, Chart{Title: "sweep", YLabel: "%", YMin: 0, YMax: 100}, []string{"a", "b"},
		[]Series{{Name: "pretext", Values: []float64{80, 20}}, {Name: "kNN", Values: []float64{30, 40}}}); err != nil {
		t.Fatal(err)
	}
	if b := wellFormed(t, path); !strings.Contains(string(b), "pretext") {
		t.Error("the legend lacks the series' names")
	}
}

// Axis ticks fall on round values with the decimals their step needs.
func TestNiceTicks(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		want   []string
	}{
		{72.3, 89.4, []string{"75", "80", "85"}},
		{0, 100, []string{"0", "20", "40", "60", "80", "100"}},
		{1.85, 3.7, []string{"2.0", "2.5", "3.0", "3.5"}},
		{0.012, 0.031, []string{"0.015", "0.020", "0.025", "0.030"}},
	} {
		var got []string
		for _, tk := range (niceTicks{}).Ticks(c.lo, c.hi) {
			got = append(got, tk.Label)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("ticks of [%g, %g]: %v, want %v", c.lo, c.hi, got, c.want)
		}
	}
}
