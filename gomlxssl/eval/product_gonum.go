//go:build !goexperiment.simd

package eval

import "gonum.org/v1/gonum/mat"

// product writes out = x·w, w being [x's columns, c] row-major.
func product(x *mat.Dense, w []float64, c int, out *mat.Dense) {
	_, d := x.Dims()
	out.Mul(x, mat.NewDense(d, c, w))
}

// productT writes out = xᵀ·g.
func productT(x, g *mat.Dense, out *mat.Dense) {
	out.Mul(x.T(), g)
}
