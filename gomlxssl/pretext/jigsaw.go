package pretext

import (
	"fmt"
	"math/rand/v2"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
)

// Puzzle is a jigsaw puzzle's geometry (Noroozi & Favaro 2016): the image is
// scaled (nearest neighbour) to Grid·Cell pixels a side, cut into Grid×Grid
// cells, and a Tile-pixel square is cropped from each cell at a random offset
// (the paper's jitter, so that the edges of neighbouring tiles cannot be
// matched). Tiles are numbered row by row.
type Puzzle struct {
	Grid, Cell, Tile int
}

// Tiles is the number of tiles, Grid².
func (p Puzzle) Tiles() int { return p.Grid * p.Grid }

// Validate reports a geometry that cannot cut tiles.
func (p Puzzle) Validate() error {
	if p.Grid < 2 || p.Tile < 1 || p.Tile > p.Cell {
		return fmt.Errorf("jigsaw: want a grid of at least 2 and tiles of 1 to %d pixels, got grid %d, tile %d", p.Cell, p.Grid, p.Tile)
	}
	return nil
}

// Shuffle cuts every image of x [B, H, W, C] into tiles and puts them in the
// order of its permutation: tile k of the result is the cell
// perms[which[b]][k] of image b, cropped at offset[b, k] = (dy, dx) within
// its cell. which is [B] int32 (an index into perms, the label to predict),
// offset [B, T, 2] int32 in [0, Cell − Tile]. The result is
// [B, T, Tile, Tile, C].
func (p Puzzle) Shuffle(x *Node, perms [][]int, which, offset *Node) *Node {
	g := x.Graph()
	b, h, w := x.Shape().Dim(0), x.Shape().Dim(1), x.Shape().Dim(2)
	t, n := p.Tiles(), p.Tile
	table := make([]int32, 0, len(perms)*t)
	for _, perm := range perms {
		if len(perm) != t {
			panic(fmt.Sprintf("pretext: a permutation of %d tiles for a %d×%d grid", len(perm), p.Grid, p.Grid))
		}
		for _, c := range perm {
			table = append(table, int32(c))
		}
	}
	tab := Reshape(Const(g, table), len(perms), t)                           // [P, T]
	source := Gather(tab, InsertAxes(ConvertDType(which, dtypes.Int32), -1)) // [B, T]: the cell shown at each position
	cy := Div(source, Scalar(g, dtypes.Int32, p.Grid))
	cx := Sub(source, Mul(cy, Scalar(g, dtypes.Int32, p.Grid)))
	off := ConvertDType(offset, dtypes.Int32)
	y0 := Add(Mul(cy, Scalar(g, dtypes.Int32, p.Cell)), Squeeze(Slice(off, AxisRange(), AxisRange(), AxisElem(0)), -1)) // [B, T]
	x0 := Add(Mul(cx, Scalar(g, dtypes.Int32, p.Cell)), Squeeze(Slice(off, AxisRange(), AxisRange(), AxisElem(1)), -1))
	// Pixel (i, j) of a tile, on the scaled image, then on the original.
	grid := shapes.Make(dtypes.Int32, b, t, n, n)
	ys := Add(InsertAxes(InsertAxes(y0, -1), -1), Iota(g, grid, 2))
	xs := Add(InsertAxes(InsertAxes(x0, -1), -1), Iota(g, grid, 3))
	side := p.Grid * p.Cell
	ys = Div(MulScalar(ys, float64(h)), Scalar(g, dtypes.Int32, side))
	xs = Div(MulScalar(xs, float64(w)), Scalar(g, dtypes.Int32, side))
	images := Iota(g, grid, 0)
	indices := Stack([]*Node{images, ys, xs}, -1) // [B, T, n, n, 3]
	return Gather(x, indices)
}

// Centred is the offset [B, T, 2] of tiles cut from the middle of their cells
// (no jitter), for scoring the task on held-out images.
func (p Puzzle) Centred(g *Graph, batch int) *Node {
	return Reshape(Const(g, filled(batch*p.Tiles()*2, int32((p.Cell-p.Tile)/2))), batch, p.Tiles(), 2)
}

func filled(n int, v int32) []int32 {
	s := make([]int32, n)
	for i := range s {
		s[i] = v
	}
	return s
}

// Hamming is the number of positions at which two permutations differ.
func Hamming(a, b []int) int {
	d := 0
	for i := range a {
		if a[i] != b[i] {
			d++
		}
	}
	return d
}

// Permutations chooses count permutations of n tiles by Noroozi & Favaro's
// greedy algorithm for maximal Hamming distance: start from a random
// permutation, then repeatedly add the permutation whose smallest Hamming
// distance to those chosen is the largest (ties broken at random), so that no
// two puzzles of the set are nearly the same. count may not exceed n!.
func Permutations(n, count int, seed uint64) ([][]int, error) {
	all := allPermutations(n)
	if count < 1 || count > len(all) {
		return nil, fmt.Errorf("jigsaw: %d permutations asked of %d tiles, which have %d", count, n, len(all))
	}
	rng := rand.New(rand.NewPCG(seed, 0x6a16))
	minDist := make([]int, len(all)) // each candidate's distance to the chosen set
	for i := range minDist {
		minDist[i] = n + 1
	}
	chosen := make([][]int, 0, count)
	pick := rng.IntN(len(all))
	for len(chosen) < count {
		p := all[pick]
		chosen = append(chosen, p)
		best, ties := -1, 0
		for i, q := range all {
			if d := Hamming(p, q); d < minDist[i] {
				minDist[i] = d
			}
			switch {
			case minDist[i] > best:
				best, ties, pick = minDist[i], 1, i
			case minDist[i] == best:
				ties++
				if rng.IntN(ties) == 0 { // reservoir sampling among the ties
					pick = i
				}
			}
		}
	}
	return chosen, nil
}

// allPermutations lists the n! permutations of 0…n−1 in lexicographic order.
func allPermutations(n int) [][]int {
	var out [][]int
	p := make([]int, n)
	used := make([]bool, n)
	var rec func(k int)
	rec = func(k int) {
		if k == n {
			out = append(out, append([]int(nil), p...))
			return
		}
		for v := range n {
			if !used[v] {
				used[v], p[k] = true, v
				rec(k + 1)
				used[v] = false
			}
		}
	}
	rec(0)
	return out
}
