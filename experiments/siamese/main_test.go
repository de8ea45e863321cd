package main

import (
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/experiment/experimenttest"
)

// Pairs from views beat the random-init encoder's linear probe after 8 quick
// epochs (4 are not enough for this loss: 11.0% against 13.8%). Pairs from
// labels go to their own directory and record that they used labels; that
// run is held to the contract only, since it sits at the loss's class-blind
// saddle (see the experiment's notes).
func TestQuickPresetEndToEnd(t *testing.T) {
	r, _ := experimenttest.QuickRun(t, spec(), "-epochs", "8")
	if r.Labels || r.Variant != "8ep-quick" { // the main run, at 8 epochs of the quick preset
		t.Errorf("pairs from views: labels %v, variant %q; want false and the main run's 8ep-quick", r.Labels, r.Variant)
	}
	r, _ = experimenttest.QuickRunContract(t, spec(), "-pairs", "labels")
	if !r.Labels || r.Variant != "labels-quick" {
		t.Errorf("pairs from labels: labels %v, variant %q; want true and \"labels-quick\"", r.Labels, r.Variant)
	}
}

// Every method trains on the real Fashion-MNIST, one gray channel (a short
// smoke run: the measured figures come from the fashion preset).
func TestFashionMNIST(t *testing.T) { experimenttest.FashionSmoke(t, spec()) }

// Every setting of the method's own, changed, names a run of its own.
func TestSettingsNameRuns(t *testing.T) {
	experimenttest.SettingsNameRuns(t, spec(), map[string]string{"pairs": "labels"})
}
