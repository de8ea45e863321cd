package results

import (
	"math"
	"testing"
)

// The Wilson interval against known values: 41.4% on 1,000 images is
// 38.4–44.5% (the seeds issue's example), 0 of n has the upper bound
// z²/(n + z²) in closed form, and the rest from a separate Python
// implementation of Wilson (1927), eq. for the score interval.
func TestWilson(t *testing.T) {
	for _, c := range []struct {
		p      float64
		n      int
		lo, hi float64
	}{
		{0.414, 1000, 0.38386, 0.44480},
		{0.834, 10000, 0.82658, 0.84116},
		{0, 100, 0, 0.03699},
		{1, 100, 0.96301, 1},
	} {
		lo, hi := Wilson(c.p, c.n, Z95)
		if math.Abs(lo-c.lo) > 5e-5 || math.Abs(hi-c.hi) > 5e-5 {
			t.Errorf("Wilson(%g, %d) = %.5f–%.5f, want %.5f–%.5f", c.p, c.n, lo, hi, c.lo, c.hi)
		}
	}
	if lo, hi := Wilson(0.5, 0, Z95); !math.IsNaN(lo) || !math.IsNaN(hi) {
		t.Errorf("no test images: %g–%g, want NaN", lo, hi)
	}
}
