package main

import (
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/experiment/experimenttest"
)

// The quick run (2×2 tiles, all 24 permutations, to stay under a minute) also
// scores the puzzle itself on held-out images.
func TestQuickPresetEndToEnd(t *testing.T) {
	r, _ := experimenttest.QuickRun(t, spec(), "-grid", "2", "-perms", "24")
	if a := r.Metrics.PretextAccuracy; r.Variant != "grid2-perms24-quick" || a == nil || *a <= 1.0/24 {
		t.Errorf("variant %q, permutation accuracy %v; want grid2-perms24-quick and above chance (1/24)", r.Variant, a)
	}
}

func TestBadPuzzlesAreRefused(t *testing.T) {
	for _, tc := range []struct{ grid, perms, tile int }{{2, 25, 12}, {3, 1, 12}, {4, 100, 12}, {3, 100, 17}, {1, 1, 12}} {
		c := defaults()
		c.Grid, c.Perms, c.Tile = tc.grid, tc.perms, tc.tile
		if c.Check(6000, 128) == nil {
			t.Errorf("grid %d, %d permutations, tile %d: want an error", tc.grid, tc.perms, tc.tile)
		}
	}
}

// Every method trains on the real Fashion-MNIST, one gray channel (a short
// smoke run: the measured figures come from the fashion preset).
func TestFashionMNIST(t *testing.T) { experimenttest.FashionSmoke(t, spec()) }

// Every setting of the method's own, changed, names a run of its own.
func TestSettingsNameRuns(t *testing.T) { experimenttest.SettingsNameRuns(t, spec(), nil) }
