package main

import (
	"strings"
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/experiment/experimenttest"
)

// The bank learns once per epoch (each memory is rewritten once a pass), so
// the quick preset's 4 epochs leave it within noise of the random-init
// encoder: 12.2% kNN and 13.4% linear against 11.8 and 13.8% after batch
// norm's written-out gradients changed the arithmetic's last digits (it
// had passed before by as little). Eight epochs, as the Siamese test takes.
func TestQuickPresetEndToEnd(t *testing.T) { experimenttest.QuickRun(t, spec(), "-epochs", "8") }

// The bank is saved with the checkpoints: a resumed run continues with its
// memories as if it had not stopped.
func TestResumeKeepsBank(t *testing.T) {
	experimenttest.ResumeMatches(t, spec(), []string{"/bank/bank", "/bank/seen"})
}

// Settings the bank cannot serve are refused before training, naming the flag.
func TestCheckRefusesBadFlags(t *testing.T) {
	for _, c := range []struct {
		positive    string
		negatives   int
		momentum, t float64
		flag        string
	}{{"views", 4096, 0.5, 0.2, "-positive"}, {"memory", 0, 0.5, 0.2, "-negatives"}, {"memory", 4096, 1, 0.2, "-bank-momentum"}, {"memory", 4096, 0.5, 0, "-temperature"}} {
		cfg := defaults()
		cfg.Positive, cfg.Negatives, cfg.Momentum, cfg.Temperature = c.positive, c.negatives, c.momentum, c.t
		if err := cfg.Check(6000, 128); err == nil || !strings.Contains(err.Error(), c.flag) {
			t.Errorf("%+v: error %v, want one naming %s", c, err, c.flag)
		}
	}
	cfg := defaults()
	cfg.Positive = "view"
	if err := cfg.Check(6000, 128); err != nil {
		t.Errorf("-positive view: %v", err)
	}
	if name, _ := cfg.variant(); name != "viewpositive" {
		t.Errorf("-positive view runs as variant %q, want viewpositive", name)
	}
}

// Every method trains on the real Fashion-MNIST, one gray channel (a short
// smoke run: the measured figures come from the fashion preset).
func TestFashionMNIST(t *testing.T) { experimenttest.FashionSmoke(t, spec()) }

// Every setting of the method's own, changed, names a run of its own.
func TestSettingsNameRuns(t *testing.T) {
	experimenttest.SettingsNameRuns(t, spec(), map[string]string{"positive": "view"})
}
