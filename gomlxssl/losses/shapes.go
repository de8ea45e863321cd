package losses

import (
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
)

// shapesOf is an int32 shape for index masks built with Iota.
func shapesOf(_ *Graph, dims ...int) shapes.Shape {
	return shapes.Make(dtypes.Int32, dims...)
}
