package site

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/mega-ssl/mega/gomlxssl/results"
)

// gain is a method's fine-tuned figure minus a baseline's at one fraction,
// with the half-width of its 95% interval: of the mean per-seed difference
// (Student's t on n−1 degrees of freedom: tₙ₋₁·sd/√n) where both have the
// same seeds (the baseline of each seed is trained with that seed), else the
// two figures' 95% half-widths combined.
type gain struct {
	name      string
	diff, unc float64
	paired    bool
}

func gainOf(name string, m, b figure) gain {
	if n := len(m.seeds); n > 1 && n == len(b.seeds) {
		d := make([]float64, n)
		for i := range d {
			d[i] = m.seeds[i] - b.seeds[i]
		}
		s := results.SpreadOf(d)
		t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile(0.975)
		return gain{name: name, diff: s.Mean, unc: t * s.SD / math.Sqrt(float64(n)), paired: true}
	}
	return gain{name: name, diff: m.value - b.value, unc: math.Hypot(m.half, b.half)}
}

func (g gain) String() string {
	return fmt.Sprintf("%s %+.1f ± %.1f", g.name, 100*g.diff, 100*g.unc)
}

// verdict counts the gains whose 95% interval lies above zero, and below.
func verdict(gs []gain) (ahead, behind int) {
	for _, g := range gs {
		switch {
		case g.diff > g.unc:
			ahead++
		case g.diff < -g.unc:
			behind++
		}
	}
	return ahead, behind
}

// claim says, for each fraction of the plain fine-tuning protocol, whether
// the pre-trained encoders beat the same encoder trained from scratch (the
// talk's comparison) and the plain supervised convnet (a practitioner's), by
// how much, with the uncertainty of each gain; the baselines' figures are
// those over the seeds of most (mostSeeded), as Table 1 shows them.
func claim(chosen []*Experiment, most *Experiment, tuned []results.Score, bl results.Baselines) []string {
	var out []string
	first := chosen[0].Run
	for _, s := range tuned {
		if s.Kind != "fine-tuned" {
			continue // the plain recipe: the talk's
		}
		var parts []string
		for _, lb := range []struct {
			b      *results.LabelBaseline
			prefix string
			what   string
		}{{bl.Scratch, "scratch:", "the same encoder trained from scratch on them"},
			{bl.Practitioner, "practitioner:", "the plain max-pooled convnet trained on them"}} {
			if lb.b == nil {
				continue
			}
			bv, ok := scoreOf(lb.b.Scores, s.Key)
			if !ok {
				continue
			}
			base := lookup(most.Run, most.Seeds, lb.prefix, s.Key, bv, true)
			var gs []gain
			for _, e := range chosen {
				v, ok := scoreOf(e.Run.Scores, s.Key)
				if !ok {
					continue
				}
				bseeds := lookup(first, e.Seeds, lb.prefix, s.Key, bv, true)
				gs = append(gs, gainOf(strings.TrimSuffix(e.Run.Title, " on "+results.DatasetTitle(e.Run.Dataset.Name)),
					lookup(e.Run, e.Seeds, "", s.Key, v, true), bseeds))
			}
			if len(gs) == 0 {
				continue
			}
			ahead, behind := verdict(gs)
			each := make([]string, len(gs))
			for i, g := range gs {
				each[i] = g.String()
			}
			words := outcome(ahead, behind, len(gs))
			parts = append(parts, fmt.Sprintf("against %s (%s), %s — gains in points: %s", lb.what, base.text(), words, strings.Join(each, "; ")))
		}
		if len(parts) == 0 {
			continue
		}
		out = append(out, fmt.Sprintf("With %s labelled images (%s): %s.", thousands(s.Labels), strings.TrimSuffix(s.Title, ": fine-tuned"), strings.Join(parts, "; ")))
	}
	if len(out) > 0 {
		out = append(out, "A gain counts as a win or a loss only where its 95% interval leaves out zero; the ± is that interval's half-width: of the mean per-seed difference (Student's t) where method and baseline have the same seeds, else the two figures' 95% half-widths combined.")
	}
	return out
}

// text is a figure as prose: "75.3%", or "75.3 ± 1.2%" over seeds.
func (f figure) text() string {
	if len(f.seeds) > 1 {
		s := results.SpreadOf(f.seeds)
		return fmt.Sprintf("%.1f ± %.1f%%", 100*s.Mean, 100*s.SD)
	}
	return fmt.Sprintf("%.1f%%", 100*f.value)
}

// outcome says in words how many of n gains are wins and losses.
func outcome(ahead, behind, n int) string {
	methods := func(k int) string {
		if n == 1 {
			return "the method"
		}
		if k == n {
			return "every method"
		}
		return fmt.Sprintf("%d of the %d methods", k, n)
	}
	switch {
	case ahead == n:
		return "pre-training wins for " + methods(n)
	case behind == n:
		return "pre-training loses for " + methods(n)
	case ahead == 0 && behind == 0:
		return "pre-training is level with it within the uncertainty for " + methods(n)
	}
	var parts []string
	if ahead > 0 {
		parts = append(parts, "wins for "+methods(ahead))
	}
	if behind > 0 {
		parts = append(parts, "loses for "+methods(behind))
	}
	return "pre-training " + strings.Join(parts, " and ") + ", and is level within the uncertainty for the others"
}
