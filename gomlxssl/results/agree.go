package results

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

// Agreement is one figure of a run beside the same figure of its reference:
// whether the two agree within the noise a rerun is expected to show.
type Agreement struct {
	// Key names the figure as seeds.json does ("knn_top1", "finetune_1pct",
	// "scratch:finetune_1pct", "supervised:linear_top1"); Title is it in
	// words.
	Key, Title string
	Own, Ref   float64
	// Tolerance is the half-width of the 95% band of Own − Ref: both
	// accuracies' binomial noise on their test images and, where the
	// reference has several seeds, the spread between seeds (a rerun on
	// another machine drifts in floating point as another seed would).
	Tolerance float64
	// SeedSD is the reference's seed spread folded into Tolerance (0: one
	// seed).
	SeedSD float64
}

// Agrees tells whether the difference lies within the tolerance.
func (a Agreement) Agrees() bool { return math.Abs(a.Own-a.Ref) <= a.Tolerance }

// String is the figure's line: both values, the difference and the verdict.
func (a Agreement) String() string {
	verdict := "agrees"
	if !a.Agrees() {
		verdict = fmt.Sprintf("DIFFERS (%.1f× the tolerance)", math.Abs(a.Own-a.Ref)/a.Tolerance)
	}
	return fmt.Sprintf("%-38s %6.1f%%  reference %6.1f%%  %+5.1f ± %.1f  %s",
		a.Title, 100*a.Own, 100*a.Ref, 100*(a.Own-a.Ref), 100*a.Tolerance, verdict)
}

// ignoredSettings are the flags that say where and how a run was made but
// not what it measures: they may differ between a run and its reference.
var ignoredSettings = map[string]bool{"out": true, "resume": true, "dry-run": true, "backend": true, "baselines": true,
	"data-dir": true, "download": true, "seeds": true, "preset-budget": true, "embed": true, "embed-out": true, "export": true,
	"neighbours": true}

// SettingsDiffer lists the settings in which two runs differ ("epochs 4 vs
// 10"), leaving out those that do not change the figures (-out, -resume,
// -backend…); a run compared to a reference of other settings measures
// something else.
func SettingsDiffer(own, ref *Run) []string {
	keys := map[string]bool{}
	for k := range own.Config {
		keys[k] = true
	}
	for k := range ref.Config {
		keys[k] = true
	}
	var diffs []string
	for k := range keys {
		if ignoredSettings[k] {
			continue
		}
		va, inA := own.Config[k]
		vb, inB := ref.Config[k]
		// A flag one run has and the other does not (added since) differs
		// only if it was set off its zero value.
		if !inA && isZero(vb) || !inB && isZero(va) {
			continue
		}
		a, b := fmt.Sprint(va), fmt.Sprint(vb)
		if a != b {
			diffs = append(diffs, fmt.Sprintf("-%s %s vs %s", k, a, b))
		}
	}
	if own.Dataset.Name != ref.Dataset.Name || own.Dataset.Train != ref.Dataset.Train || own.Dataset.Test != ref.Dataset.Test {
		diffs = append(diffs, fmt.Sprintf("data %s %d/%d vs %s %d/%d", own.Dataset.Name, own.Dataset.Train, own.Dataset.Test,
			ref.Dataset.Name, ref.Dataset.Train, ref.Dataset.Test))
	}
	sort.Strings(diffs)
	return diffs
}

// isZero tells whether a setting read from run.json is its type's zero
// value: "", false or 0.
func isZero(v any) bool {
	switch x := v.(type) {
	case string:
		return x == ""
	case bool:
		return !x
	case float64:
		return x == 0
	}
	return v == nil
}

// figure is one accuracy of a run, on test images.
type figure struct {
	key, title string
	value      float64
	test       int
}

// figuresOf lists a run's accuracies: the frozen probes, the protocols'
// scores, and the baselines' (keys as in seeds.json; the baselines' under
// "random_init:", "supervised:", "raw_pixels:", "scratch:",
// "practitioner:"). A probe a partial run has not fitted is left out.
func figuresOf(r *Run) []figure {
	n := r.Dataset.Test
	var out []figure
	probes := func(prefix, who string, m Baseline) {
		for _, p := range []struct {
			key, title string
			v          float64
		}{
			{"knn_top1", "kNN", m.KNNTop1}, {"linear_top1", "linear", m.LinearTop1}, {"linear_top5", "linear top-5", m.LinearTop5},
			{"knn_top1_1pct", "1% labels: kNN", m.KNNTop1OnePct}, {"linear_top1_1pct", "1% labels: linear", m.LinearTop1OnePct},
		} {
			if p.v > 0 {
				out = append(out, figure{prefix + p.key, strings.TrimSpace(who + " " + p.title), p.v, n})
			}
		}
	}
	m := r.Metrics
	if r.LinearProbed() {
		probes("", "", Baseline{KNNTop1: m.KNNTop1, LinearTop1: m.LinearTop1, LinearTop5: m.LinearTop5,
			KNNTop1OnePct: m.KNNTop1OnePct, LinearTop1OnePct: m.LinearTop1OnePct})
	}
	if m.PretextAccuracy != nil {
		out = append(out, figure{"pretext_accuracy", "pretext task", *m.PretextAccuracy, n})
	}
	scores := func(prefix, who string, s Scores) {
		for _, sc := range s {
			out = append(out, figure{prefix + sc.Key, strings.TrimSpace(who + " " + sc.Title), sc.Value, sc.Test})
		}
	}
	scores("", "", r.Scores)
	b := r.Baselines
	probes("random_init:", "random init:", b.RandomInit)
	probes("supervised:", "supervised:", b.Supervised)
	if b.RawPixels != nil {
		probes("raw_pixels:", "raw pixels:", *b.RawPixels)
	}
	if b.Scratch != nil {
		scores("scratch:", "from scratch:", b.Scratch.Scores)
	}
	if b.Practitioner != nil {
		scores("practitioner:", "plain convnet:", b.Practitioner.Scores)
	}
	slices.SortStableFunc(out, func(a, b figure) int { return strings.Count(a.key, ":") - strings.Count(b.key, ":") })
	return out
}

// Compare sets each accuracy of run own beside the same figure of the
// reference run ref (refSeeds, if not nil, is the reference's aggregate over
// seeds, whose spread widens the tolerance). Figures only one of the two
// measured are left out.
func Compare(own, ref *Run, refSeeds *Seeds) []Agreement {
	refs := map[string]figure{}
	for _, f := range figuresOf(ref) {
		refs[f.key] = f
	}
	var out []Agreement
	for _, f := range figuresOf(own) {
		r, ok := refs[f.key]
		if !ok || f.test <= 0 || r.test <= 0 {
			continue
		}
		a := Agreement{Key: f.key, Title: f.title, Own: f.value, Ref: r.value}
		variance := f.value*(1-f.value)/float64(f.test) + r.value*(1-r.value)/float64(r.test)
		if refSeeds != nil {
			if s, ok := refSeeds.Metrics[f.key]; ok && len(s.Values) > 1 {
				a.SeedSD = s.SD
				variance += s.SD * s.SD
			}
		}
		// Never below one test image's worth: two identical figures of 100%
		// have no binomial noise, but a rerun may still miss one image.
		a.Tolerance = max(1.96*math.Sqrt(variance), 1/float64(min(f.test, r.test)))
		out = append(out, a)
	}
	return out
}
