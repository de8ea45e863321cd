package watch

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// next returns the next batch, or fails after timeout.
func next(t *testing.T, w *Watcher, timeout time.Duration) []string {
	t.Helper()
	select {
	case b := <-w.Changes:
		return b
	case <-time.After(timeout):
		t.Fatal("no change reported")
		return nil
	}
}

// none checks that nothing is reported for a while.
func none(t *testing.T, w *Watcher, what string) {
	t.Helper()
	select {
	case b := <-w.Changes:
		t.Errorf("%s: reported %q", what, b)
	case <-time.After(400 * time.Millisecond):
	}
}

func TestWatcher(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "experiments", "simclr")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	w, err := New([]string{dir}, Config{Skip: func(p string) bool { return filepath.Base(p) == "index.html" }})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()

	// A change deep in the tree, reported once after the quiet period.
	start := time.Now()
	main := filepath.Join(sub, "main.go")
	write(t, main, "package main")
	if b := next(t, w, 2*time.Second); !slices.Contains(b, main) {
		t.Errorf("batch %q lacks %s", b, main)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("reported after %v", d)
	}

	// A burst of writes is one batch.
	for i := range 10 {
		write(t, main, "package main // "+string(rune('a'+i)))
		time.Sleep(20 * time.Millisecond)
	}
	next(t, w, 2*time.Second)
	none(t, w, "after a burst")

	// Editor temporaries, atomic-write temporaries, chmod and skipped paths
	// are not changes.
	write(t, filepath.Join(sub, ".main.go.swp"), "x")
	write(t, filepath.Join(sub, "main.go~"), "x")
	write(t, filepath.Join(dir, ".run.json.tmp12345"), "x")
	write(t, filepath.Join(dir, "index.html"), "x")
	if err := os.Chmod(main, 0o600); err != nil {
		t.Fatal(err)
	}
	none(t, w, "temporaries and chmod")

	// A directory created after the start is watched too, and a
	// rename-save (write a temporary, rename it over the file) is a change.
	newDir := filepath.Join(dir, "experiments", "moco")
	if err := os.Mkdir(newDir, 0o755); err != nil {
		t.Fatal(err)
	}
	next(t, w, 2*time.Second)
	time.Sleep(50 * time.Millisecond)
	moco := filepath.Join(newDir, "main.go")
	write(t, moco, "package main")
	if b := next(t, w, 2*time.Second); !slices.Contains(b, moco) {
		t.Errorf("batch %q lacks the file in the new directory", b)
	}
	tmp := filepath.Join(sub, "main.go.new")
	write(t, tmp, "package main // renamed")
	if err := os.Rename(tmp, main); err != nil {
		t.Fatal(err)
	}
	if b := next(t, w, 2*time.Second); !slices.Contains(b, main) {
		t.Errorf("rename-save: batch %q lacks %s", b, main)
	}
}

// A steady stream of changes still produces a batch within MaxWait.
func TestMaxWait(t *testing.T) {
	dir := t.TempDir()
	w, err := New([]string{dir}, Config{Quiet: 200 * time.Millisecond, MaxWait: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	stop := time.After(1500 * time.Millisecond)
	got := 0
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case <-tick.C:
			write(t, filepath.Join(dir, "f"), string(rune('a'+i%26)))
		case <-w.Changes:
			got++
		case <-stop:
			if got < 2 {
				t.Errorf("%d batches in 1.5 s of writes every 50 ms, want ≥ 2 (MaxWait 0.5 s)", got)
			}
			return
		}
	}
}

func TestTemporary(t *testing.T) {
	for p, want := range map[string]bool{
		"main.go": false, "x/.main.go.swp": true, "4913": true, "a~": true, ".#main.go": true,
		"#main.go#": true, "main.go___jb_tmp___": true, ".index.html.tmp123": true, "run.json": false, ".gitignore": false,
	} {
		if Temporary(p) != want {
			t.Errorf("Temporary(%q) = %v", p, !want)
		}
	}
}
