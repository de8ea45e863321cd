//go:build goexperiment.simd

package eval

import (
	"simd"

	"gonum.org/v1/gonum/mat"
)

// The linear probe's two matrix products, x·W and xᵀ·G with W and G only a
// few classes wide, on the CPU's vector unit (Go's portable simd package):
// gonum's Dgemm runs them as axpys ten elements long. Each entry is summed
// in gonum's order — over the shared dimension in sequence, every product
// rounded before it is added — so the fit, and every probe figure, is the
// same to the bit (TestProductsMatchGonum). gonum skips a zero factor where
// these add its ±0 product: the same sum, since a sum that starts at +0
// never becomes −0 (the features and weights are finite).

// product writes out = x·w, w being [x's columns, c] row-major: four rows
// of x at a time, against two vectors of w's row.
func product(x *mat.Dense, w []float64, c int, out *mat.Dense) {
	xr, or := x.RawMatrix(), out.RawMatrix()
	n, d := xr.Rows, xr.Cols
	L := simd.Float64s{}.Len()
	nv := (c+L-1)/L + (c+L-1)/L%2 // whole vectors, an even number of them
	wp := make([]float64, d*nv*L) // w's rows, zero-padded
	for l := range d {
		copy(wp[l*nv*L:], w[l*c:(l+1)*c])
	}
	tail := make([]float64, 2*L)
	for i := 0; i < n; i += 4 {
		rows := min(4, n-i)
		x0 := xr.Data[i*xr.Stride : i*xr.Stride+d]
		x1, x2, x3 := x0, x0, x0 // rows past n repeat row i and are not stored
		if rows > 1 {
			x1 = xr.Data[(i+1)*xr.Stride : (i+1)*xr.Stride+d]
		}
		if rows > 2 {
			x2 = xr.Data[(i+2)*xr.Stride : (i+2)*xr.Stride+d]
		}
		if rows > 3 {
			x3 = xr.Data[(i+3)*xr.Stride : (i+3)*xr.Stride+d]
		}
		for v := 0; v < nv; v += 2 {
			var a0, a1, a2, a3, b0, b1, b2, b3 simd.Float64s
			for l := range d {
				w0 := simd.LoadFloat64s(wp[l*nv*L+v*L:])
				w1 := simd.LoadFloat64s(wp[l*nv*L+(v+1)*L:])
				s := simd.BroadcastFloat64s(x0[l])
				a0, b0 = a0.Add(s.Mul(w0)), b0.Add(s.Mul(w1))
				s = simd.BroadcastFloat64s(x1[l])
				a1, b1 = a1.Add(s.Mul(w0)), b1.Add(s.Mul(w1))
				s = simd.BroadcastFloat64s(x2[l])
				a2, b2 = a2.Add(s.Mul(w0)), b2.Add(s.Mul(w1))
				s = simd.BroadcastFloat64s(x3[l])
				a3, b3 = a3.Add(s.Mul(w0)), b3.Add(s.Mul(w1))
			}
			for r, ab := range [4][2]simd.Float64s{{a0, b0}, {a1, b1}, {a2, b2}, {a3, b3}} {
				if r < rows && v*L < c {
					ab[0].Store(tail)
					ab[1].Store(tail[L:])
					row := or.Data[(i+r)*or.Stride : (i+r)*or.Stride+c]
					copy(row[v*L:], tail)
				}
			}
		}
	}
}

// productT writes out = xᵀ·g (out [x's columns, c], g [x's rows, c]): row
// by row of x, each of g's values times the row's vectors.
func productT(x, g *mat.Dense, out *mat.Dense) {
	xr, gr, or := x.RawMatrix(), g.RawMatrix(), out.RawMatrix()
	n, d, c := xr.Rows, xr.Cols, gr.Cols
	L := simd.Float64s{}.Len()
	dp := (d + L - 1) / L * L
	acc := make([]float64, c*dp) // outᵀ, its rows zero-padded
	padded := make([]float64, dp)
	for i := range n {
		row := xr.Data[i*xr.Stride : i*xr.Stride+d]
		if d != dp { // a partial last vector: read it from a padded copy
			copy(padded, row)
			row = padded
		}
		for j, gv := range gr.Data[i*gr.Stride : i*gr.Stride+c] {
			s := simd.BroadcastFloat64s(gv)
			a := acc[j*dp : (j+1)*dp]
			for k := 0; k < dp; k += L {
				simd.LoadFloat64s(a[k:]).Add(s.Mul(simd.LoadFloat64s(row[k:]))).Store(a[k:])
			}
		}
	}
	for k := range d {
		o := or.Data[k*or.Stride : k*or.Stride+c]
		for j := range o {
			o[j] = acc[j*dp+k]
		}
	}
}
