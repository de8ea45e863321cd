package models

import (
	"flag"
	"fmt"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
)

// MLPHead is a projection (or prediction) head: Dense → batch norm → ReLU → Dense.
type MLPHead struct {
	Hidden, Out int
}

// Apply builds the head in scope.
func (h MLPHead) Apply(scope *model.Scope, x *Node) *Node {
	x = layers.Dense(scope.In("fc1"), x, false, h.Hidden)
	x = activation.Relu(BatchNorm(scope.In("bn1"), x))
	return layers.Dense(scope.In("fc2"), x, true, h.Out)
}

// Flags registers the head's widths as -NAME-hidden and -NAME-dim (the
// methods' -proj-hidden and -proj-dim), with h's values as defaults; what
// names the head in the flags' usage ("projection head").
func (h *MLPHead) Flags(fs *flag.FlagSet, name, what string) {
	fs.IntVar(&h.Hidden, name+"-hidden", h.Hidden, "hidden width of the "+what)
	fs.IntVar(&h.Out, name+"-dim", h.Out, "output dimension of the "+what)
}

// Check refuses a width that is not positive, naming the flag Flags
// registered under name.
func (h MLPHead) Check(name string) error {
	switch {
	case h.Hidden <= 0:
		return fmt.Errorf("-%s-hidden %d: want a positive width", name, h.Hidden)
	case h.Out <= 0:
		return fmt.Errorf("-%s-dim %d: want a positive width", name, h.Out)
	}
	return nil
}
