package eval

import (
	"cmp"
	"fmt"
	"slices"
)

// Match is one training row found near a query: its index in the training
// features and its cosine similarity to the query.
type Match struct {
	Index      int
	Similarity float32
}

// Nearest returns, for each row of queries, the k rows of train most similar
// to it under the kNN's measure (cosine similarity), the most similar first;
// equal similarities keep the lower index first, so the answer does not
// depend on the order the rows were searched in.
func Nearest(train, queries Features, k int) ([][]Match, error) {
	if err := train.check(); err != nil {
		return nil, err
	}
	if err := queries.check(); err != nil {
		return nil, err
	}
	if train.Dim != queries.Dim {
		return nil, fmt.Errorf("eval: train dim %d != query dim %d", train.Dim, queries.Dim)
	}
	if k <= 0 || train.Len() == 0 {
		return nil, fmt.Errorf("eval: %d nearest of %d training rows", k, train.Len())
	}
	k = min(k, train.Len())
	b := newBank(train.normalized())
	q := queries.normalized()
	rows := q.Len()
	data := q.Data
	if rows%4 != 0 { // the kernel takes rows four at a time: pad with zeros
		data = make([]float32, (rows+3)/4*4*q.Dim)
		copy(data, q.Data)
	}
	padded := len(data) / q.Dim
	sims := make([]float32, padded*b.stride)
	similarities(&b, data, padded, sims)
	out := make([][]Match, rows)
	for r := range rows {
		row := sims[r*b.stride : r*b.stride+b.n]
		best := make([]Match, 0, k+1)
		for j, s := range row {
			if len(best) == k && s <= best[k-1].Similarity {
				continue // not above the k-th: a tie keeps the earlier (lower) index
			}
			at, _ := slices.BinarySearchFunc(best, s, func(m Match, s float32) int { return cmp.Compare(s, m.Similarity) })
			for at < len(best) && best[at].Similarity == s {
				at++ // after the equal ones, which have lower indices
			}
			best = slices.Insert(best, at, Match{Index: j, Similarity: s})
			if len(best) > k {
				best = best[:k]
			}
		}
		out[r] = best
	}
	return out, nil
}
