package tsne

// The input similarities: each point's k = 3·perplexity nearest neighbours
// (neighbours, with gonum's BLAS), the conditional p_j|i whose entropy
// matches the perplexity (conditional, a binary search for σ_i), and their
// symmetric joint P in sparse form (affinities).

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// sparseP is the symmetric joint probability matrix in CSR form.
type sparseP struct {
	rowStart []int
	col      []int
	val      []float64
}

// affinities computes p_ij = (p_j|i + p_i|j) / 2n over each point's
// k = 3·perplexity nearest neighbours.
func affinities(x []float64, n, d int, cfg Config) sparseP {
	k := min(n-1, int(3*cfg.Perplexity))
	nbr, dist := neighbours(x, n, d, k, cfg.Workers)
	cond := make([]float64, n*k)
	parallel(n, cfg.Workers, func(i int) {
		conditional(dist[i*k:(i+1)*k], cond[i*k:(i+1)*k], cfg.Perplexity)
	})
	// Symmetrise.
	type entry struct {
		j int
		v float64
	}
	rows := make([]map[int]float64, n)
	for i := range rows {
		rows[i] = make(map[int]float64, k)
	}
	for i := range n {
		for m := range k {
			j, v := nbr[i*k+m], cond[i*k+m]
			rows[i][j] += v
			rows[j][i] += v
		}
	}
	var sp sparseP
	sp.rowStart = make([]int, n+1)
	for i := range n {
		es := make([]entry, 0, len(rows[i]))
		for j, v := range rows[i] {
			es = append(es, entry{j, v})
		}
		sort.Slice(es, func(a, b int) bool { return es[a].j < es[b].j })
		for _, e := range es {
			sp.col = append(sp.col, e.j)
			sp.val = append(sp.val, e.v/(2*float64(n)))
		}
		sp.rowStart[i+1] = len(sp.col)
	}
	return sp
}

// conditional fills p with p_j|i ∝ exp(−β d_ij²) over the neighbour squared
// distances d, with β found by bisection so that the perplexity 2^H matches.
func conditional(d, p []float64, perplexity float64) {
	target := math.Log(perplexity)
	// Distances relative to the nearest keep exp() in range; starting β at
	// the inverse of their mean saves most of the bisection's steps.
	d0, mean := d[0], 0.0
	for _, dj := range d {
		mean += dj - d0
	}
	mean /= float64(len(d))
	beta, lo, hi := 1.0, 0.0, math.Inf(1)
	if mean > 0 {
		beta = 1 / mean
	}
	for range 200 {
		sum, sumDP := 0.0, 0.0
		for j, dj := range d {
			p[j] = math.Exp(-beta * (dj - d0))
			sum += p[j]
			sumDP += (dj - d0) * p[j]
		}
		h := math.Log(sum) + beta*sumDP/sum // entropy in nats
		for j := range p {
			p[j] /= sum
		}
		if math.Abs(h-target) < 1e-5 {
			return
		}
		if h > target {
			lo = beta
			if math.IsInf(hi, 1) {
				beta *= 2
			} else {
				beta = (beta + hi) / 2
			}
		} else {
			hi = beta
			beta = (beta + lo) / 2
		}
	}
}

// neighbours returns, for each point, the indices and squared Euclidean
// distances of its k nearest other points, nearest first. It computes
// distances block by block as ‖a‖² + ‖b‖² − 2a·b with gonum's BLAS; in 128
// dimensions a vantage-point or k-d tree prunes too little to beat that.
func neighbours(x []float64, n, d, k, workers int) ([]int, []float64) {
	norms := make([]float64, n)
	for i := range n {
		for _, v := range x[i*d : (i+1)*d] {
			norms[i] += v * v
		}
	}
	nbr := make([]int, n*k)
	dist := make([]float64, n*k)
	const block = 256
	all := blas64.General{Rows: n, Cols: d, Stride: d, Data: x}
	nBlocks := (n + block - 1) / block
	parallel(nBlocks, workers, func(b int) {
		lo, hi := b*block, min((b+1)*block, n)
		rows := blas64.General{Rows: hi - lo, Cols: d, Stride: d, Data: x[lo*d : hi*d]}
		dots := blas64.General{Rows: hi - lo, Cols: n, Stride: n, Data: make([]float64, (hi-lo)*n)}
		blas64.Gemm(blas.NoTrans, blas.Trans, 1, rows, all, 0, dots)
		h := make(nearest, 0, k)
		for r := range hi - lo {
			i := lo + r
			h = h[:0]
			for j := range n {
				if j == i {
					continue
				}
				d := math.Max(norms[i]+norms[j]-2*dots.Data[r*n+j], 0)
				h.offer(candidate{d, j}, k)
			}
			sort.Slice(h, func(a, b int) bool { return h[a].less(h[b]) })
			for m, c := range h {
				nbr[i*k+m] = c.j
				dist[i*k+m] = c.d
			}
		}
	})
	return nbr, dist
}

// candidate is a neighbour under consideration.
type candidate struct {
	d float64
	j int
}

// less orders by distance, then index (so ties are broken the same way
// every run).
func (c candidate) less(o candidate) bool { return c.d < o.d || c.d == o.d && c.j < o.j }

// nearest is a max-heap of the k nearest candidates seen so far: selecting
// k of n costs O(n log k), where sorting all n distances cost a fifth of
// the whole t-SNE of 10,000 points.
type nearest []candidate

func (h *nearest) offer(c candidate, k int) {
	s := *h
	if len(s) < k {
		s = append(s, c)
		for i := len(s) - 1; i > 0; { // sift up
			p := (i - 1) / 2
			if !s[p].less(s[i]) {
				break
			}
			s[p], s[i] = s[i], s[p]
			i = p
		}
		*h = s
		return
	}
	if !c.less(s[0]) {
		return
	}
	s[0] = c
	for i := 0; ; { // sift down
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(s) && s[m].less(s[l]) {
			m = l
		}
		if r < len(s) && s[m].less(s[r]) {
			m = r
		}
		if m == i {
			break
		}
		s[m], s[i] = s[i], s[m]
		i = m
	}
}
