package site

import (
	"fmt"
	"math"
	"strings"

	"github.com/mega-ssl/mega/gomlxssl/results"
)

// cell is one table cell: a figure's text and, for an accuracy, its
// uncertainty (PM, the half-width shown as "±", and Title, the interval
// itself); Best and Level are the comparison's marks.
type cell struct {
	Text, PM, Title string
	// Best: the column's top, ahead of every other eligible row by more than
	// their combined uncertainty (★). Level: the column's top or within that
	// uncertainty of it, when nothing leads (≈).
	Best, Level bool
	// Wrap lets a long text cell break.
	Wrap bool
	// value and half are the accuracy and its half-width for the marks
	// (half 0: no uncertainty known); scored is set for an accuracy.
	value, half float64
	scored      bool
}

// dash is the cell of a figure that was not measured or means nothing here.
var dash = cell{Text: "—"}

// accuracy is the cell of an accuracy p measured on n test images, with its
// 95% Wilson interval: the test set's own sampling error, the floor of any
// run's uncertainty (the spread over seeds comes on top of it).
func accuracy(p float64, n int) cell {
	c := cell{Text: pct(p), value: p, scored: true}
	if n > 0 {
		lo, hi := results.Wilson(p, n, results.Z95)
		c.half = (hi - lo) / 2
		c.PM = fmt.Sprintf("%.1f", 100*c.half)
		// The tables' notes say once that it is Wilson's over the test
		// images (repeated in 1,800 cells it weighed 50 KB).
		c.Title = fmt.Sprintf("95%% interval %.1f–%.1f%%", 100*lo, 100*hi)
	}
	return c
}

// apart tells whether accuracies a and b differ by more than their
// combined uncertainty √(u_a² + u_b²) — for two 95% half-widths, the
// two-proportion test at 95% (conservative here: every run is scored on the
// same test images, whose errors a paired test would cancel).
func apart(a, b cell) bool {
	return math.Abs(a.value-b.value) > math.Hypot(a.half, b.half)
}

// thousands writes n with thin-space-free commas: 10,000.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// spread is the cell of an accuracy over several seeds, measured on n test
// images: the mean ± the standard deviation over the seeds, the per-seed
// values on hover. For the marks its uncertainty is the seeds' spread and
// the test set's interval together.
func spread(s results.Spread, n int) cell {
	c := accuracy(s.Mean, n)
	var each []string
	for _, v := range s.Values {
		each = append(each, pct(v))
	}
	c.PM = fmt.Sprintf("%.1f", 100*s.SD)
	c.Title = fmt.Sprintf("mean ± standard deviation over %d seeds (%s); the test set's own 95%% interval adds ±%.1f",
		len(s.Values), strings.Join(each, ", "), 100*c.half)
	c.half = math.Hypot(s.SD, c.half)
	return c
}

// probeKeys are the probes' figures in the tables' order (kNN, linear top-1
// and top-5, both 1%-label figures), as the aggregate names them.
var probeKeys = []string{"knn_top1", "linear_top1", "linear_top5", "knn_top1_1pct", "linear_top1_1pct"}

// seedCells replaces the accuracy cells of a run, cells[i] holding the
// figure keys[i] (probeKeys by default), with the aggregate's over its
// seeds, where it has them.
func seedCells(cells []cell, agg *results.Seeds, n int, keys ...string) {
	if len(keys) == 0 {
		keys = probeKeys
	}
	for i, key := range keys {
		if s, ok := agg.Metrics[key]; ok && cells[i].scored {
			cells[i] = spread(s, n)
		}
	}
}
