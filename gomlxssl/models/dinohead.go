package models

import (
	"flag"
	"fmt"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
)

// DINOHead is the projection head of DINO (Caron et al. 2021, §3.1 and
// Appendix): a three-layer MLP with GELU (Dense → GELU → Dense → GELU →
// Dense to a Bottleneck, no batch norm), the bottleneck normalised to the
// unit sphere, then a weight-normalised linear layer without bias to K
// Prototypes: w_k = g_k v_k/‖v_k‖. With NormLast the gains are frozen at 1
// (the paper's default for ViTs), so that every output is a cosine to a
// prototype; without it (solo-learn's CIFAR recipe) each g_k is learnt, so
// that the outputs can grow and their softmax sharpen.
type DINOHead struct {
	Hidden, Bottleneck, Prototypes int
	NormLast                       bool
}

// Apply builds the head in scope; it returns the normalised bottleneck z
// [B, Bottleneck] and the outputs [B, Prototypes].
func (h DINOHead) Apply(scope *model.Scope, x *Node) (z, out *Node) {
	x = activation.Gelu(layers.Dense(scope.In("fc1"), x, true, h.Hidden))
	x = activation.Gelu(layers.Dense(scope.In("fc2"), x, true, h.Hidden))
	z = L2NormalizeWithEpsilon(layers.Dense(scope.In("fc3"), x, true, h.Bottleneck), 1e-12, -1)
	last := scope.In("last")
	v := last.WithInitializer(initializer.RandomNormalFn(scope, 1)).
		VariableWithShape("weights", shapes.Make(dtypes.Float32, h.Bottleneck, h.Prototypes)).NodeValue(x.Graph())
	w := L2NormalizeWithEpsilon(v, 1e-12, 0) // each prototype's column at unit norm
	if !h.NormLast {
		gain := last.WithInitializer(initializer.One).
			VariableWithShape("gain", shapes.Make(dtypes.Float32, h.Prototypes)).NodeValue(x.Graph())
		w = Mul(w, ExpandAxes(gain, 0))
	}
	return z, MatMul(z, w)
}

// Flags registers the head's sizes as -NAME-hidden, -NAME-bottleneck and
// -prototypes, with h's values as defaults.
func (h *DINOHead) Flags(fs *flag.FlagSet, name string) {
	fs.IntVar(&h.Hidden, name+"-hidden", h.Hidden, "hidden width of the head's MLP")
	fs.IntVar(&h.Bottleneck, name+"-bottleneck", h.Bottleneck, "width of the head's normalised bottleneck")
	fs.IntVar(&h.Prototypes, "prototypes", h.Prototypes, "number of outputs K (prototypes) of the head")
	fs.BoolVar(&h.NormLast, "norm-last-layer", h.NormLast, "keep the last layer's weight-norm gains at 1 (outputs are cosines to the prototypes)")
}

// Check refuses a size that is not positive, or fewer than two prototypes.
func (h DINOHead) Check(name string) error {
	switch {
	case h.Hidden <= 0:
		return fmt.Errorf("-%s-hidden %d: want a positive width", name, h.Hidden)
	case h.Bottleneck <= 0:
		return fmt.Errorf("-%s-bottleneck %d: want a positive width", name, h.Bottleneck)
	case h.Prototypes < 2:
		return fmt.Errorf("-prototypes %d: want at least 2", h.Prototypes)
	}
	return nil
}
