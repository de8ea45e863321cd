package models

import (
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
)

// MemoryBank is the memory of instance discrimination (Wu et al. 2018; PIRL,
// Misra & van der Maaten 2020): one L2-normalised embedding per training
// image, kept in a non-trainable variable [size, dim] and refreshed with
// momentum each time the image is seen. A flag per entry records whether the
// image has been seen: an entry starts as the image's first embedding rather
// than as noise, so the bank is meaningful after one epoch.
type MemoryBank struct {
	entries, seen *model.Variable
	g             *Graph
	// Entries [size, dim] and Seen [size] (1 for an image seen before, 0
	// otherwise) as they are before this step's update.
	Entries, Seen *Node
}

// NewMemoryBank declares (or finds) the bank in scope and reads it in g.
// Entries start as random unit-scale vectors, never seen.
func NewMemoryBank(scope *model.Scope, g *Graph, size, dim int) *MemoryBank {
	entries := scope.WithInitializer(initializer.RandomNormalFn(scope, 1)).
		VariableWithShape("bank", shapes.Make(dtypes.Float32, size, dim)).SetTrainable(false)
	seen := scope.WithInitializer(initializer.Zero).VariableWithShape("seen", shapes.Make(dtypes.Float32, size)).SetTrainable(false)
	return &MemoryBank{entries: entries, seen: seen, g: g, Entries: entries.NodeValue(g), Seen: seen.NodeValue(g)}
}

// Read returns the entries [n, dim] and seen flags [n] at indices [n] (int32).
func (m *MemoryBank) Read(indices *Node) (entries, seen *Node) {
	at := InsertAxes(indices, -1)
	return Gather(m.Entries, at, false), Gather(m.Seen, at, false)
}

// Update writes the embeddings [n, dim] of the images at indices [n]
// (distinct) into the bank, outside the gradient:
//
//	entry ← normalise(momentum · entry + (1 − momentum) · normalise(embedding))
//
// for an image seen before, and entry ← normalise(embedding) for a new one.
func (m *MemoryBank) Update(indices, embeddings *Node, momentum float64) {
	at := InsertAxes(indices, -1)
	old, seen := m.Read(indices)
	v := L2NormalizeWithEpsilon(StopGradient(ConvertDType(embeddings, dtypes.Float32)), 1e-12, -1)
	mixed := L2NormalizeWithEpsilon(Add(MulScalar(old, momentum), MulScalar(v, 1-momentum)), 1e-12, -1)
	fresh := Where(GreaterThan(InsertAxes(seen, -1), ZerosLike(InsertAxes(seen, -1))), mixed, v)
	m.entries.SetNodeValue(ScatterUpdate(m.Entries, at, fresh, false, true))
	m.seen.SetNodeValue(ScatterUpdate(m.Seen, at, OnesLike(seen), false, true))
}
