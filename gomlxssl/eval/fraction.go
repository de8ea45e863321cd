package eval

import (
	"math"
	"math/rand/v2"
)

// Fraction is the semi-supervised setting's labelled subset: the same
// fraction of every class (rounded up, at least one row each), drawn with a
// seeded shuffle, so the subset is balanced and reproducible. The talk's
// "1% labels" columns fit the kNN and the linear probe on Fraction(0.01, seed).
func (f Features) Fraction(fraction float64, seed uint64) Features {
	byClass := map[int32][]int{}
	var classes []int32
	for i, l := range f.Labels {
		if _, ok := byClass[l]; !ok {
			classes = append(classes, l)
		}
		byClass[l] = append(byClass[l], i)
	}
	rng := rand.New(rand.NewPCG(seed, 0x1b7c))
	out := Features{Dim: f.Dim}
	for _, c := range classes { // first-seen order: deterministic
		rows := byClass[c]
		rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		n := min(len(rows), max(1, int(math.Ceil(fraction*float64(len(rows))))))
		for _, i := range rows[:n] {
			out.Data = append(out.Data, f.Data[i*f.Dim:(i+1)*f.Dim]...)
			out.Labels = append(out.Labels, c)
		}
	}
	return out
}
