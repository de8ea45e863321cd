package main

import (
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/experiment/experimenttest"
)

// The quick preset trains on 2,048 images, so the queue is 1,024 keys.
func TestQuickPresetEndToEnd(t *testing.T) { experimenttest.QuickRun(t, spec(), "-queue", "1024") }

func TestQueueIsChecked(t *testing.T) {
	defer func(q int) { queueSize = q }(queueSize)
	for _, tc := range []struct {
		queue, train, batch int
		ok                  bool
	}{{4096, 6000, 128, true}, {4096, 2048, 64, false}, {1000, 6000, 128, false}, {1024, 2048, 64, true}} {
		queueSize = tc.queue
		if err := checkQueue(tc.train, tc.batch); (err == nil) != tc.ok {
			t.Errorf("queue %d, train %d, batch %d: error %v", tc.queue, tc.train, tc.batch, err)
		}
	}
}

// The queue and the key encoder are saved with the checkpoints: a resumed run
// continues as if it had not stopped.
func TestResumeKeepsQueue(t *testing.T) {
	experimenttest.ResumeMatches(t, spec(), []string{"/moco/queue", "/moco/queue_ptr"}, "-queue", "128")
}
