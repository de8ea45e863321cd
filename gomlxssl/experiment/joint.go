package experiment

import (
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mega-ssl/mega/gomlxssl/method"
	"github.com/mega-ssl/mega/gomlxssl/models"
)

// JointEmbedding is the Method of every two-view objective whose views share
// one network — SimCLR, Barlow Twins, VICReg, hard negatives, the memory
// bank, the Siamese network: the encoder (scope "encoder") gives the
// representation h, the head (scope headScope) the projection z, and both
// views go through them as one batch of 2B images, so that the batch-norm
// statistics are shared by the two views and one matrix product serves both.
// loss receives the two views' projections with the batch and the scope.
func JointEmbedding(enc models.Encoder, head models.MLPHead, headScope string, loss func(v method.Views) *Node) Method {
	embed := method.Network(enc, head, headScope)
	return Method{
		Loss: func(scope *model.Scope, b method.Batch) *Node {
			_, z := embed(scope, method.BothViews(b.V1, b.V2))
			z1, z2 := method.SplitViews(z)
			return loss(method.Views{Z1: z1, Z2: z2, Batch: b, Scope: scope})
		},
		Embed: embed,
	}
}
