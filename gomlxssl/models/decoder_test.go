package models

import (
	"testing"

	. "github.com/gomlx/gomlx/core/graph"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mega-ssl/mega/gomlxssl/backend/backendtest"
)

// The decoder makes 32×32×3 images from codes, and upsample2 repeats each
// pixel over a 2×2 block.
func TestDecoder(t *testing.T) {
	be := backendtest.Go(t)
	d := DefaultDecoder()
	out := model.MustCallOnce(be, model.NewStore(), func(scope *model.Scope, z *Node) *Node { return d.Apply(scope, z, 32, 32, 3) },
		tensors.FromShape(shapeOfDims(2, 32)))
	if got := out.Shape().Dimensions; d.Size() != 32 || len(got) != 4 || got[0] != 2 || got[1] != 32 || got[2] != 32 || got[3] != 3 {
		t.Errorf("decoder output %v (size %d), want [2 32 32 3]", got, d.Size())
	}
	gray := model.MustCallOnce(be, model.NewStore(), func(scope *model.Scope, z *Node) *Node { return d.Apply(scope, z, 28, 28, 1) },
		tensors.FromShape(shapeOfDims(2, 32)))
	if got := gray.Shape().Dimensions; got[1] != 28 || got[2] != 28 || got[3] != 1 {
		t.Errorf("decoder output for 28×28 gray images %v, want [2 28 28 1]", got)
	}
	up := tensors.MustCopyFlatData[float32](MustExecOnce(be, upsample2, tensors.FromFlatDataAndDimensions([]float32{1, 2, 3, 4}, 1, 2, 2, 1)))
	want := []float32{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}
	for i := range want {
		if up[i] != want[i] {
			t.Fatalf("upsample2 = %v, want %v", up, want)
		}
	}
}
