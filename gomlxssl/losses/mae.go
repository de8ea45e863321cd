package losses

import (
	"fmt"

	. "github.com/gomlx/gomlx/core/graph"
)

// MAE is the masked autoencoder's reconstruction loss (He et al. 2022): the
// mean squared error between the predicted and the true pixels of each patch,
// averaged over the hidden patches only (masked [B, N] is 1 at a hidden
// patch) — the visible ones cost nothing, so the model is not paid for
// copying its input. pred and patches are [B, N, D]. The targets are each
// patch's pixels normalised by the patch's own mean and variance
// (NormalisedPatches), the paper's better-representing variant.
func MAE(pred, patches, masked *Node) *Node {
	if !pred.Shape().Equal(patches.Shape()) || pred.Rank() != 3 || masked.Rank() != 2 ||
		masked.Shape().Dim(0) != pred.Shape().Dim(0) || masked.Shape().Dim(1) != pred.Shape().Dim(1) {
		panic(fmt.Sprintf("losses.MAE: want predictions and patches [B, N, D] and a mask [B, N], got %s, %s, %s", pred.Shape(), patches.Shape(), masked.Shape()))
	}
	perPatch := ReduceMean(Square(Sub(pred, NormalisedPatches(patches))), -1) // [B, N]
	return Div(ReduceAllSum(Mul(perPatch, masked)), ReduceAllSum(masked))
}

// NormalisedPatches maps each patch's values [B, N, D] to zero mean and unit
// variance, (x − mean) / √(var + 10⁻⁶), with the unbiased variance over the
// patch's D values as the paper's code computes it. The target is data: no
// gradient flows into it.
func NormalisedPatches(patches *Node) *Node {
	mean, std := PatchStats(patches)
	return StopGradient(Div(Sub(patches, mean), std))
}

// PatchStats are each patch's mean and √(unbiased variance + 10⁻⁶), both
// [B, N, 1]: what NormalisedPatches divides out, and what turns a
// prediction back into pixels.
func PatchStats(patches *Node) (mean, std *Node) {
	d := float64(patches.Shape().Dim(-1))
	mean = ReduceAndKeep(patches, ReduceMean, -1)
	variance := MulScalar(ReduceAndKeep(Square(Sub(patches, mean)), ReduceSum, -1), 1/(d-1))
	return mean, Sqrt(AddScalar(variance, 1e-6))
}
