package pretext

import (
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/mega-ssl/mega/gomlxssl/backend/backendtest"
)

// minHamming is the smallest Hamming distance between two permutations of
// the set, by brute force.
func minHamming(set [][]int) int {
	best := len(set[0]) + 1
	for i := range set {
		for j := range i {
			best = min(best, Hamming(set[i], set[j]))
		}
	}
	return best
}

func isPermutation(p []int) bool {
	seen := make([]bool, len(p))
	for _, v := range p {
		if v < 0 || v >= len(p) || seen[v] {
			return false
		}
		seen[v] = true
	}
	return true
}

// The greedy set holds distinct permutations whose minimum Hamming distance
// is far above that of random sets of the same size.
func TestPermutationsMaximiseHamming(t *testing.T) {
	for _, tc := range []struct{ n, count, wantMin int }{
		{4, 24, 2},  // every permutation of 2×2 tiles: any two differ in at least 2 places
		{9, 10, 8},  // 3×3, a small set: nearly every tile moves between any two
		{9, 100, 6}, // 3×3, the paper's smaller set
		{9, 1000, 5},
	} {
		set, err := Permutations(tc.n, tc.count, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(set) != tc.count {
			t.Fatalf("%d of %d tiles: got %d permutations", tc.count, tc.n, len(set))
		}
		for _, p := range set {
			if !isPermutation(p) {
				t.Fatalf("%v is not a permutation", p)
			}
		}
		got := minHamming(set)
		if got < tc.wantMin {
			t.Errorf("%d permutations of %d tiles: minimum Hamming distance %d, want at least %d", tc.count, tc.n, got, tc.wantMin)
		}
		if tc.count < 24 || tc.n > 4 {
			rng := rand.New(rand.NewPCG(2, 2))
			random := make([][]int, tc.count)
			for i := range random {
				random[i] = rng.Perm(tc.n)
			}
			r := minHamming(random)
			t.Logf("a random set of %d permutations of %d tiles: minimum Hamming distance %d", tc.count, tc.n, r)
			if r >= got {
				t.Errorf("%d of %d tiles: a random set's minimum distance %d is not below the greedy set's %d", tc.count, tc.n, r, got)
			}
		}
		t.Logf("%d permutations of %d tiles: minimum Hamming distance %d", tc.count, tc.n, got)
	}
	if _, err := Permutations(4, 25, 1); err == nil {
		t.Error("25 permutations of 4 tiles: want an error")
	}
}

// Shuffle shows, at position k, the cell perms[which][k] cropped at its
// offset, on the image scaled by nearest neighbour to Grid·Cell pixels.
func TestShuffle(t *testing.T) {
	be := backendtest.Go(t)
	const b, h, c = 2, 6, 2
	p := Puzzle{Grid: 2, Cell: 4, Tile: 3} // the 6-pixel images are scaled to 8
	perms := [][]int{{0, 1, 2, 3}, {3, 2, 1, 0}, {1, 3, 0, 2}}
	x := make([]float32, b*h*h*c)
	for i := range x {
		x[i] = float32(i)
	}
	which := []int32{2, 1}
	offset := []int32{0, 0, 1, 1, 0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0}
	out := MustExecOnce(be, func(x, which, offset *Node) *Node { return p.Shuffle(x, perms, which, offset) },
		tensors.FromFlatDataAndDimensions(x, b, h, h, c), tensors.FromValue(which), tensors.FromFlatDataAndDimensions(offset, b, 4, 2))
	got := tensors.MustCopyFlatData[float32](out)
	side := p.Grid * p.Cell
	for bi := range b {
		for k := range 4 {
			cell := perms[which[bi]][k]
			dy, dx := int(offset[(bi*4+k)*2]), int(offset[(bi*4+k)*2+1])
			for i := range p.Tile {
				for j := range p.Tile {
					sy := (cell/p.Grid*p.Cell + dy + i) * h / side
					sx := (cell%p.Grid*p.Cell + dx + j) * h / side
					for ch := range c {
						want := x[((bi*h+sy)*h+sx)*c+ch]
						if v := got[((((bi*4+k)*p.Tile+i)*p.Tile)+j)*c+ch]; v != want {
							t.Fatalf("image %d, position %d, pixel (%d,%d,%d): %v, want %v", bi, k, i, j, ch, v, want)
						}
					}
				}
			}
		}
	}
}
