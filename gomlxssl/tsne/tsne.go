// Package tsne embeds high-dimensional representations in the plane with
// t-SNE (van der Maaten & Hinton 2008), using the Barnes-Hut approximation
// of van der Maaten (2014): input similarities over the 3·perplexity nearest
// neighbours only (found with gonum's BLAS), and the repulsive forces summed
// over a quadtree (quadtree.go), so that 10,000 points take seconds, not hours.
//
// gonum has no t-SNE, and no maintained Go package does; the optimiser here
// follows the paper and scikit-learn's defaults (early exaggeration 12 for 250
// iterations, momentum 0.5 then 0.8, per-parameter gains, learning rate
// max(n/12/4, 50)). It is pure Go: the report computes t-SNE without GoMLX.
// Runs are reproducible: the same input, configuration and seed give the
// same layout, whatever the number of workers.
package tsne

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// Config holds t-SNE's settings; zero fields take the defaults.
type Config struct {
	Perplexity   float64 // 30
	Iterations   int     // 1000
	Theta        float64 // Barnes-Hut accuracy, 0.5; 0 computes exact repulsion
	LearningRate float64 // 0: max(n/Exaggeration/4, 50)
	Exaggeration float64 // 12
	// ExaggerationIters is how long early exaggeration lasts (250).
	ExaggerationIters int
	Seed              uint64
	Workers           int // 0: GOMAXPROCS
}

func (c Config) withDefaults(n int) Config {
	if c.Perplexity == 0 {
		c.Perplexity = 30
	}
	if c.Iterations == 0 {
		c.Iterations = 1000
	}
	if c.Theta == 0 {
		c.Theta = 0.5
	} else if c.Theta < 0 {
		c.Theta = 0
	}
	if c.Exaggeration == 0 {
		c.Exaggeration = 12
	}
	if c.ExaggerationIters == 0 {
		c.ExaggerationIters = 250
	}
	if c.LearningRate == 0 {
		c.LearningRate = math.Max(float64(n)/c.Exaggeration/4, 50)
	}
	if c.Workers <= 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	return c
}

// Exact is the Theta that asks for exact repulsive forces (for tests and
// small inputs).
const Exact = -1

// Embed returns the 2-D layout ([n][2], row-major) of the n points of
// dimension d in x (row-major).
func Embed(x []float64, n, d int, cfg Config) ([]float64, error) {
	if n < 4 || len(x) != n*d {
		return nil, fmt.Errorf("tsne: need at least 4 points and len(x) = n·d (got n=%d, d=%d, len=%d)", n, d, len(x))
	}
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, errors.New("tsne: input holds NaN or Inf")
		}
	}
	cfg = cfg.withDefaults(n)
	if cfg.Perplexity*3 >= float64(n) {
		cfg.Perplexity = float64(n-1) / 3
	}
	p := affinities(x, n, d, cfg)
	return optimise(p, n, cfg), nil
}

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

// optimise runs gradient descent on KL(P‖Q) and returns the layout.
func optimise(p sparseP, n int, cfg Config) []float64 {
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x75e))
	y := make([]float64, 2*n)
	for i := range y {
		y[i] = 1e-4 * rng.NormFloat64()
	}
	update := make([]float64, 2*n)
	gains := make([]float64, 2*n)
	for i := range gains {
		gains[i] = 1
	}
	grad := make([]float64, 2*n)
	g := newGradient(n, cfg)
	for it := range cfg.Iterations {
		exag, momentum := 1.0, 0.8
		if it < cfg.ExaggerationIters {
			exag, momentum = cfg.Exaggeration, 0.5
		}
		g.compute(p, y, exag, grad)
		for i := range y {
			if (grad[i] > 0) != (update[i] > 0) {
				gains[i] += 0.2
			} else {
				gains[i] *= 0.8
			}
			gains[i] = math.Max(gains[i], 0.01)
			update[i] = momentum*update[i] - cfg.LearningRate*gains[i]*grad[i]
			y[i] += update[i]
		}
		// Keep the layout centred.
		var mx, my float64
		for i := range n {
			mx += y[2*i]
			my += y[2*i+1]
		}
		mx, my = mx/float64(n), my/float64(n)
		for i := range n {
			y[2*i] -= mx
			y[2*i+1] -= my
		}
	}
	return y
}

// gradient computes ∂KL/∂y: attraction over the sparse P, repulsion from the
// quadtree.
type gradient struct {
	cfg    Config
	rep    []float64 // per point: Σ_j qz_ij² (y_i − y_j), unnormalised
	zParts []float64 // per point: Σ_j qz_ij
}

func newGradient(n int, cfg Config) *gradient {
	return &gradient{cfg: cfg, rep: make([]float64, 2*n), zParts: make([]float64, n)}
}

// compute writes into grad the gradient 4·[exag·Σ_j p_ij qz_ij (y_i−y_j) −
// Σ_j qz_ij² (y_i−y_j) / Z], with qz_ij = 1/(1+‖y_i−y_j‖²) and Z = Σ_{k≠l} qz_kl.
func (g *gradient) compute(p sparseP, y []float64, exag float64, grad []float64) {
	n := len(g.zParts)
	if g.cfg.Theta > 0 {
		tree := newQuadtree(y, n)
		parallelChunks(n, g.cfg.Workers, func(lo, hi int) {
			var stack []int32
			for i := lo; i < hi; i++ {
				g.rep[2*i], g.rep[2*i+1], g.zParts[i], stack = tree.repulsion(i, g.cfg.Theta, stack)
			}
		})
	} else {
		parallel(n, g.cfg.Workers, func(i int) {
			var fx, fy, z float64
			for j := range n {
				if j == i {
					continue
				}
				dx, dy := y[2*i]-y[2*j], y[2*i+1]-y[2*j+1]
				q := 1 / (1 + dx*dx + dy*dy)
				z += q
				fx += q * q * dx
				fy += q * q * dy
			}
			g.rep[2*i], g.rep[2*i+1], g.zParts[i] = fx, fy, z
		})
	}
	z := 0.0
	for _, v := range g.zParts {
		z += v
	}
	parallel(n, g.cfg.Workers, func(i int) {
		var ax, ay float64
		for e := p.rowStart[i]; e < p.rowStart[i+1]; e++ {
			j := p.col[e]
			dx, dy := y[2*i]-y[2*j], y[2*i+1]-y[2*j+1]
			w := p.val[e] / (1 + dx*dx + dy*dy)
			ax += w * dx
			ay += w * dy
		}
		grad[2*i] = 4 * (exag*ax - g.rep[2*i]/z)
		grad[2*i+1] = 4 * (exag*ay - g.rep[2*i+1]/z)
	})
}

// parallel runs f(0…n−1) on workers goroutines, in contiguous chunks.
func parallel(n, workers int, f func(i int)) {
	parallelChunks(n, workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			f(i)
		}
	})
}

// parallelChunks runs f on contiguous chunks of 0…n−1, one per worker.
func parallelChunks(n, workers int, f func(lo, hi int)) {
	if workers <= 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
	for w := range workers {
		lo, hi := w*chunk, min((w+1)*chunk, n)
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(lo, hi)
		}()
	}
	wg.Wait()
}
