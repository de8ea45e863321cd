package results

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRoundTrips(t *testing.T) {
	dir := t.TempDir()
	run := &Run{Experiment: "x", Title: "X", Status: StatusPartial, Started: time.Unix(1700000000, 0).UTC(),
		Metrics: Metrics{KNNTop1: 0.25, KNNK: 200, KNNT: 0.1}, Baselines: Baselines{RandomInit: Baseline{KNNTop1: 0.1}},
		Config: map[string]any{"epochs": 3}}
	path := filepath.Join(dir, "sub", "run.json")
	if err := WriteJSON(path, run); err != nil {
		t.Fatal(err)
	}
	back, err := ReadRun(path)
	if err != nil {
		t.Fatal(err)
	}
	if back.Metrics.KNNTop1 != 0.25 || back.Baselines.RandomInit.KNNTop1 != 0.1 || !back.Started.Equal(run.Started) {
		t.Errorf("run.json round trip: %+v", back)
	}
	rows := []EpochRow{{Epoch: 1, Step: 10, Loss: 4.5, KNNTop1: 0.2, LR: 1e-3, EvalS: 1.5}, {Epoch: 2, Step: 20, Loss: 4.1, KNNTop1: 0.3}}
	mpath := filepath.Join(dir, "metrics.csv")
	if err := WriteMetrics(mpath, rows); err != nil {
		t.Fatal(err)
	}
	got, err := ReadMetrics(mpath)
	if err != nil || len(got) != 2 || got[1].Loss != 4.1 || got[0].LR != 1e-3 || got[0].EvalS != 1.5 {
		t.Errorf("metrics.csv round trip: %+v, %v", got, err)
	}
	// A file from before the monitor's time was measured has no eval_s.
	old := filepath.Join(dir, "old.csv")
	if err := os.WriteFile(old, []byte(strings.Join(MetricsHeader[:10], ",")+"\n1,10,4.5,0.2,0.001,0.1,5,12,500,0.01\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := ReadMetrics(old); err != nil || len(got) != 1 || got[0].Seconds != 12 || got[0].EvalS != 0 {
		t.Errorf("metrics.csv without eval_s: %+v, %v", got, err)
	}
	b, _ := os.ReadFile(mpath)
	// The contract's required columns come first, in order.
	if !strings.HasPrefix(string(b), "epoch,step,loss,knn_top1,lr,embedding_std,") {
		t.Errorf("header %q", strings.SplitN(string(b), "\n", 2)[0])
	}
	if rows, err := ReadMetrics(filepath.Join(dir, "missing.csv")); err != nil || rows != nil {
		t.Errorf("missing metrics.csv: %v, %v", rows, err)
	}
	// Atomic writes leave no temporary files behind.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

func TestCorruptFilesGiveErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "run.json")
	os.WriteFile(bad, []byte("{not json"), 0o644)
	if _, err := ReadRun(bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("corrupt run.json: want an error naming it, got %v", err)
	}
	csv := filepath.Join(dir, "metrics.csv")
	os.WriteFile(csv, []byte(strings.Join(MetricsHeader, ",")+"\n1,2,x,4,5,6,7,8,9,10\n"), 0o644)
	if _, err := ReadMetrics(csv); err == nil || !strings.Contains(err.Error(), "loss") {
		t.Errorf("bad number: want an error naming the column, got %v", err)
	}
}

func TestEmbeddingsCSV(t *testing.T) {
	path := filepath.Join(t.TempDir(), "embeddings.csv")
	if err := WriteEmbeddings(path, []float32{1, 2, 3, 4}, 2, []int32{0, 1}, []string{"a", "b"}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if want := "label,class,e0,e1\n0,a,1,2\n1,b,3,4\n"; string(b) != want {
		t.Errorf("embeddings.csv = %q, want %q", b, want)
	}
}

func TestFloat32sRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.f32")
	if v, err := ReadFloat32s(path); err != nil || v != nil {
		t.Fatalf("missing file: %v, %v; want no values, no error", v, err)
	}
	want := []float32{0, -1.5, 3.25, float32(math.Inf(1))}
	if err := WriteFloat32s(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFloat32s(path)
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("round trip: %v (%v), want %v", got, err, want)
	}
	if err := os.WriteFile(path, []byte{1, 2, 3}, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFloat32s(path); err == nil {
		t.Error("a truncated file: want an error")
	}
}

// A method's per-epoch series keeps earlier epochs, replaces rows a resumed
// run measures again, is not written by the final evaluation, and refuses a
// file that is not such a series.
func TestAppendEpochValues(t *testing.T) {
	path := filepath.Join(t.TempDir(), "coverage.csv")
	header := []string{"classes_covered", "entropy_bits"}
	for epoch := 1; epoch <= 3; epoch++ {
		if _, err := AppendEpochValues(path, header, epoch, []float64{float64(epoch), 0.5 * float64(epoch)}, true); err != nil {
			t.Fatal(err)
		}
	}
	// Resumed from epoch 1's checkpoint: epoch 2 is measured again.
	rows, err := AppendEpochValues(path, header, 2, []float64{7, 1.25}, true)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]float64{{1, 1, 0.5}, {2, 7, 1.25}}
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Errorf("after resuming at epoch 2: %v, want %v", rows, want)
	}
	b, _ := os.ReadFile(path)
	if string(b) != "epoch,classes_covered,entropy_bits\n1,1,0.5\n2,7,1.25\n" {
		t.Errorf("file: %q", b)
	}
	if rows, err := AppendEpochValues(path, header, 2, []float64{7, 1.25}, false); err != nil || len(rows) != 2 {
		t.Errorf("final evaluation: %v, %v", rows, err)
	}
	if b2, _ := os.ReadFile(path); string(b2) != string(b) {
		t.Error("the final evaluation wrote the file")
	}
	if _, err := AppendEpochValues(path, []string{"other"}, 3, []float64{1}, true); err == nil {
		t.Error("a file of other columns: want an error")
	}
	if _, err := AppendEpochValues(path, header, 3, []float64{1}, true); err == nil {
		t.Error("too few values: want an error")
	}
	if err := os.WriteFile(path, []byte("epoch,classes_covered,entropy_bits\n1,x,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := AppendEpochValues(path, header, 2, []float64{1, 2}, true); err == nil {
		t.Error("a corrupt file: want an error")
	}
}
