package main

import (
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/experiment/experimenttest"
)

// The quick run also scores the pretext task: better than chance (25%).
func TestQuickPresetEndToEnd(t *testing.T) {
	r, _ := experimenttest.QuickRun(t, spec())
	if a := r.Metrics.PretextAccuracy; a == nil || *a <= 0.25 {
		t.Errorf("rotation accuracy %v on the test split, want above chance (0.25)", a)
	}
}

// Every method trains on the real Fashion-MNIST, one gray channel (a short
// smoke run: the measured figures come from the fashion preset).
func TestFashionMNIST(t *testing.T) { experimenttest.FashionSmoke(t, spec()) }

// Every setting of the method's own, changed, names a run of its own.
func TestSettingsNameRuns(t *testing.T) { experimenttest.SettingsNameRuns(t, spec(), nil) }
