package results

import (
	"slices"
	"strings"
)

// Score is one figure of an evaluation protocol that run.json carries with
// its own description, so that whoever reads it — the summary, `run.go
// list`, the seeds' aggregate, the report's tables, charts and citations —
// shows a protocol it has never heard of without a line of its own: adding a
// protocol is one entry in the runner's list (package experiment, protocols.go),
// and nothing here or in the report changes. The frozen probes of Metrics
// came before and keep their fields.
type Score struct {
	// Key names the figure in run.json, seeds.json and citations
	// ("finetune_1pct"): the protocol and its fraction of labels.
	Key string `json:"key"`
	// Title is its column's head: "1% labels: fine-tuned".
	Title string `json:"title"`
	// Kind is the protocol without the fraction ("fine-tuned", "linear"),
	// Fraction the share of the training labels it fitted on (1 for all),
	// Labels how many labelled images that was.
	Kind     string  `json:"kind"`
	Fraction float64 `json:"fraction"`
	Labels   int     `json:"labels"`
	// Value is the top-1 accuracy on the Test images of the test split
	// (its 95% interval is Wilson's over them).
	Value float64 `json:"value"`
	Test  int     `json:"test"`
	// Protocol says how it was measured; Seconds what it cost.
	Protocol string  `json:"protocol"`
	Seconds  float64 `json:"seconds,omitempty"`
}

// Scores are a run's or a baseline's protocol figures, in the protocols'
// order.
type Scores []Score

// Get finds a figure by key.
func (s Scores) Get(key string) (Score, bool) {
	i := slices.IndexFunc(s, func(x Score) bool { return x.Key == key })
	if i < 0 {
		return Score{}, false
	}
	return s[i], true
}

// Set adds a figure, or replaces the one of the same key.
func (s *Scores) Set(x Score) {
	if i := slices.IndexFunc(*s, func(y Score) bool { return y.Key == x.Key }); i >= 0 {
		(*s)[i] = x
		return
	}
	*s = append(*s, x)
}

// KeyOrder merges the keys of several lists of scores into one order: each
// key where it first appears, fractions ascending within a kind — the
// columns of a table whose rows measured different protocols.
func KeyOrder(lists ...Scores) []Score {
	var out []Score
	for _, l := range lists {
		for _, s := range l {
			if !slices.ContainsFunc(out, func(x Score) bool { return x.Key == s.Key }) {
				out = append(out, s)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Score) int {
		switch {
		case a.Fraction < b.Fraction:
			return -1
		case a.Fraction > b.Fraction:
			return 1
		}
		return 0
	})
	return out
}

// Short is the figure's name in a one-line listing: its title without
// "labels:" ("1% fine-tuned").
func (s Score) Short() string { return strings.Replace(s.Title, " labels:", "", 1) }

// With is b with the figures of other that b lacks (another recipe's), when
// other is the same network trained with the same seed; other when b is
// nil, b when other is nil or another network or seed. Neither is changed.
func (b *LabelBaseline) With(other *LabelBaseline) *LabelBaseline {
	switch {
	case b == nil:
		return other
	case other == nil || other.Name != b.Name || other.Seed != b.Seed:
		return b
	}
	out := *b
	out.Scores = slices.Clone(b.Scores)
	for _, s := range other.Scores {
		if _, ok := out.Scores.Get(s.Key); !ok {
			out.Scores = append(out.Scores, s)
		}
	}
	return &out
}
