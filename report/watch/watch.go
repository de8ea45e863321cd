// Package watch turns file-system notifications into debounced batches of
// changed paths. fsnotify watches single directories, not trees: the
// watcher adds every sub-directory at start, adds new ones as they appear,
// and re-adds a directory that an editor replaced by a rename. Editor
// temporary files, our own atomic-write temporaries and chmod-only events
// are ignored.
//
// It knows nothing about what a change means; the rebuild policy (package
// rebuild) and the browser transport (package livereload) are separate.
package watch

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Config tunes the watcher.
type Config struct {
	// Quiet is how long the tree must be still before a batch is sent (150 ms).
	Quiet time.Duration
	// MaxWait bounds the delay of a batch under a stream of changes (1 s).
	MaxWait time.Duration
	// Skip reports paths (files or directories) to ignore, beyond the
	// temporary files that are always ignored.
	Skip func(path string) bool
}

// Watcher sends batches of changed paths on Changes.
type Watcher struct {
	Changes <-chan []string
	Errors  <-chan error

	fsw     *fsnotify.Watcher
	cfg     Config
	changes chan []string
	errs    chan error
	done    chan struct{}
	wg      sync.WaitGroup
}

// New watches the trees under roots (missing roots are watched from their
// parent until they appear).
func New(roots []string, cfg Config) (*Watcher, error) {
	if cfg.Quiet == 0 {
		cfg.Quiet = 150 * time.Millisecond
	}
	if cfg.MaxWait == 0 {
		cfg.MaxWait = time.Second
	}
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &Watcher{fsw: fsw, cfg: cfg, changes: make(chan []string, 1), errs: make(chan error, 8), done: make(chan struct{})}
	w.Changes, w.Errors = w.changes, w.errs
	for _, r := range roots {
		if _, err := os.Stat(r); err != nil {
			// Watch the parent so the root is picked up when created.
			if err := fsw.Add(filepath.Dir(r)); err != nil {
				fsw.Close()
				return nil, err
			}
			continue
		}
		if err := w.addTree(r); err != nil {
			fsw.Close()
			return nil, err
		}
	}
	w.wg.Add(1)
	go w.loop()
	return w, nil
}

// Close stops the watcher.
func (w *Watcher) Close() error {
	close(w.done)
	err := w.fsw.Close()
	w.wg.Wait()
	return err
}

func (w *Watcher) skip(path string) bool {
	return Temporary(path) || (w.cfg.Skip != nil && w.cfg.Skip(path))
}

// addTree watches dir and every directory below it.
func (w *Watcher) addTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // vanished meanwhile
		}
		if !d.IsDir() {
			return nil
		}
		if p != dir && w.skip(p) {
			return filepath.SkipDir
		}
		return w.fsw.Add(p)
	})
}

// Temporary reports editor and atomic-write temporaries: vim's .swp/.swx/~
// and its "4913" probe, Emacs's .#lock and #autosave#, JetBrains' ___jb_
// files, and atomicfile's ".name.tmp123".
func Temporary(path string) bool {
	base := filepath.Base(path)
	switch {
	case base == "4913",
		strings.HasSuffix(base, "~"),
		strings.HasSuffix(base, ".swp"), strings.HasSuffix(base, ".swx"),
		strings.HasPrefix(base, ".#"),
		strings.HasPrefix(base, "#") && strings.HasSuffix(base, "#"),
		strings.Contains(base, "___jb_"),
		strings.HasPrefix(base, ".") && strings.Contains(base, ".tmp"):
		return true
	}
	return false
}

func (w *Watcher) loop() {
	defer w.wg.Done()
	pending := map[string]bool{}
	var quiet, deadline <-chan time.Time
	flush := func() {
		if len(pending) == 0 {
			return
		}
		batch := make([]string, 0, len(pending))
		for p := range pending {
			batch = append(batch, p)
		}
		select {
		case w.changes <- batch:
			pending = map[string]bool{}
			quiet, deadline = nil, nil
		case <-w.done:
		default:
			// The consumer is busy; keep collecting and retry soon.
			quiet = time.After(w.cfg.Quiet)
		}
	}
	for {
		select {
		case <-w.done:
			return
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return
			}
			if ev.Op == fsnotify.Chmod || w.skip(ev.Name) {
				continue
			}
			if ev.Has(fsnotify.Create) {
				if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
					_ = w.addTree(ev.Name)
				}
			}
			if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
				// A directory replaced by a rename-save comes back as a Create
				// (handled above); a removed watch is dropped by fsnotify.
				_ = w.fsw.Remove(ev.Name)
			}
			pending[ev.Name] = true
			quiet = time.After(w.cfg.Quiet)
			if deadline == nil {
				deadline = time.After(w.cfg.MaxWait)
			}
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return
			}
			select {
			case w.errs <- err:
			default:
			}
		case <-quiet:
			flush()
		case <-deadline:
			flush()
		}
	}
}
