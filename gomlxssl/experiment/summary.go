package experiment

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

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
	if r.Labels {
		b.WriteString("pre-trained with labels: a supervised run, not self-supervised\n")
	}
	m := r.Metrics
	if r.Unlabelled {
		fmt.Fprintf(&b, "no labels: no probe, baseline or fine-tuning; embedding std %.3f, effective rank %.1f%s; %.0f images/s\n",
			m.EmbeddingStd, m.EffectiveRank, map[bool]string{true: " — COLLAPSED", false: ""}[r.Collapsed], m.ImagesPerS)
		fmt.Fprintf(&b, "protocol: %s\n", r.Protocol)
		if r.Error != "" {
			fmt.Fprintf(&b, "error: %s\n", r.Error)
		}
		return b.String()
	}
	complete := r.Status == results.StatusComplete
	width := max(len("random-init encoder"), utf8.RuneCountInString(r.Title))
	row := func(name string, cells ...string) {
		fmt.Fprintf(&b, "%-*s", width, name)
		for _, c := range cells {
			fmt.Fprintf(&b, " %9s", c)
		}
		b.WriteString("\n")
	}
	row("", "kNN", "linear", "top-5", "1% kNN", "1% linear")
	top5 := func(v float64) string {
		if r.Dataset.Classes <= 5 {
			return "—" // every class is in the top five
		}
		return pct(v)
	}
	baseline := func(name string, v results.Baseline) {
		row(name, pct(v.KNNTop1), pct(v.LinearTop1), top5(v.LinearTop5), pct(v.KNNTop1OnePct), pct(v.LinearTop1OnePct))
	}
	if px := r.Baselines.RawPixels; px != nil {
		baseline("raw pixels", *px)
	}
	baseline("random-init encoder", r.Baselines.RandomInit)
	if complete {
		row(r.Title, pct(m.KNNTop1), pct(m.LinearTop1), top5(m.LinearTop5), pct(m.KNNTop1OnePct), pct(m.LinearTop1OnePct))
	} else {
		row(r.Title, pct(m.KNNTop1), "—", "—", "—", "—")
	}
	baseline("supervised encoder", r.Baselines.Supervised)
	labelEfficiency(&b, r)
	fmt.Fprintf(&b, "embedding std %.3f, effective rank %.1f%s; %.0f images/s\n", m.EmbeddingStd, m.EffectiveRank,
		map[bool]string{true: " — COLLAPSED", false: ""}[r.Collapsed], m.ImagesPerS)
	if ev := r.MonitorS + r.FinalEvalS; ev > 0 && r.DurationS > 0 {
		fmt.Fprintf(&b, "evaluation: kNN monitor %.0f s, final probes %.0f s — %.0f%% of the run's %.0f s\n",
			r.MonitorS, r.FinalEvalS, 100*ev/r.DurationS, r.DurationS)
	}
	if r.FineTuneS > 0 && r.DurationS > 0 {
		fmt.Fprintf(&b, "fine-tuning protocols: %.0f s, %.0f%% of the run\n", r.FineTuneS, 100*r.FineTuneS/r.DurationS)
	}
	fmt.Fprintf(&b, "protocol: %s\n", r.Protocol)
	for _, s := range r.Scores {
		fmt.Fprintf(&b, "%s: %s\n", s.Title, s.Protocol)
	}
	if r.Error != "" {
		fmt.Fprintf(&b, "error: %s\n", r.Error)
	}
	return b.String()
}

// SeedsSummary is the summary of several seeds' aggregate: each probe's
// mean ± standard deviation and the per-seed values.
func SeedsSummary(a *results.Seeds) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s — %d seeds (%s) on the same data (data seed %d); mean ± sd (per seed):\n", a.Title, len(a.Seeds), results.SeedList(a.Seeds), a.DataSeed)
	figures := []struct{ key, name string }{{"knn_top1", "kNN top-1"}, {"linear_top1", "linear top-1"},
		{"knn_top1_1pct", "1% labels kNN"}, {"linear_top1_1pct", "1% labels linear"}}
	for _, who := range []struct{ prefix, name string }{{"", ""}, {"scratch:", " (from scratch)"}, {"practitioner:", " (plain convnet)"}} {
		for _, key := range a.ScoreKeys() {
			if _, ok := a.Metrics[who.prefix+key]; ok {
				sc, _ := a.Scores.Get(key)
				figures = append(figures, struct{ key, name string }{who.prefix + key, sc.Title + who.name})
			}
		}
	}
	for _, m := range figures {
		s, ok := a.Metrics[m.key]
		if !ok {
			continue
		}
		var each []string
		for _, v := range s.Values {
			each = append(each, fmt.Sprintf("%.1f", 100*v))
		}
		fmt.Fprintf(&b, "  %-36s %5.1f%% ± %.1f (%s)\n", m.name, 100*s.Mean, 100*s.SD, strings.Join(each, ", "))
	}
	return b.String()
}

// labelEfficiency writes the protocols' figures (results.Score) of the run
// and of the networks trained from scratch as one table, a column per
// figure (its title), a row per network; the raw pixels' row holds the
// linear probe at the same fractions. Nothing when the run has none.
func labelEfficiency(b *strings.Builder, r *results.Run) {
	type row struct {
		name   string
		scores results.Scores
	}
	var rows []row
	add := func(name string, s results.Scores) {
		if len(s) > 0 {
			rows = append(rows, row{name, s})
		}
	}
	bl := r.Baselines
	if bl.RawPixels != nil {
		add("raw pixels (linear probe)", bl.RawPixels.Scores)
	}
	for _, lb := range []*results.LabelBaseline{bl.Scratch, bl.Practitioner} {
		if lb != nil {
			add(lb.Name+" from scratch", lb.Scores)
		}
	}
	add(r.Title+" (pre-trained)", r.Scores)
	var lists []results.Scores
	for _, row := range rows { // the pixels' linear probe fills the others' columns
		if !strings.HasPrefix(row.name, "raw pixels") {
			lists = append(lists, row.scores)
		}
	}
	columns := results.KeyOrder(lists...)
	if len(r.Scores) == 0 || len(columns) == 0 {
		return
	}
	width := len("raw pixels (linear probe)")
	for _, row := range rows {
		width = max(width, utf8.RuneCountInString(row.name))
	}
	fmt.Fprintf(b, "%-*s", width, "top-1 with few labels")
	for _, c := range columns {
		fmt.Fprintf(b, " %9s", shortTitle(c))
	}
	b.WriteString("\n")
	for _, row := range rows {
		fmt.Fprintf(b, "%-*s", width, row.name)
		for _, c := range columns {
			cell := "—"
			if s, ok := row.scores.Get(c.Key); ok {
				cell = fmt.Sprintf("%.1f%%", 100*s.Value)
			} else if i := slices.IndexFunc(row.scores, func(s results.Score) bool { return s.Kind == "linear probe" && s.Fraction == c.Fraction }); i >= 0 {
				cell = fmt.Sprintf("%.1f%%", 100*row.scores[i].Value)
			}
			fmt.Fprintf(b, " %9s", cell)
		}
		b.WriteString("\n")
	}
}

// shortTitle is a protocol figure's column head in the summary: its
// fraction, and its recipe where it is not the plain one ("1%", "10% aug").
func shortTitle(s results.Score) string {
	head := fmt.Sprintf("%g%%", 100*s.Fraction)
	if strings.Contains(s.Kind, ",") {
		head += " aug"
	}
	return head
}
