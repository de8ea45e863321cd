package models

import (
	"math"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mega-ssl/mega/gomlxssl/backend/backendtest"
)

// A new entry takes the embedding (normalised); a seen one moves towards the
// embedding with momentum and is renormalised; other entries stay.
func TestMemoryBank(t *testing.T) {
	be := backendtest.Go(t)
	store := model.NewStore()
	exec := model.MustNewExec(be, store, func(scope *model.Scope, idx, emb *Node) (*Node, *Node) {
		scope.SetTraining(idx.Graph(), true)
		bank := NewMemoryBank(scope.In("bank"), idx.Graph(), 4, 2)
		read, seen := bank.Read(idx)
		bank.Update(idx, emb, 0.5)
		return read, seen
	})
	// step writes emb at idx and returns what Read gave for idx before.
	step := func(idx []int32, emb []float32) (read, seen []float32) {
		out := exec.MustCall(tensors.FromValue(idx), tensors.FromFlatDataAndDimensions(emb, len(idx), 2))
		return tensors.MustCopyFlatData[float32](out[0]), tensors.MustCopyFlatData[float32](out[1])
	}
	entry := func(i int) []float32 {
		v := store.GetVariable("/bank/bank")
		return tensors.MustCopyFlatData[float32](v.MustValue())[2*i : 2*i+2]
	}
	step([]int32{2, 0}, []float32{3, 4, 0, -2}) // both new: normalised embeddings
	initial3 := append([]float32(nil), entry(3)...)
	want := map[int][]float32{2: {0.6, 0.8}, 0: {0, -1}}
	for i, w := range want {
		if e := entry(i); math.Abs(float64(e[0]-w[0])) > 1e-6 || math.Abs(float64(e[1]-w[1])) > 1e-6 {
			t.Errorf("new entry %d = %v, want %v", i, e, w)
		}
	}
	read, seen := step([]int32{2, 1}, []float32{1, 0, 5, 0}) // 2 seen: ½[0.6 0.8] + ½[1 0] = [0.8 0.4], normalised
	if read[0] != want[2][0] || read[1] != want[2][1] || seen[0] != 1 || seen[1] != 0 {
		t.Errorf("Read([2 1]) before the second update = %v, seen %v; want entry 2 = %v first, seen [1 0]", read, seen, want[2])
	}
	n := math.Hypot(0.8, 0.4)
	if e := entry(2); math.Abs(float64(e[0])-0.8/n) > 1e-6 || math.Abs(float64(e[1])-0.4/n) > 1e-6 {
		t.Errorf("seen entry 2 = %v, want [%.4f %.4f]", e, 0.8/n, 0.4/n)
	}
	if e := entry(3); e[0] != initial3[0] || e[1] != initial3[1] {
		t.Errorf("entry 3 was never written but changed: %v → %v", initial3, e)
	}
	seen = tensors.MustCopyFlatData[float32](store.GetVariable("/bank/seen").MustValue())
	if seen[0] != 1 || seen[1] != 1 || seen[2] != 1 || seen[3] != 0 {
		t.Errorf("seen flags %v, want [1 1 1 0]", seen)
	}
}
