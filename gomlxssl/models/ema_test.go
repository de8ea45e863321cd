package models

import (
	"math"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"

	"github.com/mega-ssl/mega/gomlxssl/backend/backendtest"
)

// UpdateTarget copies the online weights at step 0, then tracks them as an
// exponential moving average; the target's own weights are not trainable.
func TestUpdateTarget(t *testing.T) {
	be := backendtest.Go(t)
	store := model.NewStore()
	online := store.RootScope().In("online").VariableWithValue("w", []float32{1, 2})
	target := store.RootScope().In("target").VariableWithValue("w", []float32{-5, 7})
	store.RootScope().In("target").VariableWithValue("count", []float32{0}).SetTrainable(false)
	var tracked int
	step := model.MustNewExec(be, store, func(scope *model.Scope, newOnline *Node) *Node {
		g := newOnline.Graph()
		scope.SetTraining(g, true) // an eval graph would freeze the variables as constants
		tracked = UpdateTarget(scope, g, "online", "target", Const(g, float32(0.9)))
		online.SetNodeValue(newOnline) // the "optimiser" moves the online weights
		gs := optimizer.GetGlobalStepVar(scope)
		gs.SetNodeValue(AddScalar(gs.NodeValue(g), 1))
		return target.NodeValue(g)
	})
	get := func() []float32 { return tensors.MustCopyFlatData[float32](target.MustValue()) }
	step.MustCall(tensors.FromValue([]float32{3, 4}))
	if got := get(); got[0] != 1 || got[1] != 2 {
		t.Errorf("after step 0 the target is %v, want the online weights [1 2]", got)
	}
	step.MustCall(tensors.FromValue([]float32{3, 4}))
	// target = 0.9·[1 2] + 0.1·[3 4] = [1.2 2.2]
	if got := get(); math.Abs(float64(got[0])-1.2) > 1e-6 || math.Abs(float64(got[1])-2.2) > 1e-6 {
		t.Errorf("after step 1 the target is %v, want [1.2 2.2]", got)
	}
	if tracked != 1 || target.Trainable {
		t.Errorf("tracked %d variables (want 1, not the one without an online twin); target trainable %v", tracked, target.Trainable)
	}
}

// The queue replaces its oldest rows, wrapping around.
func TestKeyQueue(t *testing.T) {
	be := backendtest.Go(t)
	store := model.NewStore()
	exec := model.MustNewExec(be, store, func(scope *model.Scope, keys *Node) *Node {
		scope.SetTraining(keys.Graph(), true)
		queue, enqueue := KeyQueue(scope.In("moco"), keys.Graph(), 4, 2)
		enqueue(keys)
		return queue
	})
	step := func(a, b float32) []float32 {
		return tensors.MustCopyFlatData[float32](exec.MustCall(tensors.FromFlatDataAndDimensions([]float32{a, a, b, b}, 2, 2))[0])
	}
	step(1, 2)
	step(3, 4)
	got := step(5, 6) // returns the queue before this step's keys
	want := []float32{1, 1, 2, 2, 3, 3, 4, 4}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("queue after two steps %v, want %v", got, want)
		}
	}
	got = step(7, 8) // the third step's keys replaced the oldest
	want = []float32{5, 5, 6, 6, 3, 3, 4, 4}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("queue after wrapping %v, want %v", got, want)
		}
	}
}

// The cosine schedule starts at its base, passes the midpoint halfway and
// ends at 1 (and stays there past the budget).
func TestCosineMomentum(t *testing.T) {
	be := backendtest.Go(t)
	m := MustNewExec(be, func(step *Node) *Node { return CosineMomentum(step, 100, 0.99) })
	for _, tc := range []struct{ step, want float64 }{{0, 0.99}, {50, 0.995}, {100, 1}, {150, 1},
		{25, 1 - 0.01*(math.Cos(math.Pi/4)+1)/2}} {
		got := float64(tensors.ToScalar[float32](m.MustCall(int64(tc.step))[0]))
		if math.Abs(got-tc.want) > 1e-6 {
			t.Errorf("step %g: momentum %.7f, want %.7f", tc.step, got, tc.want)
		}
	}
}
