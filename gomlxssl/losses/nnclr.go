package losses

import (
	"fmt"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
)

// NearestNeighbour returns, for each row of z [B, D], the row of support
// [K, D] with the largest cosine similarity to it (NNCLR's NN(z, Q)), as
// unit vectors [B, D]. The support set is a target: no gradient flows
// through the look-up.
func NearestNeighbour(z, support *Node) *Node {
	if z.Rank() != 2 || support.Rank() != 2 || support.Shape().Dim(1) != z.Shape().Dim(1) {
		panic(fmt.Sprintf("losses.NearestNeighbour: want z [B, D] and support [K, D], got %s and %s", z.Shape(), support.Shape()))
	}
	zn := L2NormalizeWithEpsilon(StopGradient(z), 1e-12, -1)
	qn := L2NormalizeWithEpsilon(StopGradient(support), 1e-12, -1)
	nearest := ArgMax(MatMul(zn, Transpose(qn, 0, 1)), -1, dtypes.Int32) // [B]
	return StopGradient(Gather(qn, InsertAxes(nearest, -1), false))
}

// NNCLR is the loss of Dwibedi et al. (2021), eq. (2) with its prediction
// head and symmetrised: for the two views' projections z1, z2 and
// predictions p1, p2 [B, D], and the support set [K, D] of earlier
// projections, each image's positive is the nearest neighbour in the support
// set of one view's projection, NN(z, Q), contrasted with the other view's
// predictions of the whole batch:
//
//	ℓ_i = −log( exp(NN(z1_i, Q)·p2_i/τ) / Σ_k exp(NN(z1_i, Q)·p2_k/τ) )
//
// on unit vectors, averaged over the batch, and ½(ℓ(z1, p2) + ℓ(z2, p1)).
// The neighbours are targets: the gradient reaches the network through the
// predictions only.
func NNCLR(z1, z2, p1, p2, support *Node, temperature float64) *Node {
	if !z1.Shape().Equal(z2.Shape()) {
		panic(fmt.Sprintf("losses.NNCLR: want projections of one shape [B, D], got %s and %s", z1.Shape(), z2.Shape()))
	}
	return NNCLRTargets(NearestNeighbour(z1, support), NearestNeighbour(z2, support), p1, p2, temperature)
}

// NNCLRTargets is NNCLR's loss with its positives given: t1 and t2 [B, D]
// are the targets the other view's predictions p2 and p1 must pick out of
// the batch (NN(z1, Q) and NN(z2, Q) in NNCLR; each view's own projection
// when the neighbours are not yet used). The targets are unit vectors and
// receive no gradient.
func NNCLRTargets(t1, t2, p1, p2 *Node, temperature float64) *Node {
	if !t1.Shape().Equal(t2.Shape()) || !p1.Shape().Equal(p2.Shape()) || !t1.Shape().Equal(p1.Shape()) || t1.Rank() != 2 {
		panic(fmt.Sprintf("losses.NNCLRTargets: want targets and predictions of one shape [B, D], got %s, %s, %s, %s",
			t1.Shape(), t2.Shape(), p1.Shape(), p2.Shape()))
	}
	half := func(t, p *Node) *Node {
		t = StopGradient(t)
		pn := L2NormalizeWithEpsilon(p, 1e-12, -1)
		logProb := LogSoftmax(DivScalar(MatMul(t, Transpose(pn, 0, 1)), temperature), -1) // [B, B]
		mine := diagonal(t.Graph(), t.Shape().Dim(0))                                     // image i's positive is p_i
		return Neg(ReduceAllMean(ReduceSum(Where(mine, logProb, ZerosLike(logProb)), -1)))
	}
	return MulScalar(Add(half(t1, p2), half(t2, p1)), 0.5)
}
