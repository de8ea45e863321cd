package losses

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/mega-ssl/mega/gomlxssl/backend/backendtest"
)

// nearestReference is NN(z, Q) of Dwibedi et al. (2021) in float64: the
// index of the support row with the largest cosine to z.
func nearestReference(z []float64, support [][]float64) int {
	best, at := math.Inf(-1), -1
	for j, q := range support {
		if c := cosine(z, q); c > best {
			best, at = c, j
		}
	}
	return at
}

// nnclrReference is NNCLR's eq. (2), symmetrised, in float64: each image's
// neighbour in the support set against the other view's predictions of
// the whole batch, cosine similarities over τ.
func nnclrReference(z1, z2, p1, p2, support [][]float64, tau float64) float64 {
	half := func(z, p [][]float64) float64 {
		total := 0.0
		for i := range z {
			nn := support[nearestReference(z[i], support)]
			denom := 0.0
			for k := range p {
				denom += math.Exp(cosine(nn, p[k]) / tau)
			}
			total += -math.Log(math.Exp(cosine(nn, p[i])/tau) / denom)
		}
		return total / float64(len(z))
	}
	return (half(z1, p2) + half(z2, p1)) / 2
}

func TestNNCLRMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 2))
	backend := backendtest.Go(t)
	flat := toTensor
	for _, tc := range []struct {
		b, d, k int
		tau     float64
	}{{2, 4, 3, 0.1}, {16, 32, 64, 0.1}, {8, 128, 256, 0.2}} {
		z1, z2 := rounded(randomRows(rng, tc.b, tc.d)), rounded(randomRows(rng, tc.b, tc.d))
		p1, p2 := rounded(randomRows(rng, tc.b, tc.d)), rounded(randomRows(rng, tc.b, tc.d))
		support := rounded(randomRows(rng, tc.k, tc.d))
		out := MustExecOnce(backend, func(z1, z2, p1, p2, q *Node) *Node { return NNCLR(z1, z2, p1, p2, q, tc.tau) },
			flat(z1), flat(z2), flat(p1), flat(p2), flat(support))
		checkClose(t, "NNCLR", float64(tensors.ToScalar[float32](out)), nnclrReference(z1, z2, p1, p2, support, tc.tau))
	}
}

// With each view's own projection as its target (NNCLR's warm-up before
// the neighbours), the loss is the reference's with a support set that
// holds the batch's projections: each projection's nearest row is itself.
func TestNNCLROwnTargetsMatchReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 4))
	backend := backendtest.Go(t)
	for _, tc := range []struct {
		b, d int
		tau  float64
	}{{2, 4, 0.1}, {16, 32, 0.2}} {
		z1, z2 := rounded(randomRows(rng, tc.b, tc.d)), rounded(randomRows(rng, tc.b, tc.d))
		p1, p2 := rounded(randomRows(rng, tc.b, tc.d)), rounded(randomRows(rng, tc.b, tc.d))
		out := MustExecOnce(backend, func(z1, z2, p1, p2 *Node) *Node {
			unit := func(z *Node) *Node { return L2NormalizeWithEpsilon(z, 1e-12, -1) }
			return NNCLRTargets(unit(z1), unit(z2), p1, p2, tc.tau)
		}, toTensor(z1), toTensor(z2), toTensor(p1), toTensor(p2))
		checkClose(t, "NNCLR, own targets", float64(tensors.ToScalar[float32](out)), nnclrReference(z1, z2, p1, p2, append(append([][]float64{}, z1...), z2...), tc.tau))
	}
}

// The look-up returns the support row nearest in angle, not in distance, as
// a unit vector: a long vector in the right direction beats a short one
// that is closer.
func TestNearestNeighbourByAngle(t *testing.T) {
	backend := backendtest.Go(t)
	z := [][]float64{{1, 0}, {0, 2}}
	support := [][]float64{{10, 1}, {0.9, 0.5}, {-1, 3}}
	out := MustExecOnce(backend, func(z, q *Node) *Node { return NearestNeighbour(z, q) }, toTensor(z), toTensor(support))
	got := tensors.MustCopyFlatData[float32](out)
	want := [][]float64{{10, 1}, {-1, 3}}
	for i, w := range want {
		n := math.Hypot(w[0], w[1])
		for j := range w {
			if math.Abs(float64(got[2*i+j])-w[j]/n) > 1e-6 {
				t.Fatalf("row %d: got %v, want the unit vector of %v", i, got[2*i:2*i+2], w)
			}
		}
	}
}

// The neighbours are targets: the loss's gradient reaches the predictions,
// and nothing reaches the projections or the support set through the
// look-up.
func TestNNCLRGradientThroughPredictionsOnly(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	backend := backendtest.Go(t)
	z1, z2 := toTensor(randomRows(rng, 4, 8)), toTensor(randomRows(rng, 4, 8))
	p1, p2 := toTensor(randomRows(rng, 4, 8)), toTensor(randomRows(rng, 4, 8))
	support := toTensor(randomRows(rng, 16, 8))
	outs := MustExecOnceN(backend, func(in []*Node) []*Node {
		loss := NNCLR(in[0], in[1], in[2], in[3], in[4], 0.1)
		return Gradient(loss, in[0], in[4], in[2])
	}, z1, z2, p1, p2, support)
	for i, name := range []string{"the projection z1", "the support set"} {
		if v, ok := nonZero(outs[i]); ok {
			t.Fatalf("a gradient reached %s through the nearest neighbour: %v", name, v)
		}
	}
	if _, moved := nonZero(outs[2]); !moved {
		t.Fatal("no gradient reached the prediction p1")
	}
}
