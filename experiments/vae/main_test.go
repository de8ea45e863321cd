package main

import (
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/experiment/experimenttest"
)

// The quick run writes the VAE's own measurements and figures. A minute of
// reconstruction does not yet beat the random-init encoder's probe (13.0%
// against 13.8% linear): the contract is checked, the default preset's
// figures are in the README.
func TestQuickPresetEndToEnd(t *testing.T) {
	r, _ := experimenttest.QuickRunContract(t, spec())
	names := map[string]float64{}
	for _, m := range r.Measures {
		names[m.Name] = m.Value
	}
	if _, ok := names["active units"]; !ok || names["KL (nats per image)"] <= 0 {
		t.Errorf("measures %+v: want active units and a positive KL", r.Measures)
	}
	files := map[string]bool{}
	for _, f := range r.Figures {
		files[f.File] = true
	}
	for _, f := range []string{"kl.svg", "reconstructions.svg", "samples.svg", "traversals.svg"} {
		if !files[f] {
			t.Errorf("figure %s not listed in run.json", f)
		}
	}
}

// Every method trains on the real Fashion-MNIST, one gray channel (a short
// smoke run: the measured figures come from the fashion preset).
func TestFashionMNIST(t *testing.T) { experimenttest.FashionSmoke(t, spec()) }

// Every setting of the method's own, changed, names a run of its own.
func TestSettingsNameRuns(t *testing.T) { experimenttest.SettingsNameRuns(t, spec(), nil) }
