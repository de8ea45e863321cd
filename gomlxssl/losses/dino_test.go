package losses

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/mega-ssl/mega/gomlxssl/backend/backendtest"
)

// softmaxRef is softmax(x/τ) in float64.
func softmaxRef(x []float64, tau float64) []float64 {
	top := math.Inf(-1)
	for _, v := range x {
		top = math.Max(top, v/tau)
	}
	out, sum := make([]float64, len(x)), 0.0
	for k, v := range x {
		out[k] = math.Exp(v/tau - top)
		sum += out[k]
	}
	for k := range out {
		out[k] /= sum
	}
	return out
}

// dinoReference is Algorithm 1 of Caron et al. (2021) in float64, written
// with loops: every teacher crop i, centred and sharpened, against every
// student crop v ≠ i, the cross-entropy averaged over images and pairs.
func dinoReference(student, teacher [][][]float64, centre []float64, tauS, tauT float64) float64 {
	total, pairs := 0.0, 0
	for i, t := range teacher {
		for v, s := range student {
			if v == i {
				continue
			}
			h := 0.0
			for b := range t {
				shifted := make([]float64, len(centre))
				for k := range centre {
					shifted[k] = t[b][k] - centre[k]
				}
				pt, ps := softmaxRef(shifted, tauT), softmaxRef(s[b], tauS)
				for k := range pt {
					h -= pt[k] * math.Log(ps[k])
				}
			}
			total += h / float64(len(t))
			pairs++
		}
	}
	return total / float64(pairs)
}

func TestDINOMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	backend := backendtest.Go(t)
	for _, tc := range []struct {
		views, globals, b, k int
		tauT                 float64
	}{{2, 2, 3, 4, 0.04}, {2, 2, 16, 64, 0.07}, {4, 2, 8, 32, 0.05}, {3, 1, 5, 10, 0.2}} {
		var student, teacher [][][]float64
		var in []*tensors.Tensor
		for range tc.views {
			s := rounded(randomRows(rng, tc.b, tc.k))
			student = append(student, s)
			in = append(in, toTensor(s))
		}
		for range tc.globals {
			x := rounded(randomRows(rng, tc.b, tc.k))
			teacher = append(teacher, x)
			in = append(in, toTensor(x))
		}
		centre := rounded(randomRows(rng, 1, tc.k))
		in = append(in, toTensor(centre))
		out := MustExecOnceN(backend, func(x []*Node) []*Node {
			c := Reshape(x[len(x)-1], tc.k)
			return []*Node{DINO(x[:tc.views], x[tc.views:tc.views+tc.globals], c, 0.1, Scalar(c.Graph(), c.DType(), tc.tauT))}
		}, anySlice(in)...)
		checkClose(t, "DINO", float64(tensors.ToScalar[float32](out[0])), dinoReference(student, teacher, centre[0], 0.1, tc.tauT))
	}
	// Hand-checked: two crops whose every output is equal over K classes —
	// the targets and the predictions are uniform, H = log K.
	zero := toTensor([][]float64{{0, 0, 0, 0}})
	out := MustExecOnceN(backend, func(x []*Node) []*Node {
		return []*Node{DINO([]*Node{x[0], x[0]}, []*Node{x[0], x[0]}, Reshape(x[0], 4), 0.1, Scalar(x[0].Graph(), x[0].DType(), 0.04))}
	}, zero)
	checkClose(t, "DINO hand-checked", float64(tensors.ToScalar[float32](out[0])), math.Log(4))
}

// The teacher and the centre are targets: the gradient reaches the student only.
func TestDINOTeacherIsTarget(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 1))
	backend := backendtest.Go(t)
	in := []*tensors.Tensor{toTensor(randomRows(rng, 4, 8)), toTensor(randomRows(rng, 4, 8)), toTensor(randomRows(rng, 4, 8)), toTensor(randomRows(rng, 4, 8)), toTensor(randomRows(rng, 1, 8))}
	outs := MustExecOnceN(backend, func(x []*Node) []*Node {
		c := Reshape(x[4], 8)
		loss := DINO(x[:2], x[2:4], c, 0.1, Scalar(c.Graph(), c.DType(), 0.04))
		return Gradient(loss, x[0], x[2], x[4])
	}, anySlice(in)...)
	for i, name := range []string{"the teacher", "the centre"} {
		if v, ok := nonZero(outs[i+1]); ok {
			t.Fatalf("a gradient reached %s: %v", name, v)
		}
	}
	if _, moved := nonZero(outs[0]); !moved {
		t.Fatal("no gradient reached the student")
	}
}

// The centre is the moving average of the teacher's mean output.
func TestDINOCentreIsMovingMean(t *testing.T) {
	backend := backendtest.Go(t)
	t1, t2 := [][]float64{{1, 2}, {3, 4}}, [][]float64{{5, 6}, {7, 8}}
	out := MustExecOnceN(backend, func(x []*Node) []*Node {
		return []*Node{DINOCentre(Reshape(x[2], 2), x[:2], 0.9)}
	}, toTensor(t1), toTensor(t2), toTensor([][]float64{{10, 20}}))
	got := tensors.MustCopyFlatData[float32](out[0])
	for k, want := range []float64{0.9*10 + 0.1*4, 0.9*20 + 0.1*5} {
		checkClose(t, "DINOCentre", float64(got[k]), want)
	}
}
