package train

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
)

// -resume over a latest checkpoint that cannot be read (its .bin truncated,
// as a full disk leaves it) resumes from the checkpoint before it, keeping
// the unreadable one aside: one epoch lost, not the run.
func TestResumeFallsBackFromAnUnreadableCheckpoint(t *testing.T) {
	be, pipe, loss := tiny(t, func(y *Node) *Node { return ReduceAllMean(Square(y)) })
	dir := t.TempDir()
	cfg := Config{Epochs: 2, BatchSize: 16, Optimizer: "adam", LR: 1e-3}
	tr, err := New(be, cfg, pipe.StepsPerEpoch(), loss, dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(context.Background(), pipe, TwoViews, "ckpt", nil); err != nil {
		t.Fatal(err)
	}
	latest, err := latestCheckpoint(dir)
	if err != nil || latest == "" {
		t.Fatalf("no checkpoint: %v", err)
	}
	bin := filepath.Join(dir, latest+".bin")
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	resumed, err := New(be, cfg, pipe.StepsPerEpoch(), loss, dir, true)
	if err != nil {
		t.Fatalf("resume over a truncated checkpoint: %v", err)
	}
	if got, want := resumed.GlobalStep(), pipe.StepsPerEpoch(); got != want {
		t.Errorf("resumed at step %d, want %d (the end of epoch 1)", got, want)
	}
	if _, err := os.Stat(filepath.Join(dir, unreadablePrefix+latest+".bin")); err != nil {
		t.Errorf("the unreadable checkpoint was not kept aside: %v", err)
	}
	if now, _ := latestCheckpoint(dir); now == latest || !strings.HasPrefix(now, "checkpoint-") {
		t.Errorf("latest checkpoint now %q", now)
	}
}
