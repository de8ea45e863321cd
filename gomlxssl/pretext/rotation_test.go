package pretext

import (
	"testing"

	. "github.com/gomlx/gomlx/core/graph"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/mega-ssl/mega/gomlxssl/backend/backendtest"
)

// One quarter turn moves pixel (j, W−1−i) to (i, j); four turns are the
// identity; the labels count the turns of each block.
func TestRotations(t *testing.T) {
	be := backendtest.Go(t)
	const b, n, c = 2, 3, 2
	x := make([]float32, b*n*n*c)
	for i := range x {
		x[i] = float32(i)
	}
	at := func(img []float32, bi, i, j, ch int) float32 { return img[((bi*n+i)*n+j)*c+ch] }
	outs := MustExecOnceN(be, func(x *Node) []*Node {
		r, turns := Rotations(x)
		return []*Node{r, turns, Rotate90(Rotate90(Rotate90(Rotate90(x, 1), 1), 1), 1)}
	}, tensors.FromFlatDataAndDimensions(x, b, n, n, c))
	r := tensors.MustCopyFlatData[float32](outs[0])
	turns := tensors.MustCopyFlatData[int32](outs[1])
	for k := range 4 {
		for bi := range b {
			if turns[k*b+bi] != int32(k) {
				t.Errorf("row %d: label %d, want %d", k*b+bi, turns[k*b+bi], k)
			}
			for i := range n {
				for j := range n {
					// k quarter turns, applied one at a time by the rule above.
					si, sj := i, j
					for range k {
						si, sj = sj, n-1-si
					}
					if got, want := at(r, k*b+bi, i, j, 1), at(x, bi, si, sj, 1); got != want {
						t.Fatalf("%d turns, image %d, pixel (%d,%d): %v, want %v", k, bi, i, j, got, want)
					}
				}
			}
		}
	}
	for i, v := range tensors.MustCopyFlatData[float32](outs[2]) {
		if v != x[i] {
			t.Fatal("four quarter turns are not the identity")
		}
	}
}

// RotateQuarters gives image i the rotation of its quarter, the same as
// Rotations gives it in that quarter's block.
func TestRotateQuarters(t *testing.T) {
	be := backendtest.Go(t)
	const b, n = 8, 4
	x := make([]float32, b*n*n)
	for i := range x {
		x[i] = float32(i)
	}
	outs := MustExecOnceN(be, func(x *Node) []*Node {
		q, turns := RotateQuarters(x)
		all, _ := Rotations(x)
		return []*Node{q, turns, all}
	}, tensors.FromFlatDataAndDimensions(x, b, n, n, 1))
	q, turns, all := tensors.MustCopyFlatData[float32](outs[0]), tensors.MustCopyFlatData[int32](outs[1]), tensors.MustCopyFlatData[float32](outs[2])
	size := n * n
	for i := range b {
		k := i / (b / 4)
		if turns[i] != int32(k) {
			t.Errorf("image %d: label %d, want %d", i, turns[i], k)
		}
		for p := range size {
			if q[i*size+p] != all[(k*b+i)*size+p] {
				t.Fatalf("image %d is not turned %d times", i, k)
			}
		}
	}
}
