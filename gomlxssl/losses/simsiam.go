package losses

import (
	"fmt"

	. "github.com/gomlx/gomlx/core/graph"
)

// SimSiam is the symmetric negative-cosine loss of Chen & He (2021, eq. 1–2)
// for predictions p1, p2 and projections z1, z2 ([B, D] each) of two views:
//
//	L = ½ D(p1, sg(z2)) + ½ D(p2, sg(z1)),   D(p, z) = −mean_b cos(p_b, z_b)
//
// where sg is the stop-gradient: the projections are targets, not pulled
// towards the predictions. Without it the paper's network collapses at once;
// with it, it does not, though nothing else (no negatives, no momentum
// encoder) prevents collapse.
func SimSiam(p1, p2, z1, z2 *Node) *Node {
	for _, n := range []*Node{p2, z1, z2} {
		if !n.Shape().Equal(p1.Shape()) || n.Rank() != 2 {
			panic(fmt.Sprintf("losses.SimSiam: want four [B, D] tensors of one shape, got %s, %s, %s, %s", p1.Shape(), p2.Shape(), z1.Shape(), z2.Shape()))
		}
	}
	negCos := func(p, z *Node) *Node {
		pn := L2NormalizeWithEpsilon(p, 1e-12, -1)
		zn := L2NormalizeWithEpsilon(StopGradient(z), 1e-12, -1)
		return Neg(ReduceAllMean(ReduceSum(Mul(pn, zn), -1)))
	}
	return MulScalar(Add(negCos(p1, z2), negCos(p2, z1)), 0.5)
}
