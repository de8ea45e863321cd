package main

import (
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/experiment/experimenttest"
)

func TestQuickPresetEndToEnd(t *testing.T) { experimenttest.QuickRun(t, spec()) }

// The support set is saved with the checkpoints: a resumed run continues
// with the neighbours it had.
func TestResumeKeepsSupportSet(t *testing.T) {
	experimenttest.ResumeMatches(t, spec(), []string{"/support/queue", "/support/queue_ptr"}, "-support", "128")
}

// A support set the step's projections do not tile is refused, naming the
// flag, and so is a temperature the loss cannot divide by.
func TestCheck(t *testing.T) {
	for _, bad := range []func(c *config){
		func(c *config) { c.Support = 1000 },
		func(c *config) { c.Support = 0 },
		func(c *config) { c.Temperature = 0 },
		func(c *config) { c.Predictor.Hidden = 0 },
		func(c *config) { c.OwnPositives = -1 },
	} {
		c := defaults()
		bad(&c)
		if err := c.Check(6000, 128); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	c := defaults()
	if err := c.Check(6000, 128); err != nil {
		t.Errorf("the defaults refused: %v", err)
	}
}

// Runs with other settings than the defaults land in their own directories.
func TestVariantNames(t *testing.T) {
	c := defaults()
	if name, _ := c.variant(); name != "" {
		t.Errorf("the defaults are variant %q, want the main run", name)
	}
	c.Support, c.Temperature = 1024, 0.1
	if name, title := c.variant(); name != "q1024-t0.1" || title != "NNCLR (|Q| = 1024, τ = 0.1)" {
		t.Errorf("variant %q %q", name, title)
	}
	c = defaults()
	c.OwnPositives = 5
	if name, title := c.variant(); name != "own5" || title != "NNCLR (own positives for 5 epochs)" {
		t.Errorf("variant %q %q", name, title)
	}
}

// The warm-up on the views' own positives trains end to end and hands over
// to the neighbours (two short epochs, the first on own positives).
func TestOwnPositives(t *testing.T) {
	r, _ := experimenttest.QuickRunContract(t, spec(), "-own-positives", "1", "-epochs", "2", "-train", "512", "-knn-train", "512", "-support", "256")
	if r.Variant != "q256-own1-2ep-quick-train512" || r.Config["own-positives"] != float64(1) {
		t.Errorf("variant %q, own-positives %v", r.Variant, r.Config["own-positives"])
	}
}

// Every method trains on the real Fashion-MNIST, one gray channel (a short
// smoke run: the measured figures come from the fashion preset).
func TestFashionMNIST(t *testing.T) { experimenttest.FashionSmoke(t, spec()) }

// Every setting of the method's own, changed, names a run of its own.
func TestSettingsNameRuns(t *testing.T) { experimenttest.SettingsNameRuns(t, spec(), nil) }
