package main

import (
	"strings"
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/experiment/experimenttest"
)

// The quick preset trains on 2,048 images: the default queue of 4,096 keys
// is sized to 2,048 (the README's `-preset quick` as printed), and run.json
// records the K it trained with; the queue sized so does not name the run
// (the quick preset alone does).
func TestQuickPresetEndToEnd(t *testing.T) {
	r, _ := experimenttest.QuickRun(t, spec())
	if r.Variant != "quick" || r.Config["queue"] != float64(2048) {
		t.Errorf("quick preset: variant %q, queue %v; want the quick preset's run with K = 2048", r.Variant, r.Config["queue"])
	}
}

// A -queue given explicitly that the training set cannot hold is refused,
// naming the flag, before anything trains.
func TestExplicitQueueTooLarge(t *testing.T) {
	err := experimenttest.QuickRunError(t, spec(), "-queue", "4096")
	if err == nil || !strings.Contains(err.Error(), "-queue 4096 is larger than the training set") {
		t.Errorf("want the queue refused, got %v", err)
	}
}

// The queue and the key encoder are saved with the checkpoints: a resumed run
// continues as if it had not stopped.
func TestResumeKeepsQueue(t *testing.T) {
	experimenttest.ResumeMatches(t, spec(), []string{"/moco/queue", "/moco/queue_ptr"}, "-queue", "128")
}

// Runs with other settings than the reference ones land in their own
// directories, named by what differs.
func TestVariantNames(t *testing.T) {
	for _, c := range []struct {
		m, tau     float64
		k          int
		name, text string
	}{
		{0.99, 0.1, 4096, "", ""},
		{0.96, 0.1, 1024, "m0.96-k1024", "MoCo v2 (m = 0.96, K = 1024)"},
		{0.99, 0.1, 1024, "k1024", "MoCo v2 (K = 1024)"},
		{0.99, 0.2, 4096, "t0.2", "MoCo v2 (τ = 0.2)"},
	} {
		config := reference()
		config.Momentum, config.Temperature, config.Queue = c.m, c.tau, c.k
		if name, title := variant(config); name != c.name || title != c.text {
			t.Errorf("m = %g, τ = %g, K = %d: variant %q %q, want %q %q", c.m, c.tau, c.k, name, title, c.name, c.text)
		}
	}
}

// Every method trains on the real Fashion-MNIST, one gray channel (a short
// smoke run: the measured figures come from the fashion preset).
func TestFashionMNIST(t *testing.T) { experimenttest.FashionSmoke(t, spec()) }

// Every setting of the method's own, changed, names a run of its own.
func TestSettingsNameRuns(t *testing.T) { experimenttest.SettingsNameRuns(t, spec(), nil) }
