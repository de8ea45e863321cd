package eval

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// Collapse holds the two collapse figures of a set of embeddings.
type Collapse struct {
	// Std is the mean over dimensions of the standard deviation of the
	// L2-normalised embeddings: about 1/sqrt(d) when healthy, near 0 when
	// every input maps to the same point.
	Std float64
	// EffectiveRank is exp of the entropy of the normalised singular values
	// (Roy & Vetterli 2007; RankMe, Garrido et al. 2023): between 1 (all
	// embeddings on a line) and d (spread over every dimension).
	EffectiveRank float64
}

// CollapseOf measures f (at most the first 2,000 rows, to bound the SVD).
func CollapseOf(f Features) Collapse {
	nf := f.normalized()
	n := min(nf.Len(), 2000)
	if n == 0 {
		return Collapse{}
	}
	d := nf.Dim
	var std float64
	for j := range d {
		var s, ss float64
		for i := range n {
			v := float64(nf.Data[i*d+j])
			s += v
			ss += v * v
		}
		mean := s / float64(n)
		std += math.Sqrt(math.Max(ss/float64(n)-mean*mean, 0))
	}
	std /= float64(d)

	m := mat.NewDense(n, d, nil)
	for i := range n {
		for j := range d {
			m.Set(i, j, float64(f.Data[i*d+j]))
		}
	}
	var svd mat.SVD
	if !svd.Factorize(m, mat.SVDNone) {
		return Collapse{Std: std, EffectiveRank: math.NaN()}
	}
	values := svd.Values(nil)
	var total float64
	for _, v := range values {
		total += v
	}
	var entropy float64
	for _, v := range values {
		if p := v/total + 1e-12; v > 0 {
			entropy -= p * math.Log(p)
		}
	}
	return Collapse{Std: std, EffectiveRank: math.Exp(entropy)}
}
