package rebuild

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Triggers during a build cause one follow-up build, never a concurrent one.
func TestOneFollowUp(t *testing.T) {
	var running, maxRunning, builds atomic.Int32
	release := make(chan struct{})
	var mu sync.Mutex
	var outcomes []int
	b := &Builder{
		Build: func() error {
			if n := running.Add(1); n > maxRunning.Load() {
				maxRunning.Store(n)
			}
			defer running.Add(-1)
			if builds.Add(1) == 1 {
				<-release
			}
			return nil
		},
		Done: func(n int, err error) {
			mu.Lock()
			outcomes = append(outcomes, n)
			mu.Unlock()
		},
	}
	b.Trigger()
	time.Sleep(20 * time.Millisecond)
	for range 5 {
		b.Trigger()
	}
	close(release)
	time.Sleep(20 * time.Millisecond)
	b.Wait()
	if builds.Load() != 2 || maxRunning.Load() != 1 {
		t.Errorf("%d builds (want 2), at most %d at once (want 1)", builds.Load(), maxRunning.Load())
	}
	if len(outcomes) != 2 || outcomes[0] != 1 || outcomes[1] != 2 {
		t.Errorf("outcomes %v, want [1 2]", outcomes)
	}
}

func TestErrorsAreReported(t *testing.T) {
	boom := errors.New("boom")
	var got error
	b := &Builder{Build: func() error { return boom }, Done: func(_ int, err error) { got = err }}
	b.Trigger()
	b.Wait()
	if !errors.Is(got, boom) {
		t.Errorf("Done got %v", got)
	}
}
