package models

import (
	"fmt"
	"math"
	"strings"

	"github.com/gomlx/compute/dtypes"
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
// that the two networks start equal. The momentum m is a scalar node: a
// constant (MoCo) or a schedule (BYOL's CosineMomentum). Variables under
// target without an online counterpart (batch norm's running statistics) are
// left to their own updates. It returns the number of variables it tracks.
func UpdateTarget(scope *model.Scope, g *Graph, online, target string, momentum *Node) int {
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
		m := ConvertDType(momentum, v.DType())
		ema := Add(Mul(v.NodeValue(g), m), Mul(on, OneMinus(m)))
		v.SetNodeValue(Where(first, on, ema))
		n++
	}
	return n
}

// CosineMomentum is BYOL's schedule for the target's momentum: it rises from
// base at step 0 to 1 at step total along a half cosine,
//
//	m(t) = 1 − (1 − base) · (cos(π t / total) + 1) / 2
//
// so the target moves less and less as training ends. step is the global
// step (any numeric scalar); the result is a float32 scalar.
func CosineMomentum(step *Node, total int, base float64) *Node {
	t := DivScalar(ConvertDType(step, dtypes.Float32), float64(max(total, 1)))
	half := MulScalar(AddScalar(Cos(MulScalar(MinScalar(t, 1), math.Pi)), 1), 0.5)
	return OneMinus(MulScalar(half, 1-base))
}
