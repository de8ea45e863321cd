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
