// Package rebuild is the report watcher's rebuild policy: one build at a
// time, and changes that arrive during a build cause exactly one follow-up
// build when it ends, however many there were.
package rebuild

import "sync"

// Builder runs Build on Trigger, never twice at once.
type Builder struct {
	// Build does the work; its error goes to Done.
	Build func() error
	// Done is told the outcome of every build, numbered from 1.
	Done func(n int, err error)

	mu       sync.Mutex
	running  bool
	pending  bool
	n        int
	finished sync.WaitGroup
}

// Trigger asks for a build: it starts one now if none is running, or marks
// one follow-up build otherwise. It does not wait.
func (b *Builder) Trigger() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.running {
		b.pending = true
		return
	}
	b.running = true
	b.finished.Add(1)
	go b.loop()
}

func (b *Builder) loop() {
	defer b.finished.Done()
	for {
		err := b.Build()
		b.mu.Lock()
		b.n++
		n := b.n
		b.mu.Unlock()
		if b.Done != nil {
			b.Done(n, err)
		}
		b.mu.Lock()
		if !b.pending {
			b.running = false
			b.mu.Unlock()
			return
		}
		b.pending = false
		b.mu.Unlock()
	}
}

// Wait blocks until no build is running.
func (b *Builder) Wait() { b.finished.Wait() }
