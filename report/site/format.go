package site

// How the page writes a run's values: a setting from its config, a commit,
// a percentage, a number, a duration.

import (
	"fmt"
	"time"

	"github.com/mega-ssl/mega/gomlxssl/results"
)

// configString is the run's setting key as the page prints it ("—" where
// the run has none).
func configString(r *results.Run, key string) string {
	v, ok := r.Config[key]
	if !ok {
		return "—"
	}
	if f, ok := v.(float64); ok && f == float64(int64(f)) {
		return fmt.Sprint(int64(f))
	}
	return fmt.Sprint(v)
}

func short(commit string) string {
	if commit == "" {
		return "unknown"
	}
	return commit[:min(len(commit), 7)]
}

func pct(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) }

func num(f float64, prec int) string { return fmt.Sprintf("%.*f", prec, f) }

func duration(s float64) string {
	d := time.Duration(s * float64(time.Second)).Round(time.Second)
	if d >= time.Minute {
		return fmt.Sprintf("%d min %02d s", int(d.Minutes()), int(d.Seconds())%60)
	}
	return d.String()
}
