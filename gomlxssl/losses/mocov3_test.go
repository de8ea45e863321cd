package losses

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/mega-ssl/mega/gomlxssl/backend/backendtest"
)

// mocoV3Reference is Algorithm 1 of Chen, Xie & He (2021) in float64:
// ctr(q, k) = 2τ · mean cross-entropy of the cosine logits q·kᵀ/τ against
// the diagonal, symmetrised over the views.
func mocoV3Reference(q1, q2, k1, k2 [][]float64, tau float64) float64 {
	ctr := func(q, k [][]float64) float64 {
		total := 0.0
		for i := range q {
			denom := 0.0
			for j := range k {
				denom += math.Exp(cosine(q[i], k[j]) / tau)
			}
			total += -math.Log(math.Exp(cosine(q[i], k[i])/tau) / denom)
		}
		return 2 * tau * total / float64(len(q))
	}
	return ctr(q1, k2) + ctr(q2, k1)
}

func TestMoCoV3MatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 21))
	backend := backendtest.Go(t)
	flat := toTensor
	for _, tc := range []struct {
		b, d int
		tau  float64
	}{{2, 4, 0.2}, {16, 32, 0.2}, {8, 128, 1.0}} {
		q1, q2 := rounded(randomRows(rng, tc.b, tc.d)), rounded(randomRows(rng, tc.b, tc.d))
		k1, k2 := rounded(randomRows(rng, tc.b, tc.d)), rounded(randomRows(rng, tc.b, tc.d))
		out := MustExecOnce(backend, func(q1, q2, k1, k2 *Node) *Node { return MoCoV3(q1, q2, k1, k2, tc.tau) },
			flat(q1), flat(q2), flat(k1), flat(k2))
		checkClose(t, "MoCoV3", float64(tensors.ToScalar[float32](out)), mocoV3Reference(q1, q2, k1, k2, tc.tau))
	}
	// Hand-checked: two images, queries equal to their positive keys and
	// orthogonal to the other key: each ctr is 2τ·log(1 + e^{−1/τ}).
	q := [][]float64{{1, 0}, {0, 1}}
	out := MustExecOnce(backend, func(q1, q2, k1, k2 *Node) *Node { return MoCoV3(q1, q2, k1, k2, 0.5) }, flat(q), flat(q), flat(q), flat(q))
	checkClose(t, "MoCoV3 hand-checked", float64(tensors.ToScalar[float32](out)), 2*(2*0.5*math.Log(1+math.Exp(-2))))
}

// The keys are targets: the gradient reaches the queries only.
func TestMoCoV3KeysAreTargets(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	backend := backendtest.Go(t)
	in := []*tensors.Tensor{toTensor(randomRows(rng, 4, 8)), toTensor(randomRows(rng, 4, 8)), toTensor(randomRows(rng, 4, 8)), toTensor(randomRows(rng, 4, 8))}
	outs := MustExecOnceN(backend, func(x []*Node) []*Node {
		return Gradient(MoCoV3(x[0], x[1], x[2], x[3], 0.2), x[0], x[2])
	}, in[0], in[1], in[2], in[3])
	if v, ok := nonZero(outs[1]); ok {
		t.Fatalf("a gradient reached a key: %v", v)
	}
	if _, moved := nonZero(outs[0]); !moved {
		t.Fatal("no gradient reached the queries")
	}
}
