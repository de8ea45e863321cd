package models

import (
	"strings"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// Frozen calls build with every variable under the scope paths prefixes
// (such as "/discriminator") read through a stop-gradient, then restores
// them: what build computes from those variables sends them no gradient, and
// the updates build makes to them (batch norm's running averages) are
// discarded. A GAN's generator loss goes through the discriminator this way,
// so that one combined loss trains each network on its own objective:
//
//	lossD := dLoss(real, StopGradient(fake))
//	models.Frozen(scope, g, []string{"/discriminator"}, func() { lossG = gLoss(fake) })
//	return Add(lossD, lossG)
func Frozen(scope *model.Scope, g *Graph, prefixes []string, build func()) {
	type saved struct {
		v     *model.Variable
		value *Node
	}
	var keep []saved
	for v := range scope.Store().IterVariables() {
		for _, p := range prefixes {
			if strings.HasPrefix(v.Path(), "/"+strings.Trim(p, "/")+"/") {
				value := v.NodeValue(g)
				keep = append(keep, saved{v, value})
				v.SetNodeValue(StopGradient(value))
				break
			}
		}
	}
	build()
	for _, s := range keep {
		s.v.SetNodeValue(s.value)
	}
}
