package eval

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

// Nearest agrees with a float64 search over every row: the same rows, in
// the same order, with their similarities; ties keep the lower index.
func TestNearestMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	train := clusters(rng, 5, 61, 13, 1.5)
	queries := clusters(rng, 5, 3, 13, 1.5) // 15 rows: not a multiple of four
	// Two copies of one training row: a tie, the lower index first.
	copy(train.Data[40*13:41*13], train.Data[7*13:8*13])
	copy(queries.Data[:13], train.Data[7*13:8*13])
	got, err := Nearest(train, queries, 8)
	if err != nil {
		t.Fatal(err)
	}
	cosine := func(a, b []float32) float64 {
		var ab, aa, bb float64
		for i := range a {
			ab += float64(a[i]) * float64(b[i])
			aa += float64(a[i]) * float64(a[i])
			bb += float64(b[i]) * float64(b[i])
		}
		return ab / math.Sqrt(aa*bb)
	}
	for q := range queries.Len() {
		type scored struct {
			i int
			s float64
		}
		var all []scored
		for i := range train.Len() {
			all = append(all, scored{i, cosine(queries.Data[q*13:(q+1)*13], train.Data[i*13:(i+1)*13])})
		}
		sort.SliceStable(all, func(a, b int) bool { return all[a].s > all[b].s })
		if len(got[q]) != 8 {
			t.Fatalf("query %d: %d matches, want 8", q, len(got[q]))
		}
		for r, m := range got[q] {
			if m.Index != all[r].i || math.Abs(float64(m.Similarity)-all[r].s) > 1e-5 {
				t.Fatalf("query %d, rank %d: row %d (%.6f), want row %d (%.6f)", q, r, m.Index, m.Similarity, all[r].i, all[r].s)
			}
		}
	}
	if got[0][0].Index != 7 || got[0][1].Index != 40 {
		t.Errorf("the tie: rows %d then %d, want 7 then 40", got[0][0].Index, got[0][1].Index)
	}
	if _, err := Nearest(train, Features{Dim: 3, Data: make([]float32, 3), Labels: []int32{0}}, 2); err == nil {
		t.Error("queries of another dimension: no error")
	}
}
