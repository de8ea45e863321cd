package augment

import (
	"context"
	"math/rand/v2"
	"runtime"

	"github.com/mega-ssl/mega/gomlxssl/data"
)

// Batch is one training batch of two augmented views, float32 NHWC in [0, 1].
type Batch struct {
	// Epoch and Step (within the epoch) locate the batch.
	Epoch, Step int
	// Height, Width and Channels of every view (the dataset's: 1 or 3).
	Height, Width, Channels int
	// V1 and V2 are the two views, B*H*W*C each; V2 is nil for single-view pipelines.
	V1, V2 []float32
	// Local holds the multi-crop views (Policy.Local), B*LocalSize*LocalSize*C
	// each, for two-view pipelines whose policy asks for them.
	Local     [][]float32
	LocalSize int
	// Labels of the B images (used by supervised baselines, and by methods
	// that declare they pre-train with labels).
	Labels []int32
	// Indices are the B images' positions in the dataset (a memory bank
	// keeps one entry per image).
	Indices []int32
}

// Pipeline makes batches of augmented views of a dataset. Each batch depends
// only on (seed, epoch, step), never on goroutine scheduling, so a run is
// reproducible and a resumed run sees the batches it would have seen.
type Pipeline struct {
	data      *data.Dataset
	cfg       Policy
	batchSize int
	seed      uint64
	twoViews  bool
	// Workers is the number of augmenting goroutines (default GOMAXPROCS);
	// Prefetch the number of batches made ahead of the consumer (default 4).
	Workers, Prefetch int
}

// NewPipeline returns a pipeline over ds in batches of batchSize images; the
// last partial batch of an epoch is dropped. With twoViews false each batch
// holds a single view in V1.
func NewPipeline(ds *data.Dataset, cfg Policy, batchSize int, seed uint64, twoViews bool) *Pipeline {
	return &Pipeline{data: ds, cfg: cfg, batchSize: batchSize, seed: seed, twoViews: twoViews,
		Workers: runtime.GOMAXPROCS(0), Prefetch: 4}
}

// StepsPerEpoch is the number of full batches in one pass over the data.
func (p *Pipeline) StepsPerEpoch() int { return p.data.Len() / p.batchSize }

// Epoch streams the batches of one epoch in order, starting at step from, made
// by parallel workers up to Prefetch batches ahead. The channel closes at the
// end of the epoch or when ctx is cancelled.
func (p *Pipeline) Epoch(ctx context.Context, epoch, from int) <-chan Batch {
	out := make(chan Batch)
	steps := p.StepsPerEpoch()
	perm := rand.New(rand.NewPCG(p.seed, uint64(epoch))).Perm(p.data.Len())
	futures := make(chan chan Batch, max(1, p.Prefetch))
	type job struct {
		step   int
		result chan Batch
	}
	jobs := make(chan job, max(1, p.Prefetch))
	// The dispatcher hands steps to workers and queues their futures in order;
	// the futures channel's capacity bounds how far ahead the workers run.
	go func() {
		defer close(futures)
		defer close(jobs)
		for step := from; step < steps; step++ {
			f := make(chan Batch, 1)
			select {
			case futures <- f:
				jobs <- job{step, f}
			case <-ctx.Done():
				return
			}
		}
	}()
	for range max(1, p.Workers) {
		go func() {
			for j := range jobs {
				j.result <- p.Make(epoch, j.step, perm[j.step*p.batchSize:(j.step+1)*p.batchSize])
			}
		}()
	}
	go func() {
		defer close(out)
		for f := range futures {
			select {
			case b := <-f:
				select {
				case out <- b:
				case <-ctx.Done():
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// Make augments the images at indices into one batch, seeded by (seed, epoch, step).
func (p *Pipeline) Make(epoch, step int, indices []int) Batch {
	d := p.data
	n := d.ImageSize()
	rng := rand.New(rand.NewPCG(p.seed^0x9e3779b97f4a7c15, uint64(epoch)<<32|uint64(step)))
	b := Batch{Epoch: epoch, Step: step, Height: d.Height, Width: d.Width, Channels: d.Channels,
		V1: make([]float32, len(indices)*n), Labels: make([]int32, len(indices)), Indices: make([]int32, len(indices))}
	if p.twoViews {
		b.V2 = make([]float32, len(indices)*n)
	}
	locals := 0
	if p.twoViews {
		locals = p.cfg.Local.N
	}
	size := p.cfg.Local.SizeFor(d.Height)
	m := size * size * d.Channels
	for range locals {
		b.Local, b.LocalSize = append(b.Local, make([]float32, len(indices)*m)), size
	}
	local := p.cfg.local()
	for k, i := range indices {
		b.Labels[k], b.Indices[k] = d.Labels[i], int32(i)
		src := d.Image(i)
		p.cfg.Apply(rng, src, d.Height, d.Width, d.Channels, b.V1[k*n:(k+1)*n])
		if p.twoViews {
			p.cfg.Apply(rng, src, d.Height, d.Width, d.Channels, b.V2[k*n:(k+1)*n])
		}
		for _, view := range b.Local {
			local.ApplySized(rng, src, d.Height, d.Width, d.Channels, view[k*m:(k+1)*m], size, size)
		}
	}
	return b
}
