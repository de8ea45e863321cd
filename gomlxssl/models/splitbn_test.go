package models

import (
	"math"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mega-ssl/mega/gomlxssl/backend/backendtest"
)

// With two groups, each half of the batch is standardised with its own
// statistics (scale 1, offset 0 at initialisation).
func TestSplitBatchNorm(t *testing.T) {
	be := backendtest.Go(t)
	// 4 samples × 1 channel: the first half around 10, the second around −3.
	x := tensors.FromFlatDataAndDimensions([]float32{9, 11, -4, -2}, 4, 1)
	store := model.NewStore()
	exec := model.MustNewExec(be, store, func(scope *model.Scope, x *Node) *Node {
		scope.SetTraining(x.Graph(), true)
		s := scope.In("bn")
		s.SetParam(BNGroupsParam, 2)
		return BatchNorm(s, x)
	})
	got := tensors.MustCopyFlatData[float32](exec.MustCall(x)[0])
	want := 1 / math.Sqrt(1+1e-5) // (±1 − 0) / √(1 + ε)
	for i, w := range []float64{-want, want, -want, want} {
		if math.Abs(float64(got[i])-w) > 1e-4 {
			t.Errorf("split-BN output %v, want ±%.5f per group", got, want)
			break
		}
	}
}
