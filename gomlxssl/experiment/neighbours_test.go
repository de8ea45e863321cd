package experiment

import (
	"slices"
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/data"
	"github.com/mega-ssl/mega/gomlxssl/eval"
	"github.com/mega-ssl/mega/gomlxssl/results"
)

// The queries are the first of each class, class by class; the thumbnails
// hold them first, then each training image the sets show once, in order
// of first appearance.
func TestNeighboursLayout(t *testing.T) {
	classes := []string{"a", "b", "c"}
	ds := func(labels ...int32) *data.Dataset {
		d := &data.Dataset{Name: "x", Height: 1, Width: 1, Channels: 1, Classes: classes, Labels: labels}
		for i := range labels {
			d.Pixels = append(d.Pixels, uint8(i))
		}
		return d
	}
	split := data.Split{Train: ds(0, 1, 2, 0, 1, 2), Test: ds(2, 2, 0, 1, 0, 2, 1, 1)}
	q := neighbourQueries(split.Test, 2)
	if want := []int{2, 4, 3, 6, 0, 1}; !slices.Equal(q, want) {
		t.Fatalf("queries %v, want %v", q, want)
	}
	q = q[:2] // two of class a
	match := func(i ...int) []eval.Match {
		var out []eval.Match
		for _, j := range i {
			out = append(out, eval.Match{Index: j, Similarity: 0.5})
		}
		return out
	}
	n, tiles := neighboursOf(split, q, []results.NeighbourSet{{Name: "run"}, {Name: "pixels"}},
		[][][]eval.Match{{match(3, 1), match(0, 3)}, {match(5, 3), match(3, 3)}})
	var got [][]int
	for _, s := range n.Sets {
		for _, row := range s.Rows {
			var r []int
			for _, m := range row {
				r = append(r, m.Tile)
			}
			got = append(got, r)
		}
	}
	// Train 3 → tile 2, 1 → 3, 0 → 4, 5 → 5.
	if want := [][]int{{2, 3}, {4, 2}, {5, 2}, {2, 2}}; !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("tiles %v, want %v", got, want)
	}
	if want := []uint8{2, 4, 3, 1, 0, 5}; !slices.Equal(tiles.Pixels, want) { // each tile's image: its index's pixel
		t.Errorf("thumbnails %v, want %v", tiles.Pixels, want)
	}
	wrong, all := 0, 0
	for q, row := range n.Sets[0].Rows {
		for _, m := range row {
			all++
			if m.Label != n.Queries[q].Label {
				wrong++
			}
		}
	}
	if wrong != 1 || all != 4 {
		t.Errorf("%d of %d of another class, want 1 of 4 (train 1 is a b)", wrong, all)
	}
}
