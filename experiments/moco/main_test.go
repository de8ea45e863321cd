package main

import (
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/experiment/experimenttest"
)

// The quick preset trains on 2,048 images, so the queue is 1,024 keys.
func TestQuickPresetEndToEnd(t *testing.T) { experimenttest.QuickRun(t, spec(), "-queue", "1024") }

// The queue and the key encoder are saved with the checkpoints: a resumed run
// continues as if it had not stopped.
func TestResumeKeepsQueue(t *testing.T) {
	experimenttest.ResumeMatches(t, spec(), []string{"/moco/queue", "/moco/queue_ptr"}, "-queue", "128")
}

// Runs with other settings than the reference ones land in their own
// directories, named by what differs.
func TestVariantNames(t *testing.T) {
	defer func() { config = reference() }()
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
		config = reference()
		config.Momentum, config.Temperature, config.Queue = c.m, c.tau, c.k
		if name, title := variant(); name != c.name || title != c.text {
			t.Errorf("m = %g, τ = %g, K = %d: variant %q %q, want %q %q", c.m, c.tau, c.k, name, title, c.name, c.text)
		}
	}
}
