package eval

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// The probe's products equal gonum's to the bit — the fit and its figures
// do not move — on the probe's own shapes and on odd ones, zeros included.
func TestProductsMatchGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	random := func(r, c int) *mat.Dense {
		m := mat.NewDense(r, c, nil)
		for i := range r {
			for j := range c {
				if rng.IntN(10) > 0 { // some exact zeros, which gonum skips
					m.Set(i, j, rng.NormFloat64()*math.Pow(10, float64(rng.IntN(7)-3)))
				}
			}
		}
		return m
	}
	for _, s := range []struct{ n, d, c int }{{2048, 128, 10}, {37, 13, 10}, {5, 3, 1}, {130, 7, 17}, {1, 1, 1}} {
		x, w := random(s.n, s.d), random(s.d, s.c)
		got, want := mat.NewDense(s.n, s.c, nil), mat.NewDense(s.n, s.c, nil)
		product(x, w.RawMatrix().Data, s.c, got)
		want.Mul(x, w)
		if !sameBits(got, want) {
			t.Errorf("x·w, %d×%d·%d×%d: differs from gonum's", s.n, s.d, s.d, s.c)
		}
		g := random(s.n, s.c)
		gotT, wantT := mat.NewDense(s.d, s.c, nil), mat.NewDense(s.d, s.c, nil)
		productT(x, g, gotT)
		wantT.Mul(x.T(), g)
		if !sameBits(gotT, wantT) {
			t.Errorf("xᵀ·g, %d×%d: differs from gonum's", s.n, s.d)
		}
	}
}

func sameBits(a, b *mat.Dense) bool {
	r, c := a.Dims()
	for i := range r {
		for j := range c {
			if math.Float64bits(a.At(i, j)) != math.Float64bits(b.At(i, j)) {
				return false
			}
		}
	}
	return true
}
