package cli

import (
	"math"
	"strings"
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/bench"
	"github.com/mega-ssl/mega/report/sitetest"
)

// The step's figure is the median of its rounds, on both sides, and the
// rounds stay readable in the detail.
func TestStepRoundsMedians(t *testing.T) {
	base := bench.Result{Name: "step", Unit: "images/s", HigherIsBetter: true}
	r := stepRounds{ours: []float64{629.1, 623.6, 618.8}, peer: []float64{492.9, 587.2, 430.8}}.result(base, "PyTorch")
	if r.Value != 623.6 || r.PeerValue != 492.9 {
		t.Errorf("medians: ours %v, peer %v; want 623.6 and 492.9", r.Value, r.PeerValue)
	}
	if got, want := r.Ratio, 1.2652; math.Abs(got-want) > 1e-4 {
		t.Errorf("ratio %v, want %v", got, want)
	}
	for _, want := range []string{"median of 3 rounds", "629.1 / 623.6 / 618.8", "492.9 / 587.2 / 430.8", "1.28x / 1.06x / 1.44x"} {
		if !strings.Contains(r.Detail, want) {
			t.Errorf("detail %q lacks %q", r.Detail, want)
		}
	}
	// A peer missing from a round leaves the peer out, not a median of some.
	r = stepRounds{ours: []float64{3, 1, 2}, peer: []float64{5}}.result(base, "PyTorch")
	if r.Value != 2 || r.Peer != "" || strings.Contains(r.Detail, "PyTorch") {
		t.Errorf("partial peer: %+v", r)
	}
	// One round: its figure as it is, no detail.
	r = stepRounds{ours: []float64{7}, peer: []float64{14}}.result(base, "PyTorch")
	if r.Value != 7 || r.Ratio != 0.5 || r.Detail != "" {
		t.Errorf("one round: %+v", r)
	}
	if median([]float64{4, 1, 3, 2}) != 2 || median(nil) != 0 {
		t.Error("median: want the lower middle of an even count and 0 for none")
	}
}

// -rounds below one is a usage error that names the flag, before anything runs.
func TestBenchRoundsAtLeastOne(t *testing.T) {
	root, out := sitetest.Fixture(t, repoRoot)
	code, _, stderr := runVerb(t, "bench", "-root", root, "-out", out, "-rounds", "0")
	if code != 2 || !strings.Contains(stderr, "-rounds must be at least 1") {
		t.Errorf("bench -rounds 0: exit %d, stderr %q; want 2 and the reason", code, stderr)
	}
}
