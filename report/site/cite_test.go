package site

import (
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/results"
)

// A pretext task's accuracy cites as the probes do, with its interval on
// the run's test images; a run without a pretext task says so.
func TestCitePretext(t *testing.T) {
	get, ok := figureOf("pretext")
	if !ok {
		t.Fatal("no pretext figure")
	}
	acc := 0.213
	r := &results.Run{Dataset: results.DatasetRef{Test: 1000}, Metrics: results.Metrics{PretextAccuracy: &acc}}
	if got, want := get(r), "21.3"+pmSep+"2.5%"; got != want {
		t.Errorf("pretext %q, want %q", got, want)
	}
	if got := get(&results.Run{Dataset: results.DatasetRef{Test: 1000}}); got != "not measured" {
		t.Errorf("without a pretext task: %q", got)
	}
}

// A method's own measure cites with two decimals, a whole number as one.
func TestCiteMeasure(t *testing.T) {
	get, ok := figureOf("measure-2")
	if !ok {
		t.Fatal("no measure figure")
	}
	r := &results.Run{Measures: []results.Measure{{Name: "active units", Value: 17}, {Name: "KL", Value: 6.6}}}
	if got := get(r); got != "6.60" {
		t.Errorf("measure-2 %q, want 6.60", got)
	}
	if got, _ := figureOf("measure-1"); got(r) != "17" {
		t.Errorf("measure-1 %q, want 17", got(r))
	}
	if got, _ := figureOf("measure-3"); got(r) != "not measured" {
		t.Errorf("measure-3 %q", got(r))
	}
}

// The baselines' 1%-label probes cite like the run's.
func TestCiteBaselinesOnFewLabels(t *testing.T) {
	r := &results.Run{Dataset: results.DatasetRef{Test: 1000}, Baselines: results.Baselines{
		RandomInit: results.Baseline{KNNTop1OnePct: 0.648, LinearTop1OnePct: 0.724},
		Supervised: results.Baseline{KNNTop1OnePct: 0.86, LinearTop1OnePct: 0.852}}}
	for fig, want := range map[string]string{"random-knn-1pct": "64.8", "random-linear-1pct": "72.4", "supervised-knn-1pct": "86.0", "supervised-linear-1pct": "85.2"} {
		get, ok := figureOf(fig)
		if !ok {
			t.Fatalf("no figure %s", fig)
		}
		if got := get(r); len(got) < 4 || got[:4] != want {
			t.Errorf("%s: %q, want %s…", fig, got, want)
		}
	}
}
