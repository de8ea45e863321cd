package site

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/mega-ssl/mega/gomlxssl/results"
)

// Prose cites measured figures instead of restating them by hand: in a
// narrative or a notebook's comments, [@RUN FIGURE] prints FIGURE of the run
// in OUT/RUN/ as it is on disk — [@simclr knn] "41.4 ± 3.0%",
// [@vicreg-fashion-mnist gain] "+10.4 ± 1.1 points" — and a run that is not on disk prints visibly as
// "not run" (a partial one as "partial run"), so that the page never says a
// number its tables do not show. A line break may part the run from its
// figure, as wrapped comments do. Figures over seeds ([@simclr knn-seeds]
// "40.1 ± 1.2% (3 seeds)") read the run's aggregate (seeds.json); without
// one they print the run's own figure, "41.4 ± 3.0% (one seed)".
var citation = regexp.MustCompile(`\[@([a-z0-9][a-z0-9.]*(?:-[a-z0-9.]+)*)\s+([a-z0-9-]+)\]`)

// citeFigures are the figures a citation may name, read from a run. An
// accuracy prints with the half-width of its 95% interval on the run's test
// images, "41.4 ± 3.0%", and a gain with that of the difference, "+28.2 ±
// 3.9 points", as the tables print them (over seeds: "38.0 ± 3.3% (3
// seeds)", the seeds' standard deviation): a figure without its
// uncertainty reads as more certain than one seed on a thousand images is.
var citeFigures = map[string]func(r *results.Run) string{
	"knn":          func(r *results.Run) string { return citedPct(r.Metrics.KNNTop1, r) },
	"linear":       func(r *results.Run) string { return citedPct(r.Metrics.LinearTop1, r) },
	"top5":         func(r *results.Run) string { return citedPct(r.Metrics.LinearTop5, r) },
	"knn-1pct":     func(r *results.Run) string { return citedPct(r.Metrics.KNNTop1OnePct, r) },
	"linear-1pct":  func(r *results.Run) string { return citedPct(r.Metrics.LinearTop1OnePct, r) },
	"rank":         func(r *results.Run) string { return num(r.Metrics.EffectiveRank, 1) },
	"std":          func(r *results.Run) string { return num(r.Metrics.EmbeddingStd, 3) },
	"epochs":       func(r *results.Run) string { return fmt.Sprint(r.Metrics.Epochs) },
	"time":         func(r *results.Run) string { return duration(r.DurationS) },
	"gain":         func(r *results.Run) string { return citedGain(r.Metrics.KNNTop1, r.Baselines.RandomInit.KNNTop1, r) },
	"knn-interval": func(r *results.Run) string { return interval(r.Metrics.KNNTop1, r.Dataset.Test) },
	"gain-interval": func(r *results.Run) string {
		return pointsInterval(r.Metrics.KNNTop1, r.Baselines.RandomInit.KNNTop1, r.Dataset.Test)
	},
	"random-knn":        func(r *results.Run) string { return citedPct(r.Baselines.RandomInit.KNNTop1, r) },
	"random-linear":     func(r *results.Run) string { return citedPct(r.Baselines.RandomInit.LinearTop1, r) },
	"supervised-knn":    func(r *results.Run) string { return citedPct(r.Baselines.Supervised.KNNTop1, r) },
	"supervised-linear": func(r *results.Run) string { return citedPct(r.Baselines.Supervised.LinearTop1, r) },
	"random-knn-1pct":   func(r *results.Run) string { return citedPct(r.Baselines.RandomInit.KNNTop1OnePct, r) },
	"random-linear-1pct": func(r *results.Run) string {
		return citedPct(r.Baselines.RandomInit.LinearTop1OnePct, r)
	},
	"supervised-knn-1pct": func(r *results.Run) string { return citedPct(r.Baselines.Supervised.KNNTop1OnePct, r) },
	"supervised-linear-1pct": func(r *results.Run) string {
		return citedPct(r.Baselines.Supervised.LinearTop1OnePct, r)
	},
	"pretext": func(r *results.Run) string { // the pretext task's accuracy on the test images
		if r.Metrics.PretextAccuracy == nil {
			return "not measured"
		}
		return citedPct(*r.Metrics.PretextAccuracy, r)
	},
	"pixels-knn": func(r *results.Run) string {
		if r.Baselines.RawPixels == nil {
			return "not measured"
		}
		return citedPct(r.Baselines.RawPixels.KNNTop1, r)
	},
	"pixels-gain": func(r *results.Run) string {
		if r.Baselines.RawPixels == nil {
			return "not measured"
		}
		return citedGain(r.Metrics.KNNTop1, r.Baselines.RawPixels.KNNTop1, r)
	},
}

// measureFigure is a method's own measure (run.json's "measures", in the
// order the method made them: DINO's teacher entropies, a VAE's active
// units…), cited by its place, [@dino measure-1], with two decimals (a
// whole number, such as a count, without).
var measureFigure = regexp.MustCompile(`^measure-([1-9][0-9]*)$`)

// scoreFigure is a protocol's figure (run.json's "scores", read by key with
// dashes for underscores): [@simclr-fashion-mnist finetune-1pct] "79.1 ±
// 0.8%", and the networks trained from scratch on the same labels,
// [@simclr-fashion-mnist scratch-finetune-1pct]. Any protocol's key cites
// so, with no entry here.
var scoreFigure = regexp.MustCompile(`^(?:(scratch|practitioner)-)?([a-z]+(?:-[a-z0-9.]+)*pct)$`)

// figureOf returns how to read the figure a citation names from a run.
func figureOf(figure string) (func(r *results.Run) string, bool) {
	if get, ok := citeFigures[figure]; ok {
		return get, true
	}
	if m := scoreFigure.FindStringSubmatch(figure); m != nil {
		key := strings.ReplaceAll(m[2], "-", "_")
		return func(r *results.Run) string {
			scores := r.Scores
			switch b := r.Baselines; m[1] {
			case "scratch":
				scores = nil
				if b.Scratch != nil {
					scores = b.Scratch.Scores
				}
			case "practitioner":
				scores = nil
				if b.Practitioner != nil {
					scores = b.Practitioner.Scores
				}
			}
			if s, ok := scores.Get(key); ok {
				return citedPct(s.Value, r)
			}
			return "not measured"
		}, true
	}
	m := measureFigure.FindStringSubmatch(figure)
	if m == nil {
		return nil, false
	}
	i, _ := strconv.Atoi(m[1])
	return func(r *results.Run) string {
		if len(r.Measures) < i {
			return "not measured"
		}
		if v := r.Measures[i-1].Value; v == math.Trunc(v) && math.Abs(v) < 1e6 { // a count: 17 active units
			return strconv.Itoa(int(v))
		}
		return num(r.Measures[i-1].Value, 2)
	}, true
}

// pmSep joins a figure and its uncertainty with no-break spaces, so that a
// line never parts "83.0 ±" from "0.7%".
const pmSep = "\u00a0±\u00a0"

// citedPct is an accuracy of run r as prose cites it, "41.4 ± 3.0%": the
// half-width of its 95% Wilson interval on r's test images.
func citedPct(p float64, r *results.Run) string {
	c := accuracy(p, r.Dataset.Test)
	if c.PM == "" {
		return c.Text
	}
	return fmt.Sprintf("%.1f%s%s%%", 100*p, pmSep, c.PM)
}

// citedGain is the gain p − q of two accuracies on r's test images as prose
// cites it, "+28.2 ± 3.9 points": the combined half-width, as in
// pointsInterval.
func citedGain(p, q float64, r *results.Run) string {
	n := r.Dataset.Test
	if n <= 0 {
		return points(p - q)
	}
	return fmt.Sprintf("%+.1f%s%.1f points", 100*(p-q), pmSep, 100*math.Hypot(accuracy(p, n).half, accuracy(q, n).half))
}

// seedFigures are the citable figures over several seeds, by the metric of
// the aggregate whose mean ± standard deviation each prints (the gain over
// the random-init encoder subtracts that baseline, which every seed shares:
// it is cached per data seed).
var seedFigures = map[string]string{"knn-seeds": "knn_top1", "linear-seeds": "linear_top1", "gain-seeds": "knn_top1"}

// seedText prints a figure over n seeds: "40.1 ± 1.2% (3 seeds)", a gain
// "+28.0 ± 1.2 points (3 seeds)".
func seedText(figure string, mean, sd float64, n int) string {
	if figure == "gain-seeds" {
		return fmt.Sprintf("%+.1f%s%.1f points (%d seeds)", 100*mean, pmSep, 100*sd, n)
	}
	return fmt.Sprintf("%.1f%s%.1f%% (%d seeds)", 100*mean, pmSep, 100*sd, n)
}

func points(d float64) string { return fmt.Sprintf("%+.1f points", 100*d) }

// interval is the 95% Wilson interval of an accuracy p on n test images,
// "82.0–83.5%" (the tables' hover text), or "not measured" without n.
func interval(p float64, n int) string {
	if n <= 0 {
		return "not measured"
	}
	lo, hi := results.Wilson(p, n, results.Z95)
	return fmt.Sprintf("%.1f–%.1f%%", 100*lo, 100*hi)
}

// pointsInterval is the 95% interval of the gain p − q of two accuracies on
// the same n test images, "+8.9 to +10.4 points": the difference ± the
// combined half-widths √(u_p² + u_q²), as the tables' marks weigh two runs.
func pointsInterval(p, q float64, n int) string {
	if n <= 0 {
		return "not measured"
	}
	a, b := accuracy(p, n), accuracy(q, n)
	h := math.Hypot(a.half, b.half)
	return fmt.Sprintf("%+.1f to %+.1f points", 100*(p-q-h), 100*(p-q+h))
}

// cite replaces the citations in md with the figures of runs (by directory
// name), warning about a figure it does not know.
func (b *builder) cite(md, where string) string {
	return citation.ReplaceAllStringFunc(md, func(m string) string {
		p := citation.FindStringSubmatch(m)
		run, figure := p[1], p[2]
		get, ok := figureOf(figure)
		seedKey, overSeeds := seedFigures[figure]
		if !ok && !overSeeds {
			names := make([]string, 0, len(citeFigures)+len(seedFigures))
			for n := range citeFigures {
				names = append(names, n)
			}
			for n := range seedFigures {
				names = append(names, n)
			}
			names = append(names, "measure-N")
			sort.Strings(names)
			b.warn(fmt.Sprintf("%s: %s cites an unknown figure %q (known: %s)", where, m, figure, strings.Join(names, ", ")))
			return m
		}
		r := b.runs[run]
		switch {
		case r == nil: // the section of the experiment says how to run it
			return "*not run*"
		case r.Status != results.StatusComplete && figure != "epochs":
			return fmt.Sprintf("*%s run*", r.Status)
		case overSeeds:
			agg := b.seeds[run]
			if agg == nil { // the run's own figure, said to be one seed's
				return b.fromReference(run, citeFigures[strings.TrimSuffix(figure, "-seeds")](r)+" (one seed)")
			}
			m, ok := agg.Metrics[seedKey]
			if !ok {
				return "*not measured*"
			}
			if figure == "gain-seeds" {
				m.Mean -= r.Baselines.RandomInit.KNNTop1
			}
			return b.fromReference(run, seedText(figure, m.Mean, m.SD, len(agg.Seeds)))
		}
		return b.fromReference(run, get(r))
	})
}

// fromReference marks a cited figure of a reference run: a link to the
// run's results, whose title says the figure is the repository's.
func (b *builder) fromReference(run, text string) string {
	ref := b.references[run]
	if ref == nil {
		return text
	}
	return fmt.Sprintf(`[%s](#%s-results "from the repository's reference run (%s); a run of yours replaces it")`, text, run, ref.Where())
}
