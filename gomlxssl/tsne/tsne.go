// Package tsne embeds high-dimensional representations in the plane with
// t-SNE (van der Maaten & Hinton 2008), using the Barnes-Hut approximation
// of van der Maaten (2014): input similarities over the 3·perplexity nearest
// neighbours only (affinities.go, found with gonum's BLAS), and the repulsive forces summed
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
	"sync"
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
