package models

import (
	"fmt"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
)

// KeyQueue is MoCo's dictionary: the size most recent keys [size, dim], a
// non-trainable variable of scope, first filled with random unit vectors.
// It returns the queue as it is before this step and a function that
// enqueues this step's keys [n, dim] (replacing the oldest n; size must be a
// multiple of n), updated inside the step graph like batch norm's running
// statistics.
func KeyQueue(scope *model.Scope, g *Graph, size, dim int) (queue *Node, enqueue func(keys *Node)) {
	q := scope.WithInitializer(initializer.RandomNormalFn(scope, 1)).
		VariableWithShape("queue", shapes.Make(dtypes.Float32, size, dim)).SetTrainable(false)
	ptr := scope.VariableWithValue("queue_ptr", int32(0)).SetTrainable(false)
	queue = q.NodeValue(g)
	enqueue = func(keys *Node) {
		n := keys.Shape().Dim(0)
		if size%n != 0 || keys.Shape().Dim(1) != dim {
			panic(fmt.Sprintf("models.KeyQueue: %d keys of %d dims do not tile a queue of %d × %d", n, keys.Shape().Dim(1), size, dim))
		}
		at := ptr.NodeValue(g)
		q.SetNodeValue(DynamicUpdateSlice(queue, StopGradient(ConvertDType(keys, dtypes.Float32)), []*Node{at, ScalarZero(g, dtypes.Int32)}))
		ptr.SetNodeValue(ModScalar(AddScalar(at, n), size))
	}
	return queue, enqueue
}
