package models

import (
	"fmt"
	"strings"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// UpdateTarget makes the network under scope path target a momentum
// (exponential moving average) copy of the network under online — BYOL's
// target network and MoCo's key encoder. Call it in the training loss after
// both networks have been applied: every variable under target that has a
// trainable counterpart at the same path under online becomes non-trainable
// and, in the same step graph, is updated as
//
//	target ← m · target + (1 − m) · online
//
// except at the first step (global step 0), where it is set to online, so
// that the two networks start equal. Variables under target without an online
// counterpart (batch norm's running statistics) are left to their own
// updates. It returns the number of variables it tracks.
func UpdateTarget(scope *model.Scope, g *Graph, online, target string, momentum float64) int {
	store := scope.Store()
	first := Equal(optimizer.GetGlobalStepVar(scope).NodeValue(g), ScalarZero(g, optimizer.GetGlobalStepVar(scope).DType()))
	prefix := "/" + strings.Trim(target, "/") + "/"
	onlinePrefix := "/" + strings.Trim(online, "/") + "/"
	n := 0
	for v := range store.IterVariables() {
		if !strings.HasPrefix(v.Path(), prefix) {
			continue
		}
		src := store.GetVariable(onlinePrefix + strings.TrimPrefix(v.Path(), prefix))
		if src == nil || !src.Trainable {
			continue
		}
		if !src.Shape().Equal(v.Shape()) {
			panic(fmt.Sprintf("models.UpdateTarget: %s is %s but %s is %s", v.Path(), v.Shape(), src.Path(), src.Shape()))
		}
		v.SetTrainable(false)
		on := StopGradient(src.NodeValue(g))
		ema := Add(MulScalar(v.NodeValue(g), momentum), MulScalar(on, 1-momentum))
		v.SetNodeValue(Where(first, on, ema))
		n++
	}
	return n
}
