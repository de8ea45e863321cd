package experiment

import (
	"fmt"
	"strings"

	"github.com/mega-ssl/mega/gomlxssl/results"
)

// sanitize makes a cache key safe as a file name.
func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == ':' || r == ' ' || r == '\\' {
			return '_'
		}
		return r
	}, s)
}

// Summary is the one-screen summary printed at the end of a run.
func Summary(r *results.Run) string {
	var b strings.Builder
	pct := func(v float64) string { return fmt.Sprintf("%5.1f%%", 100*v) }
	fmt.Fprintf(&b, "\n%s — %s (%s, %.0f s)\n", r.Title, r.Status, r.Env.Backend, r.DurationS)
	fmt.Fprintf(&b, "data: %s, %d train / %d test, %v; encoder %v; %d epochs, batch %v, seed %v\n",
		r.Dataset.Name, r.Dataset.Train, r.Dataset.Test, r.Dataset.Image, r.Config["encoder"], r.Metrics.Epochs, r.Config["batch"], r.Config["seed"])
	fmt.Fprintf(&b, "%-22s %8s %8s %8s\n", "", "kNN", "linear", "top-5")
	fmt.Fprintf(&b, "%-22s %8s %8s %8s\n", "random-init encoder", pct(r.Baselines.RandomInit.KNNTop1), pct(r.Baselines.RandomInit.LinearTop1), pct(r.Baselines.RandomInit.LinearTop5))
	lin, top5 := "     —", "     —"
	if r.Status == results.StatusComplete {
		lin, top5 = pct(r.Metrics.LinearTop1), pct(r.Metrics.LinearTop5)
	}
	fmt.Fprintf(&b, "%-22s %8s %8s %8s\n", r.Title, pct(r.Metrics.KNNTop1), lin, top5)
	fmt.Fprintf(&b, "%-22s %8s %8s %8s\n", "supervised encoder", pct(r.Baselines.Supervised.KNNTop1), pct(r.Baselines.Supervised.LinearTop1), pct(r.Baselines.Supervised.LinearTop5))
	fmt.Fprintf(&b, "embedding std %.3f, effective rank %.1f%s; %.0f images/s\n", r.Metrics.EmbeddingStd, r.Metrics.EffectiveRank,
		map[bool]string{true: " — COLLAPSED", false: ""}[r.Collapsed], r.Metrics.ImagesPerS)
	fmt.Fprintf(&b, "protocol: %s\n", r.Protocol)
	if r.Error != "" {
		fmt.Fprintf(&b, "error: %s\n", r.Error)
	}
	return b.String()
}
