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
}

// Every method trains on the real Fashion-MNIST, one gray channel (a short
// smoke run: the measured figures come from the fashion preset).
func TestFashionMNIST(t *testing.T) { experimenttest.FashionSmoke(t, spec()) }
