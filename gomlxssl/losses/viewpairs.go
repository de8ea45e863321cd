package losses

import (
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
)

// diagonal is the boolean mask of the diagonal of an n×n matrix.
func diagonal(g *Graph, n int) *Node {
	shape := shapes.Make(dtypes.Int32, n, n)
	return Equal(Iota(g, shape, 0), Iota(g, shape, 1))
}

// viewPairs is what NT-Xent and its variants share: the 2B views z1, z2
// ([B, D] each) L2-normalised and stacked, their cosine similarities over τ
// ([2B, 2B] logits), the mask of each row's positive (the other view of the
// same image, row (i + B) mod 2B) and the mask of each row's self.
func viewPairs(z1, z2 *Node, temperature float64) (logits, positive, self *Node) {
	g := z1.Graph()
	b := z1.Shape().Dim(0)
	n := 2 * b
	z := L2NormalizeWithEpsilon(Concatenate([]*Node{z1, z2}, 0), 1e-12, -1) // [2B, D]
	logits = DivScalar(MatMul(z, Transpose(z, 0, 1)), temperature)          // [2B, 2B]
	shape := shapes.Make(dtypes.Int32, n, n)
	rows, cols := Iota(g, shape, 0), Iota(g, shape, 1)
	return logits, Equal(cols, ModScalar(AddScalar(rows, b), n)), Equal(rows, cols)
}
