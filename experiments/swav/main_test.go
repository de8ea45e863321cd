package main

import (
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/experiment/experimenttest"
)

func TestQuickPresetEndToEnd(t *testing.T) { experimenttest.QuickRun(t, spec()) }

// The queue (off by default) still trains through the whole run and lands in
// its own directory.
func TestQueueRunsAsVariant(t *testing.T) {
	defer func() { queueSize = 0 }()
	r, _ := experimenttest.QuickRunContract(t, spec(), "-queue", "256")
	if r.Variant != "queue" {
		t.Errorf("a run with a queue ran as variant %q, want queue", r.Variant)
	}
}
