package main

import (
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/experiment/experimenttest"
)

func TestQuickPresetEndToEnd(t *testing.T) { experimenttest.QuickRun(t, spec()) }

// Settings the loss cannot train with are refused before anything trains.
func TestCheck(t *testing.T) {
	for _, bad := range []func(c *config){
		func(c *config) { c.Temperature = 0 },
		func(c *config) { c.Momentum = 1.5 },
		func(c *config) { c.PredHidden = 0 },
	} {
		c := defaults()
		bad(&c)
		if err := c.Check(6000, 128); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}

// Every method trains on the real Fashion-MNIST, one gray channel (a short
// smoke run: the measured figures come from the fashion preset).
func TestFashionMNIST(t *testing.T) { experimenttest.FashionSmoke(t, spec()) }

// Every setting of the method's own, changed, names a run of its own.
func TestSettingsNameRuns(t *testing.T) { experimenttest.SettingsNameRuns(t, spec(), nil) }
