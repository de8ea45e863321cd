// Package eval holds the talk's evaluation protocol on frozen features: a
// weighted cosine kNN monitor, a linear probe fitted without augmentation and
// without regularisation, and collapse figures. It is plain Go (gonum, and
// Go's simd package for the kNN's similarities), with no GoMLX, so the report
// and other tools can use it too.
package eval

import (
	"container/heap"
	"fmt"
	"math"
	"runtime"
	"sync"
)

// Features is a row-major [N, Dim] matrix of representations with labels.
type Features struct {
	Data   []float32
	Dim    int
	Labels []int32
}

// Len is the number of rows.
func (f Features) Len() int { return len(f.Labels) }

func (f Features) check() error {
	if f.Dim <= 0 || len(f.Data) != f.Len()*f.Dim {
		return fmt.Errorf("eval: %d values for %d rows of dim %d", len(f.Data), f.Len(), f.Dim)
	}
	return nil
}

// normalized returns a copy with every row scaled to unit L2 norm.
func (f Features) normalized() Features {
	out := Features{Data: make([]float32, len(f.Data)), Dim: f.Dim, Labels: f.Labels}
	for i := range f.Len() {
		row := f.Data[i*f.Dim : (i+1)*f.Dim]
		var ss float64
		for _, v := range row {
			ss += float64(v) * float64(v)
		}
		inv := float32(1 / math.Max(math.Sqrt(ss), 1e-12))
		for j, v := range row {
			out.Data[i*f.Dim+j] = v * inv
		}
	}
	return out
}

// KNN is the weighted cosine k-nearest-neighbour classifier of Wu et al. 2018
// (the kNN monitor of the SSL libraries): each of the K most similar training
// rows votes for its class with weight exp(similarity / T).
type KNN struct {
	K int     // neighbours (200 in the talk's protocol)
	T float64 // temperature (0.1)
}

// Accuracy returns the top-1 accuracy of classifying test by train.
func (k KNN) Accuracy(train, test Features, numClasses int) (float64, error) {
	if err := train.check(); err != nil {
		return 0, err
	}
	if err := test.check(); err != nil {
		return 0, err
	}
	if train.Dim != test.Dim {
		return 0, fmt.Errorf("eval: train dim %d != test dim %d", train.Dim, test.Dim)
	}
	if test.Len() == 0 || train.Len() == 0 {
		return 0, fmt.Errorf("eval: kNN needs train and test rows (got %d and %d)", train.Len(), test.Len())
	}
	kk := min(k.K, train.Len())
	tr, te := train.normalized(), test.normalized()
	b := newBank(tr)
	const chunk = 256 // query rows per task: a multiple of four
	correct := make([]int, (te.Len()+chunk-1)/chunk)
	var buffers sync.Pool // one chunk's similarities, reused across tasks
	inParallel(len(correct), func(c int) {
		lo, hi := c*chunk, min((c+1)*chunk, te.Len())
		rows := hi - lo
		q := te.Data[lo*te.Dim : hi*te.Dim]
		if rows%4 != 0 { // the kernel takes rows four at a time: pad with zeros
			padded := make([]float32, (rows+3)/4*4*te.Dim)
			copy(padded, q)
			q = padded
		}
		buf, _ := buffers.Get().(*[]float32) // a pointer: a slice put in the pool would allocate
		if buf == nil || len(*buf) < chunk*b.stride {
			fresh := make([]float32, chunk*b.stride)
			buf = &fresh
		}
		defer buffers.Put(buf)
		sims := *buf
		similarities(&b, q, len(q)/te.Dim, sims)
		votes := make([]float64, numClasses)
		h := make(topK, 0, kk)
		for r := range rows {
			h = h[:0]
			row := sims[r*b.stride : r*b.stride+b.n]
			for j, s := range row[:kk] {
				h = append(h, neighbour{s, j})
			}
			heap.Init(&h)
			threshold := h[0].sim
			for j, s := range row[kk:] {
				if s > threshold {
					h[0] = neighbour{s, kk + j}
					heap.Fix(&h, 0)
					threshold = h[0].sim
				}
			}
			clear(votes)
			for _, n := range h {
				votes[tr.Labels[n.index]] += math.Exp(float64(n.sim) / k.T)
			}
			if argmax(votes) == int(te.Labels[lo+r]) {
				correct[c]++
			}
		}
	})
	total := 0
	for _, c := range correct {
		total += c
	}
	return float64(total) / float64(te.Len()), nil
}

type neighbour struct {
	sim   float32
	index int
}

// topK is a min-heap on similarity holding the k best neighbours seen so far.
type topK []neighbour

func (h topK) Len() int           { return len(h) }
func (h topK) Less(i, j int) bool { return h[i].sim < h[j].sim }
func (h topK) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *topK) Push(x any)        { *h = append(*h, x.(neighbour)) }
func (h *topK) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func argmax(v []float64) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}

// inParallel calls f(0) … f(n−1), at most GOMAXPROCS at a time, and returns
// when all have.
func inParallel(n int, f func(k int)) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for k := range n {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			f(k)
		})
	}
	wg.Wait()
}
