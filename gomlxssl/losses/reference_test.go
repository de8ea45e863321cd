package losses

import (
	"math"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/mega-ssl/mega/gomlxssl/backend/backendtest"
)

// The helpers every loss test shares. Each loss file has its test file
// beside it (ntxent.go → ntxent_test.go), with a float64 reference of its
// formula written from the paper.

// cosine is the cosine similarity of two vectors, in float64.
func cosine(a, c []float64) float64 {
	var dot, na, nc float64
	for i := range a {
		dot += a[i] * c[i]
		na += a[i] * a[i]
		nc += c[i] * c[i]
	}
	return dot / (math.Sqrt(na) * math.Sqrt(nc))
}

// toTensor is rows as a float32 tensor [len(rows), len(rows[0])].
func toTensor(rows [][]float64) *tensors.Tensor {
	out := make([]float32, 0, len(rows)*len(rows[0]))
	for _, r := range rows {
		for _, v := range r {
			out = append(out, float32(v))
		}
	}
	return tensors.FromFlatDataAndDimensions(out, len(rows), len(rows[0]))
}

// The float64 references below are written from each paper's formula, with
// plain loops, independently of the graph code.

func column(z [][]float64, j int) []float64 {
	c := make([]float64, len(z))
	for i := range z {
		c[i] = z[i][j]
	}
	return c
}

func meanOf(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

func runLoss(t *testing.T, f func(a, b *Node) *Node, z1, z2 [][]float64) float64 {
	t.Helper()
	backend := backendtest.Go(t)
	flat := toTensor
	return float64(tensors.ToScalar[float32](MustExecOnce(backend, f, flat(z1), flat(z2))))
}

// rounded makes float64 rows exactly representable in float32, so that the
// reference sees the very inputs the graph sees.
func rounded(rows [][]float64) [][]float64 {
	for _, r := range rows {
		for j := range r {
			r[j] = float64(float32(r[j]))
		}
	}
	return rows
}

func checkClose(t *testing.T, name string, got, want float64) {
	t.Helper()
	if rel := math.Abs(got-want) / math.Max(math.Abs(want), 1e-6); rel > 1e-5 {
		t.Errorf("%s: graph %.8g, float64 reference %.8g (relative error %.2g)", name, got, want, rel)
	}
}

// nonZero returns the first non-zero value of a gradient x, and whether
// there is one: a stop-gradient test checks that targets get none and that
// the trained side gets some.
func nonZero(x *tensors.Tensor) (float32, bool) {
	for _, v := range tensors.MustCopyFlatData[float32](x) {
		if v != 0 {
			return v, true
		}
	}
	return 0, false
}

// anySlice is ts as the arguments of MustExecOnceN.
func anySlice(ts []*tensors.Tensor) []any {
	out := make([]any, len(ts))
	for i, x := range ts {
		out[i] = x
	}
	return out
}
