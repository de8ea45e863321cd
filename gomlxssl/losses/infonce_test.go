package losses

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/mega-ssl/mega/gomlxssl/backend/backendtest"
)

// infoNCEReference is MoCo's eq. (1) in float64 with cosine similarities;
// exclude[b][j] leaves negative j out of query b's sum.
func infoNCEReference(q, k, queue [][]float64, tau float64, exclude [][]bool) float64 {
	cos := cosine
	total := 0.0
	for b := range q {
		pos := math.Exp(cos(q[b], k[b]) / tau)
		denom := pos
		for j, n := range queue {
			if exclude != nil && exclude[b][j] {
				continue
			}
			denom += math.Exp(cos(q[b], n) / tau)
		}
		total += -math.Log(pos / denom)
	}
	return total / float64(len(q))
}

func TestInfoNCEMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 1))
	backend := backendtest.Go(t)
	flat := toTensor
	for _, tc := range []struct {
		b, d, k int
		tau     float64
	}{{2, 4, 3, 0.2}, {16, 32, 64, 0.1}, {8, 128, 256, 0.07}} {
		q, k := rounded(randomRows(rng, tc.b, tc.d)), rounded(randomRows(rng, tc.b, tc.d))
		queue := rounded(randomRows(rng, tc.k, tc.d))
		out := MustExecOnce(backend, func(q, k, queue *Node) *Node { return InfoNCE(q, k, queue, tc.tau, nil) }, flat(q), flat(k), flat(queue))
		checkClose(t, "InfoNCE", float64(tensors.ToScalar[float32](out)), infoNCEReference(q, k, queue, tc.tau, nil))
		// With some negatives left out of some queries' sums.
		exclude := make([][]bool, tc.b)
		mask := make([]bool, 0, tc.b*tc.k)
		for b := range exclude {
			exclude[b] = make([]bool, tc.k)
			for j := range exclude[b] {
				exclude[b][j] = rng.IntN(3) == 0
				mask = append(mask, exclude[b][j])
			}
		}
		out = MustExecOnce(backend, func(q, k, queue, ex *Node) *Node { return InfoNCE(q, k, queue, tc.tau, ex) },
			flat(q), flat(k), flat(queue), tensors.FromFlatDataAndDimensions(mask, tc.b, tc.k))
		checkClose(t, "InfoNCE with exclusions", float64(tensors.ToScalar[float32](out)), infoNCEReference(q, k, queue, tc.tau, exclude))
	}
	// Hand-checked: keys equal to the queries (cosine 1), τ = 0.2.
	q := [][]float64{{1, 0}, {0, 1}}
	queue := [][]float64{{-1, 0}, {0, -1}, {-1, 0}}
	out := MustExecOnce(backend, func(q, k, queue *Node) *Node { return InfoNCE(q, k, queue, 0.2, nil) }, flat(q), flat(q), flat(queue))
	// Row 0 sees negatives at cosines −1, 0, −1; row 1 at 0, −1, 0.
	row0 := -math.Log(math.Exp(5) / (math.Exp(5) + 2*math.Exp(-5) + 1))
	row1 := -math.Log(math.Exp(5) / (math.Exp(5) + math.Exp(-5) + 2))
	checkClose(t, "InfoNCE hand-checked", float64(tensors.ToScalar[float32](out)), (row0+row1)/2)
}
