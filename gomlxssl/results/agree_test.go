package results

import (
	"math"
	"strings"
	"testing"
)

func agreeFixture() *Run {
	return &Run{Status: StatusComplete, Dataset: DatasetRef{Name: "shapes", Train: 2048, Test: 500},
		Config:  map[string]any{"epochs": 4.0, "out": "out", "resume": false},
		Metrics: Metrics{KNNTop1: 0.40, LinearTop1: 0.50, LinearTop5: 0.90},
		Scores:  Scores{{Key: "finetune_1pct", Title: "1% labels: fine-tuned", Value: 0.30, Test: 500}},
		Baselines: Baselines{RandomInit: Baseline{KNNTop1: 0.2, LinearTop1: 0.3},
			Scratch: &LabelBaseline{Scores: Scores{{Key: "finetune_1pct", Title: "1% labels: fine-tuned", Value: 0.25, Test: 500}}}},
	}
}

// A run agrees with itself on every figure; a figure moved by 20 points on
// 500 test images does not; the band is the binomial one of both, widened
// by the reference's seed spread.
func TestCompare(t *testing.T) {
	ref := agreeFixture()
	same := Compare(agreeFixture(), ref, nil)
	if len(same) != 7 {
		t.Fatalf("%d figures compared, want 7 (3 probes, 1 score, 2 random-init probes, 1 scratch score): %v", len(same), same)
	}
	for _, a := range same {
		if !a.Agrees() {
			t.Errorf("%s: a run disagrees with itself: %s", a.Key, a)
		}
	}
	if same[0].Key != "knn_top1" || same[len(same)-1].Key != "scratch:finetune_1pct" {
		t.Errorf("order %s … %s: the run's own figures first, the baselines' after", same[0].Key, same[len(same)-1].Key)
	}
	want := 1.96 * math.Sqrt(2*0.4*0.6/500)
	if math.Abs(same[0].Tolerance-want) > 1e-12 {
		t.Errorf("kNN band %g, want %g", same[0].Tolerance, want)
	}
	planted := agreeFixture()
	planted.Metrics.KNNTop1 += 0.2
	var off []string
	for _, a := range Compare(planted, ref, nil) {
		if !a.Agrees() {
			off = append(off, a.Key)
			if !strings.Contains(a.String(), "DIFFERS") {
				t.Errorf("line %q does not say it differs", a)
			}
		}
	}
	if strings.Join(off, " ") != "knn_top1" {
		t.Errorf("planted disagreement: %v differ, want knn_top1 alone", off)
	}
	// Three seeds 0.1 apart on kNN: a 20-point move is then within the band.
	seeds := &Seeds{Metrics: map[string]Spread{"knn_top1": SpreadOf([]float64{0.3, 0.4, 0.5})}}
	for _, a := range Compare(planted, ref, seeds) {
		if a.Key == "knn_top1" && (!a.Agrees() || a.SeedSD != 0.1) {
			t.Errorf("with the seeds' spread: %s (sd %g)", a, a.SeedSD)
		}
	}
}

// Where a run was made and whether it resumed are not its settings; its
// epochs are.
func TestSettingsDiffer(t *testing.T) {
	a, b := agreeFixture(), agreeFixture()
	b.Config["out"], b.Config["resume"] = "/tmp/x", true
	if d := SettingsDiffer(a, b); len(d) != 0 {
		t.Errorf("differ in %v", d)
	}
	a.Config["newer-flag"] = "" // a flag added since b was made, at its default
	if d := SettingsDiffer(a, b); len(d) != 0 {
		t.Errorf("a flag added since, at its default: differ in %v", d)
	}
	b.Config["epochs"] = 10.0
	if d := SettingsDiffer(a, b); strings.Join(d, ";") != "-epochs 4 vs 10" {
		t.Errorf("differ in %v, want the epochs", d)
	}
}
