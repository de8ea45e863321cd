package losses

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/mega-ssl/mega/gomlxssl/backend/backendtest"
)

// sinkhornReference is the Sinkhorn-Knopp iteration of SwAV's appendix in
// float64: Q = exp(S/ε) / ΣQ, then alternately rows (prototypes) to 1/P and
// columns (samples) to 1/N, and every sample's codes scaled to sum to 1.
func sinkhornReference(scores [][]float64, eps float64, iters int) [][]float64 {
	n, p := len(scores), len(scores[0])
	q := make([][]float64, n)
	total := 0.0
	for i := range q {
		q[i] = make([]float64, p)
		for k := range q[i] {
			q[i][k] = math.Exp(scores[i][k] / eps)
			total += q[i][k]
		}
	}
	for i := range q {
		for k := range q[i] {
			q[i][k] /= total
		}
	}
	for range iters {
		for k := range p {
			s := 0.0
			for i := range n {
				s += q[i][k]
			}
			for i := range n {
				q[i][k] /= s * float64(p)
			}
		}
		for i := range n {
			s := 0.0
			for k := range p {
				s += q[i][k]
			}
			for k := range p {
				q[i][k] /= s * float64(n)
			}
		}
	}
	for i := range q {
		for k := range q[i] {
			q[i][k] *= float64(n)
		}
	}
	return q
}

// swavReference: −½ mean_b [Σ_k q2 log softmax(s1/τ) + Σ_k q1 log softmax(s2/τ)].
func swavReference(s1, s2, q1, q2 [][]float64, tau float64) float64 {
	logSoftmax := func(s []float64) []float64 {
		m := math.Inf(-1)
		for _, v := range s {
			m = math.Max(m, v/tau)
		}
		z := 0.0
		for _, v := range s {
			z += math.Exp(v/tau - m)
		}
		out := make([]float64, len(s))
		for k, v := range s {
			out[k] = v/tau - m - math.Log(z)
		}
		return out
	}
	total := 0.0
	for b := range s1 {
		l1, l2 := logSoftmax(s1[b]), logSoftmax(s2[b])
		for k := range l1 {
			total += q2[b][k]*l1[k] + q1[b][k]*l2[k]
		}
	}
	return -0.5 * total / float64(len(s1))
}

func TestSinkhornMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 1))
	backend := backendtest.Go(t)
	for _, tc := range []struct {
		n, p, iters int
		eps         float64
	}{{4, 3, 3, 0.05}, {32, 10, 3, 0.05}, {64, 30, 3, 0.1}, {16, 8, 50, 0.5}} {
		// Cosine-like scores in [−1, 1].
		scores := rounded(randomRows(rng, tc.n, tc.p))
		for _, r := range scores {
			for k := range r {
				r[k] = float64(float32(math.Tanh(r[k])))
			}
		}
		got := tensors.MustCopyFlatData[float32](MustExecOnce(backend, func(s *Node) *Node { return Sinkhorn(s, tc.eps, tc.iters) }, toTensor(scores)))
		want := sinkhornReference(scores, tc.eps, tc.iters)
		for i := range want {
			rowSum := 0.0
			for k := range want[i] {
				g := float64(got[i*tc.p+k])
				rowSum += g
				if math.Abs(g-want[i][k]) > 1e-5*math.Max(1, math.Abs(want[i][k])) {
					t.Fatalf("n=%d p=%d: code[%d][%d] = %g, float64 reference %g", tc.n, tc.p, i, k, g, want[i][k])
				}
			}
			if math.Abs(rowSum-1) > 1e-5 {
				t.Errorf("n=%d p=%d: codes of sample %d sum to %g, want 1", tc.n, tc.p, i, rowSum)
			}
		}
		if tc.iters >= 50 { // converged: every prototype gets N/P of the mass
			for k := range tc.p {
				col := 0.0
				for i := range tc.n {
					col += float64(got[i*tc.p+k])
				}
				if math.Abs(col-float64(tc.n)/float64(tc.p)) > 1e-3 {
					t.Errorf("prototype %d receives %g samples, want %g", k, col, float64(tc.n)/float64(tc.p))
				}
			}
		}
	}
}

func TestSwAVMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 1))
	backend := backendtest.Go(t)
	for _, tc := range []struct {
		b, p int
		tau  float64
	}{{2, 3, 0.1}, {16, 10, 0.1}, {64, 100, 0.2}} {
		s1, s2 := rounded(randomRows(rng, tc.b, tc.p)), rounded(randomRows(rng, tc.b, tc.p))
		q1, q2 := sinkhornReference(s1, 0.05, 3), sinkhornReference(s2, 0.05, 3)
		q1, q2 = rounded(q1), rounded(q2)
		outs := MustExecOnceN(backend, func(s1, s2, q1, q2 *Node) []*Node {
			loss := SwAV(s1, s2, q1, q2, tc.tau)
			g := Gradient(loss, q1)
			return []*Node{loss, ReduceAllSum(Abs(g[0]))}
		}, toTensor(s1), toTensor(s2), toTensor(q1), toTensor(q2))
		checkClose(t, "SwAV", float64(tensors.ToScalar[float32](outs[0])), swavReference(s1, s2, q1, q2, tc.tau))
		if g := tensors.ToScalar[float32](outs[1]); g != 0 {
			t.Errorf("gradient reaches the codes: Σ|∂L/∂q1| = %g", g)
		}
	}
	// Hand-checked: one-hot codes and scores that put all the softmax on the
	// coded prototype give ~0; uniform scores give log P.
	q := [][]float64{{1, 0, 0}, {0, 1, 0}}
	sharp := [][]float64{{1, -1, -1}, {-1, 1, -1}}
	flat := [][]float64{{0, 0, 0}, {0, 0, 0}}
	loss := func(s [][]float64) float64 {
		return float64(tensors.ToScalar[float32](MustExecOnce(backend, func(s, q *Node) *Node { return SwAV(s, s, q, q, 0.01) }, toTensor(s), toTensor(q))))
	}
	if got := loss(sharp); got > 1e-6 {
		t.Errorf("SwAV with confident, right predictions = %g, want ~0", got)
	}
	if got := loss(flat); math.Abs(got-math.Log(3)) > 1e-6 {
		t.Errorf("SwAV with uniform predictions = %g, want log 3 = %g", got, math.Log(3))
	}
}
