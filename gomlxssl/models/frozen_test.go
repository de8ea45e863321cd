package models

import (
	"testing"

	. "github.com/gomlx/gomlx/core/graph"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mega-ssl/mega/gomlxssl/backend/backendtest"
)

// Inside Frozen, a variable sends no gradient and its updates are dropped;
// outside, it is the ordinary variable again.
func TestFrozen(t *testing.T) {
	be := backendtest.Go(t)
	store := model.NewStore()
	d := store.RootScope().In("d").VariableWithValue("w", float32(3))
	gen := store.RootScope().In("g").VariableWithValue("w", float32(5))
	exec := model.MustNewExec(be, store, func(scope *model.Scope, x *Node) []*Node {
		g := x.Graph()
		scope.SetTraining(g, true)
		var inside *Node
		Frozen(scope, g, []string{"/d"}, func() {
			inside = Mul(d.NodeValue(g), gen.NodeValue(g)) // d·g: only g may get a gradient
			d.SetNodeValue(Scalar(g, d.DType(), 100))      // an update made inside is dropped
		})
		outside := Mul(d.NodeValue(g), x) // d·x: d gets a gradient here
		grads := Gradient(Add(inside, outside), d.NodeValue(g), gen.NodeValue(g))
		return []*Node{grads[0], grads[1], d.NodeValue(g)}
	})
	out := exec.MustCall(tensors.FromValue(float32(2)))
	dd, dg, dv := tensors.ToScalar[float32](out[0]), tensors.ToScalar[float32](out[1]), tensors.ToScalar[float32](out[2])
	if dd != 2 || dg != 3 || dv != 3 {
		t.Errorf("∂/∂d = %v (want 2, from outside only), ∂/∂g = %v (want d = 3), d after = %v (want 3)", dd, dg, dv)
	}
}
