package main

import (
	"strings"
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/experiment/experimenttest"
)

func TestQuickPresetEndToEnd(t *testing.T) { experimenttest.QuickRun(t, spec()) }

// A base momentum outside [0, 1] is refused before training, naming the flag.
func TestCheckRefusesMomentumOutsideUnitInterval(t *testing.T) {
	for _, m := range []float64{-0.5, 1.01} {
		c := defaults()
		c.Momentum = m
		if err := c.Check(6000, 16); err == nil || !strings.Contains(err.Error(), "-momentum") {
			t.Errorf("-momentum %g: error %v, want one naming -momentum", m, err)
		}
	}
	for _, m := range []float64{0, 0.99, 1} {
		c := defaults()
		c.Momentum = m
		if err := c.Check(6000, 16); err != nil {
			t.Errorf("-momentum %g: %v", m, err)
		}
	}
}

// A head without width is refused, naming its flag: -pred-hidden for the
// predictor's bottleneck, -proj-dim for the width both heads end in.
func TestCheckRefusesHeadsWithoutWidth(t *testing.T) {
	c := defaults()
	c.PredHidden = 0
	if err := c.Check(6000, 16); err == nil || !strings.Contains(err.Error(), "-pred-hidden") {
		t.Errorf("-pred-hidden 0: error %v, want one naming -pred-hidden", err)
	}
	c = defaults()
	c.Projector.Out = 0
	if err := c.Check(6000, 16); err == nil || !strings.Contains(err.Error(), "-proj-dim") {
		t.Errorf("-proj-dim 0: error %v, want one naming -proj-dim", err)
	}
}

// Every method trains on the real Fashion-MNIST, one gray channel (a short
// smoke run: the measured figures come from the fashion preset).
func TestFashionMNIST(t *testing.T) { experimenttest.FashionSmoke(t, spec()) }

// Every setting of the method's own, changed, names a run of its own.
func TestSettingsNameRuns(t *testing.T) { experimenttest.SettingsNameRuns(t, spec(), nil) }
