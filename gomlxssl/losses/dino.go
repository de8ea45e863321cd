package losses

import (
	"fmt"

	. "github.com/gomlx/gomlx/core/graph"
)

// DINO is the self-distillation loss of Caron et al. (2021), eq. (3) and
// Algorithm 1, for the student's outputs of every crop, student [V][B, K]
// (the global crops first, in the teacher's order, then any local crops),
// and the teacher's outputs of the global crops, teacher [G][B, K], G ≤ V.
// The teacher's outputs are centred and sharpened into targets,
//
//	P_t(x) = softmax((g_t(x) − c) / τ_t),   P_s(x) = softmax(g_s(x) / τ_s),
//
// and each of the teacher's crops is predicted from every other crop of the
// same image:
//
//	L = (1 / #pairs) Σ_{i < G} Σ_{v ≠ i} mean_b H(P_t(x_i), P_s(x_v)),   H(a, b) = −Σ_k a_k log b_k.
//
// The centre c [K] and the teacher's temperature τ_t (a scalar node, for
// its warm-up schedule) are given; the teacher is a target: no gradient
// flows into it, nor into the centre.
func DINO(student, teacher []*Node, centre *Node, studentTemp float64, teacherTemp *Node) *Node {
	if len(teacher) == 0 || len(student) < len(teacher) || len(student) < 2 {
		panic(fmt.Sprintf("losses.DINO: want at least two student crops and one to %d teacher crops, got %d and %d", len(student), len(student), len(teacher)))
	}
	k := teacher[0].Shape().Dim(-1)
	for _, x := range append(append([]*Node{}, student...), teacher...) {
		if x.Rank() != 2 || x.Shape().Dim(1) != k || x.Shape().Dim(0) != teacher[0].Shape().Dim(0) {
			panic(fmt.Sprintf("losses.DINO: want every output [B, %d], got %s", k, x.Shape()))
		}
	}
	centred := func(t *Node) *Node {
		return Softmax(Div(Sub(StopGradient(t), StopGradient(ExpandAxes(centre, 0))), ConvertDType(StopGradient(teacherTemp), t.DType())), -1)
	}
	logP := make([]*Node, len(student))
	for v, s := range student {
		logP[v] = LogSoftmax(DivScalar(s, studentTemp), -1)
	}
	var total *Node
	pairs := 0
	for i, t := range teacher {
		target := centred(t)
		for v := range student {
			if v == i {
				continue
			}
			h := ReduceAllMean(Neg(ReduceSum(Mul(target, logP[v]), -1)))
			if total == nil {
				total = h
			} else {
				total = Add(total, h)
			}
			pairs++
		}
	}
	return DivScalar(total, float64(pairs))
}

// DINOCentre is the centre's update after a step (Caron et al. 2021, eq. (4)):
// an exponential moving average of the teacher's mean output over the
// batch and its crops, c ← m·c + (1 − m)·mean(g_t), with m the centre's
// momentum. Centring keeps one prototype from dominating; the sharpening
// of τ_t keeps the targets from going uniform: together they stop collapse.
func DINOCentre(centre *Node, teacher []*Node, momentum float64) *Node {
	mean := ReduceMean(StopGradient(Concatenate(teacher, 0)), 0)
	return Add(MulScalar(centre, momentum), MulScalar(mean, 1-momentum))
}
