// Package method holds what a self-supervised method is built from, below
// the runner (package experiment) that trains it: the Batch a step's loss
// sees, the Views of a two-view objective, the Network of an encoder and a
// head, and the checks a method's settings are made of. A method's own
// package (MoCo's, shared by two experiments) builds on it without
// importing the runner.
package method

import (
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// Batch is what a method's loss sees of one training step.
type Batch struct {
	// V1 and V2 are the two augmented views of B images [B, H, W, 3],
	// standardised; V2 is nil for a single-view experiment.
	V1, V2 *Node
	// Local holds the multi-crop views [B, h, w, C] (smaller than V1) when
	// the method's policy asks for them (augment.Policy.Local); nil
	// otherwise.
	Local []*Node
	// Index [B] int32 holds each image's position in the training set (a
	// memory bank keeps one entry per image).
	Index *Node
	// Label [B] int32 holds the images' labels when the method asks for
	// them (experiment.Method.Labels); it is nil otherwise, so a
	// self-supervised method cannot read them by mistake.
	Label *Node
	// Step is the global step before this update (a scalar); StepsPerEpoch
	// and TotalSteps are the budget, for schedules (BYOL's momentum, SwAV's
	// frozen prototypes).
	Step                      *Node
	StepsPerEpoch, TotalSteps int
	// TrainSize is the number of training images (Index is below it).
	TrainSize int
}

// Views is what a joint-embedding loss (experiment.JointEmbedding) sees:
// the two views' projections, and the step's batch (the images' Index and
// Label, the Step) and scope, for a loss that needs more than the
// projections — the memory bank's variables and indices, the Siamese
// network's pairs.
type Views struct {
	Z1, Z2 *Node
	Batch  Batch
	Scope  *model.Scope
}
