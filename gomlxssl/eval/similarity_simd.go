//go:build goexperiment.simd

package eval

import "simd"

// The kNN's cosine similarities on the CPU's vector unit (Go's portable simd
// package, GOEXPERIMENT=simd): a small outer-product kernel, written here
// because gonum's float32 Gemm — the maintained library — reaches about a
// fifth of its speed (13 against 69 GFLOP/s on one AVX-512 core; docs/performance.md).

// bank is the training rows laid out for the kernel: panels of w columns
// (four vectors), panel p holding rows p·w … p·w+w−1 as [dim][w], zero past
// the last row.
type bank struct {
	panels []float32
	n, dim int
	w      int
	stride int // out's row length: n rounded up to whole panels
}

func newBank(tr Features) bank {
	w := 4 * simd.Float32s{}.Len()
	n := tr.Len()
	b := bank{n: n, dim: tr.Dim, w: w, stride: (n + w - 1) / w * w}
	b.panels = make([]float32, b.stride*tr.Dim)
	for j := range n {
		base, c := j/w*tr.Dim*w, j%w
		for d, v := range tr.Data[j*tr.Dim : (j+1)*tr.Dim] {
			b.panels[base+d*w+c] = v
		}
	}
	return b
}

// similarities writes out[r·stride + j] = q[r]·bank[j] for the rows of q, a multiple
// of four rows of dim values (KNN.Accuracy pads a chunk to one). A function,
// not a method of bank: as a method, go1.27.3's compiler stopped on it with an
// internal error ("missing Types entry: …@simd0").
func similarities(b *bank, q []float32, rows int, out []float32) {
	dim, w := b.dim, b.w
	L := w / 4
	for p := 0; p*w < b.stride; p++ {
		panel := b.panels[p*dim*w : (p+1)*dim*w]
		for r := 0; r+4 <= rows; r += 4 {
			q0, q1, q2, q3 := q[r*dim:(r+1)*dim], q[(r+1)*dim:(r+2)*dim], q[(r+2)*dim:(r+3)*dim], q[(r+3)*dim:(r+4)*dim]
			// 16 accumulators: four query rows × the panel's four vectors.
			var c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33 simd.Float32s
			for d := range dim {
				col := panel[d*w : d*w+w]
				b0, b1 := simd.LoadFloat32s(col), simd.LoadFloat32s(col[L:])
				b2, b3 := simd.LoadFloat32s(col[2*L:]), simd.LoadFloat32s(col[3*L:])
				a := simd.BroadcastFloat32s(q0[d])
				c00, c01, c02, c03 = a.MulAdd(b0, c00), a.MulAdd(b1, c01), a.MulAdd(b2, c02), a.MulAdd(b3, c03)
				a = simd.BroadcastFloat32s(q1[d])
				c10, c11, c12, c13 = a.MulAdd(b0, c10), a.MulAdd(b1, c11), a.MulAdd(b2, c12), a.MulAdd(b3, c13)
				a = simd.BroadcastFloat32s(q2[d])
				c20, c21, c22, c23 = a.MulAdd(b0, c20), a.MulAdd(b1, c21), a.MulAdd(b2, c22), a.MulAdd(b3, c23)
				a = simd.BroadcastFloat32s(q3[d])
				c30, c31, c32, c33 = a.MulAdd(b0, c30), a.MulAdd(b1, c31), a.MulAdd(b2, c32), a.MulAdd(b3, c33)
			}
			j := p * w
			store4(out[r*b.stride+j:], L, c00, c01, c02, c03)
			store4(out[(r+1)*b.stride+j:], L, c10, c11, c12, c13)
			store4(out[(r+2)*b.stride+j:], L, c20, c21, c22, c23)
			store4(out[(r+3)*b.stride+j:], L, c30, c31, c32, c33)
		}
	}
}

func store4(o []float32, L int, a, b, c, d simd.Float32s) {
	a.Store(o)
	b.Store(o[L:])
	c.Store(o[2*L:])
	d.Store(o[3*L:])
}
