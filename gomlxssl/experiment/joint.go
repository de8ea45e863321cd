package experiment

import (
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mega-ssl/mega/gomlxssl/models"
	"github.com/mega-ssl/mega/gomlxssl/train"
)

// Views is what a JointEmbedding loss sees: the two views' projections, and
// the step's batch (the images' Index and Label, the Step) and scope, for a
// loss that needs more than the projections — the memory bank's variables
// and indices, the Siamese network's pairs.
type Views struct {
	Z1, Z2 *Node
	Batch  Batch
	Scope  *model.Scope
}

// JointEmbedding is the Method of every two-view objective whose views share
// one network — SimCLR, Barlow Twins, VICReg, hard negatives, the memory
// bank, the Siamese network: the encoder (scope "encoder") gives the
// representation h, the head (scope headScope) the projection z, and both
// views go through them as one batch of 2B images, so that the batch-norm
// statistics are shared by the two views and one matrix product serves both.
// loss receives the two views' projections with the batch and the scope.
func JointEmbedding(enc models.Encoder, head models.MLPHead, headScope string, loss func(v Views) *Node) Method {
	embed := Network(enc, head, headScope)
	return Method{
		Loss: func(scope *model.Scope, b Batch) *Node {
			_, z := embed(scope, BothViews(b.V1, b.V2))
			z1, z2 := SplitViews(z)
			return loss(Views{Z1: z1, Z2: z2, Batch: b, Scope: scope})
		},
		Embed: embed,
	}
}

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
