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
