package train

import (
	"fmt"
	"sync"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mega-ssl/mega/gomlxssl/data"
	"github.com/mega-ssl/mega/gomlxssl/eval"
)

// EmbedFn builds the frozen encoder's outputs for a batch of standardised
// images: the representation h that the probes read, and the projection z on
// which collapse is measured (z may be h itself).
type EmbedFn func(scope *model.Scope, x *Node) (h, z *Node)

// Extract runs embed (in inference mode: batch norm uses its running averages)
// over ds in batches and returns the representations and projections.
//
// A new graph is compiled on every call, on purpose: the Go backend embeds the
// variables of inference graphs as constants, so a graph compiled earlier would
// keep answering with the weights it saw then.
func Extract(backend compute.Backend, store *model.Store, embed EmbedFn, ds *data.Dataset, batchSize int) (h, z eval.Features, err error) {
	return extract(backend, store, embed, ds, batchSize, extractLanes)
}

// extract is Extract with lanes batches at a time.
func extract(backend compute.Backend, store *model.Store, embed EmbedFn, ds *data.Dataset, batchSize, lanes int) (h, z eval.Features, err error) {
	exec, err := model.NewExec(backend, store, func(scope *model.Scope, x *Node) (*Node, *Node) {
		scope.SetTraining(x.Graph(), false)
		hh, zz := embed(scope, Standardize([]*Node{x})[0])
		return hh, zz
	})
	if err != nil {
		return h, z, err
	}
	defer exec.Finalize()
	n := ds.Len()
	h.Labels, z.Labels = ds.Labels, ds.Labels
	if n == 0 {
		return h, z, nil
	}
	// Batch b's outputs, copied to its rows; the first batch also sizes the
	// outputs (and compiles the graph) before the others start.
	embedRows := func(b int) error {
		first := b * batchSize // the first row batch b writes
		start := first
		if b > 0 && first+batchSize > n {
			start = n - batchSize // keep one compiled shape: redo a few rows (written once)
		}
		end := min(start+batchSize, n)
		x := tensors.FromFlatDataAndDimensions(ds.Float32(start, end), end-start, ds.Height, ds.Width, ds.Channels)
		out, err := exec.Call(x)
		if err != nil {
			return fmt.Errorf("extracting features: %w", err)
		}
		hd, zd := tensors.MustCopyFlatData[float32](out[0]), tensors.MustCopyFlatData[float32](out[1])
		if h.Dim == 0 {
			h.Dim, z.Dim = len(hd)/(end-start), len(zd)/(end-start)
			h.Data, z.Data = make([]float32, n*h.Dim), make([]float32, n*z.Dim)
		}
		copy(h.Data[first*h.Dim:end*h.Dim], hd[(first-start)*h.Dim:])
		copy(z.Data[first*z.Dim:end*z.Dim], zd[(first-start)*z.Dim:])
		return nil
	}
	if err := embedRows(0); err != nil {
		return h, z, err
	}
	return h, z, concurrently(1, (n+batchSize-1)/batchSize, lanes, embedRows)
}

// extractLanes is how many batches Extract runs at once. The Go backend
// runs one execution's nodes mostly one at a time (its gathers, pads and
// copies take one core; only the matrix products spread), so two executions
// keep two cores busy: BenchmarkExtract (4,000 Fashion-MNIST-sized images,
// batch 250), three alternated rounds, 7,027 / 5,861 / 6,222 → 8,806 /
// 9,710 / 10,008 images/s; three lanes did no better. Every image's
// features are the same to the bit as one batch at a time
// (TestExtractLanesAgree).
const extractLanes = 2

// concurrently calls do on every i in [from, to), lanes at a time, and
// returns the first error (the items not yet started are then skipped).
func concurrently(from, to, lanes int, do func(int) error) error {
	next := make(chan int)
	errs := make(chan error, lanes)
	var wg sync.WaitGroup
	for range lanes {
		wg.Go(func() {
			for item := range next {
				if err := do(item); err != nil {
					errs <- err
					for range next { // drain: the feeder stops at the error
					}
					return
				}
			}
		})
	}
	var err error
feed:
	for item := from; item < to; item++ {
		select {
		case next <- item:
		case err = <-errs:
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err == nil {
		select {
		case err = <-errs:
		default:
		}
	}
	return err
}

// Mean runs score (in inference mode) over every image of ds, in batches of
// batchSize, and returns the mean of the per-image values it returns ([B] for a batch of B standardised
// images): a pretext task's accuracy on held-out images, say.
func Mean(backend compute.Backend, store *model.Store, score func(scope *model.Scope, x *Node) *Node, ds *data.Dataset, batchSize int) (float64, error) {
	exec, err := model.NewExec(backend, store, func(scope *model.Scope, x *Node) *Node {
		scope.SetTraining(x.Graph(), false)
		return ConvertDType(score(scope, Standardize([]*Node{x})[0]), dtypes.Float64)
	})
	if err != nil {
		return 0, err
	}
	defer exec.Finalize()
	n := ds.Len()
	if n == 0 {
		return 0, fmt.Errorf("scoring: no images")
	}
	var sum float64
	for start := 0; start < n; start += batchSize {
		end := min(start+batchSize, n) // a last, smaller batch is scored too (one more compilation)
		x := tensors.FromFlatDataAndDimensions(ds.Float32(start, end), end-start, ds.Height, ds.Width, ds.Channels)
		out, err := exec.Call(x)
		if err != nil {
			return 0, fmt.Errorf("scoring: %w", err)
		}
		for _, v := range tensors.MustCopyFlatData[float64](out[0]) {
			sum += v
		}
	}
	return sum / float64(n), nil
}
