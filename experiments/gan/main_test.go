package main

import (
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/experiment/experimenttest"
)

// The quick runs of both GANs write the mode-collapse measurements and
// figures. A minute of adversarial training does not yet beat the
// random-init encoder's probe: the contract is checked, the default preset's
// figures are in the README.
func TestQuickPresetEndToEnd(t *testing.T) {
	for _, extra := range [][]string{nil, {"-rotation"}} {
		r, _ := experimenttest.QuickRunContract(t, spec(), append(extra, "-samples", "200", "-epochs", "2")...)
		got := map[string]bool{}
		for _, m := range r.Measures {
			got[m.Name] = true
		}
		for _, f := range r.Figures {
			got[f.File] = true
		}
		for _, want := range []string{"classes covered", "class entropy (bits)", "coverage.svg", "samples.svg", "classes.svg"} {
			if !got[want] {
				t.Errorf("%v: run.json lacks %q", extra, want)
			}
		}
	}
}

// Every method trains on the real Fashion-MNIST, one gray channel (a short
// smoke run: the measured figures come from the fashion preset).
func TestFashionMNIST(t *testing.T) { experimenttest.FashionSmoke(t, spec(), "-samples", "200") }

// Every setting of the method's own, changed, names a run of its own.
func TestSettingsNameRuns(t *testing.T) { experimenttest.SettingsNameRuns(t, spec(), nil) }
