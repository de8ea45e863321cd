package pretext

import (
	"testing"

	"github.com/gomlx/compute/gobackend"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// One quarter turn moves pixel (j, W−1−i) to (i, j); four turns are the
// identity; the labels count the turns of each block.
func TestRotations(t *testing.T) {
	be, err := gobackend.New("")
	if err != nil {
		t.Fatal(err)
	}
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
