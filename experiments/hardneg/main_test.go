package main

import (
	"strings"
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/experiment/experimenttest"
)

func TestQuickPresetEndToEnd(t *testing.T) { experimenttest.QuickRun(t, spec()) }

// Settings the loss is not defined for are refused before training, naming
// the flag; the paper's and the debiased-only settings pass.
func TestCheckRefusesBadFlags(t *testing.T) {
	for _, c := range []struct {
		temperature, beta, tauPlus float64
		flag                       string
	}{{0, 1, 0.1, "-temperature"}, {0.2, -1, 0.1, "-beta"}, {0.2, 1, 1, "-tau-plus"}, {0.2, 1, -0.1, "-tau-plus"},
		{0.2, 1, 0.1, ""}, {0.2, 0, 0.1, ""}, {0.2, 1, 0, ""}} {
		cfg := defaults()
		cfg.Temperature, cfg.Beta, cfg.TauPlus = c.temperature, c.beta, c.tauPlus
		err := cfg.Check(6000, 128)
		if c.flag == "" && err != nil || c.flag != "" && (err == nil || !strings.Contains(err.Error(), c.flag)) {
			t.Errorf("%+v: error %v, want one naming %q", c, err, c.flag)
		}
	}
}

// Every method trains on the real Fashion-MNIST, one gray channel (a short
// smoke run: the measured figures come from the fashion preset).
func TestFashionMNIST(t *testing.T) { experimenttest.FashionSmoke(t, spec()) }

// Every setting of the method's own, changed, names a run of its own.
func TestSettingsNameRuns(t *testing.T) { experimenttest.SettingsNameRuns(t, spec(), nil) }
