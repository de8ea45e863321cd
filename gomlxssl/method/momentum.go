package method

import (
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mega-ssl/mega/gomlxssl/models"
	"github.com/mega-ssl/mega/gomlxssl/train"
)

// MomentumPair is the two networks of BYOL and MoCo v3: an online network —
// the encoder, the projector (scope "projector") and the predictor — under
// scope "online", and a target network of the same encoder and projector
// under scope "target", which after each step moves towards the online one,
// ξ ← m ξ + (1 − m) θ, with m rising from base to 1 on a cosine schedule
// (models.UpdateTarget, models.CosineMomentum). views gives the online
// predictions p and the target projections z of both views, split by view,
// for the method's loss; embed is the online network, which the probes read.
func MomentumPair(enc models.Encoder, projector, predictor models.MLPHead, base float64) (
	views func(scope *model.Scope, b Batch) (p1, p2, z1, z2 *Node), embed train.EmbedFn) {
	network := Network(enc, projector, "projector")
	views = func(scope *model.Scope, b Batch) (p1, p2, z1, z2 *Node) {
		x := BothViews(b.V1, b.V2)
		online := scope.In("online")
		_, z := network(online, x)
		p := predictor.Apply(online.In("predictor"), z)
		_, zt := network(scope.In("target"), x)
		models.UpdateTarget(scope, x.Graph(), "online", "target", models.CosineMomentum(b.Step, b.TotalSteps, base))
		p1, p2 = SplitViews(p)
		z1, z2 = SplitViews(zt)
		return p1, p2, z1, z2
	}
	embed = func(scope *model.Scope, x *Node) (h, z *Node) { return network(scope.In("online"), x) }
	return views, embed
}
