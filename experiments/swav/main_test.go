package main

import (
	"strings"
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/experiment/experimenttest"
)

func TestQuickPresetEndToEnd(t *testing.T) { experimenttest.QuickRun(t, spec()) }

// The queue (off by default) still trains through the whole run and lands in
// its own directory.
func TestQueueRunsAsVariant(t *testing.T) {
	r, _ := experimenttest.QuickRunContract(t, spec(), "-queue", "256")
	if r.Variant != "queue-quick" {
		t.Errorf("a run with a queue ran as variant %q, want queue-quick", r.Variant)
	}
}

// A temperature that is not positive is refused before training, naming the
// flag; the defaults pass.
func TestCheckRefusesTemperature(t *testing.T) {
	c := defaults()
	if err := c.Check(6000, 128); err != nil {
		t.Errorf("defaults: %v", err)
	}
	c.Temperature = 0
	if err := c.Check(6000, 128); err == nil || !strings.Contains(err.Error(), "-temperature") {
		t.Errorf("-temperature 0: error %v, want one naming -temperature", err)
	}
}

// Every method trains on the real Fashion-MNIST, one gray channel (a short
// smoke run: the measured figures come from the fashion preset).
func TestFashionMNIST(t *testing.T) { experimenttest.FashionSmoke(t, spec()) }

// Every setting of the method's own, changed, names a run of its own.
func TestSettingsNameRuns(t *testing.T) { experimenttest.SettingsNameRuns(t, spec(), nil) }
