package results

import (
	"math"
	"slices"
	"testing"
)

// The protocols' figures of several seeds aggregate by key, the networks
// trained from scratch with each seed beside them; an old run.json without
// scores loads and aggregates as before.
func TestScoresAggregateBySeed(t *testing.T) {
	run := func(seed float64, tuned, scratch float64) *Run {
		return &Run{Experiment: "simclr", Title: "SimCLR", Config: map[string]any{"seed": seed},
			Scores: Scores{{Key: "finetune_1pct", Title: "1% labels: fine-tuned", Fraction: 0.01, Value: tuned}},
			Baselines: Baselines{Scratch: &LabelBaseline{Name: "convnet", Seed: uint64(seed),
				Scores: Scores{{Key: "finetune_1pct", Value: scratch}}}}}
	}
	rows := [][]EpochRow{{{Epoch: 1}}, {{Epoch: 1}}}
	a, err := Aggregate([]*Run{run(1, 0.80, 0.75), run(2, 0.82, 0.76)}, rows, []string{"simclr", "simclr-seed2"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if s := a.Metrics["finetune_1pct"]; math.Abs(s.Mean-0.81) > 1e-12 || len(s.Values) != 2 {
		t.Errorf("finetune_1pct over seeds: %+v", s)
	}
	if s := a.Metrics["scratch:finetune_1pct"]; math.Abs(s.Mean-0.755) > 1e-12 {
		t.Errorf("scratch:finetune_1pct over seeds: %+v", s)
	}
	if keys := a.ScoreKeys(); !slices.Equal(keys, []string{"finetune_1pct"}) {
		t.Errorf("score keys %v", keys)
	}
	old, err := Aggregate([]*Run{{Config: map[string]any{"seed": 1.0}}}, rows[:1], []string{"x"}, 1)
	if err != nil || len(old.ScoreKeys()) != 0 {
		t.Errorf("a run from before the scores: %v, %v", err, old.ScoreKeys())
	}
	if got := KeyOrder(Scores{{Key: "b", Fraction: 0.1}, {Key: "a", Fraction: 0.01}}, Scores{{Key: "c", Fraction: 0.01}, {Key: "a"}}); len(got) != 3 ||
		got[0].Key != "a" || got[1].Key != "c" || got[2].Key != "b" {
		t.Errorf("KeyOrder: %+v", got)
	}
}
