//go:build !goexperiment.simd

package eval

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// bank is the training rows as they are; without GOEXPERIMENT=simd the kNN's
// similarities are gonum's float32 Gemm (about a fifth of the vector kernel's
// speed).
type bank struct {
	data   []float32
	n, dim int
	stride int
}

func newBank(tr Features) bank {
	return bank{data: tr.Data, n: tr.Len(), dim: tr.Dim, stride: tr.Len()}
}

// similarities writes out[r·stride + j] = q[r]·bank[j] for the rows of q.
func similarities(b *bank, q []float32, rows int, out []float32) {
	blas32.Gemm(blas.NoTrans, blas.Trans, 1,
		blas32.General{Rows: rows, Cols: b.dim, Stride: b.dim, Data: q},
		blas32.General{Rows: b.n, Cols: b.dim, Stride: b.dim, Data: b.data},
		0, blas32.General{Rows: rows, Cols: b.stride, Stride: b.stride, Data: out})
}
