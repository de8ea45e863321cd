package eval

import (
	"math"
	"math/rand/v2"
)

// FractionRows is the semi-supervised settings' labelled subset of a split
// whose images have these labels: the same fraction of every class (rounded
// up, at least one row each), drawn with a seeded shuffle, so the subset is
// balanced and reproducible. It depends only on the labels, the fraction and
// the seed: the frozen probes' "1% labels" and the fine-tuning protocol take
// the same images for every method, every model seed and every baseline.
// Rows come class by class, in the order classes first appear.
func FractionRows(labels []int32, fraction float64, seed uint64) []int {
	byClass := map[int32][]int{}
	var classes []int32
	for i, l := range labels {
		if _, ok := byClass[l]; !ok {
			classes = append(classes, l)
		}
		byClass[l] = append(byClass[l], i)
	}
	rng := rand.New(rand.NewPCG(seed, 0x1b7c))
	var out []int
	for _, c := range classes { // first-seen order: deterministic
		rows := byClass[c]
		rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		n := min(len(rows), max(1, int(math.Ceil(fraction*float64(len(rows))))))
		out = append(out, rows[:n]...)
	}
	return out
}

// Fraction is the rows FractionRows picks: the talk's "1% labels" columns fit
// the kNN and the linear probe on Fraction(0.01, seed).
func (f Features) Fraction(fraction float64, seed uint64) Features {
	out := Features{Dim: f.Dim}
	for _, i := range FractionRows(f.Labels, fraction, seed) {
		out.Data = append(out.Data, f.Data[i*f.Dim:(i+1)*f.Dim]...)
		out.Labels = append(out.Labels, f.Labels[i])
	}
	return out
}
