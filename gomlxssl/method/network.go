package method

import (
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mega-ssl/mega/gomlxssl/models"
	"github.com/mega-ssl/mega/gomlxssl/train"
)

// Network is the encoder (scope "encoder") followed by head (scope
// headScope): it returns the representation h the probes read and the
// projection z. Momentum methods apply it twice, under an online and a
// target scope.
func Network(enc models.Encoder, head models.MLPHead, headScope string) train.EmbedFn {
	return func(scope *model.Scope, x *Node) (h, z *Node) {
		h = enc.Apply(scope.In(EncoderScope), x)
		return h, head.Apply(scope.In("%s", headScope), h)
	}
}

// EncoderScope is the scope Network builds the encoder in, under the
// method's scope.
const EncoderScope = "encoder"

// BothViews stacks the two views' batches [B, …] into one [2B, …], view 1
// first, so that one pass of a network serves both.
func BothViews(v1, v2 *Node) *Node { return Concatenate([]*Node{v1, v2}, 0) }

// SplitViews is the inverse of BothViews: the two halves of x [2B, …].
func SplitViews(x *Node) (first, second *Node) {
	b := x.Shape().Dim(0) / 2
	return Slice(x, AxisRange(0, b)), Slice(x, AxisRange(b, 2*b))
}
