// Package bench measures the project's throughput figures that need no
// GoMLX — the augmentation pipeline, the kNN monitor, the linear probe and
// t-SNE — and defines out/bench.json, where `go run run.go bench` gathers
// them with the training step's (a `go test -bench` of gomlxssl/train) and
// the peers' figures (PyTorch, scikit-learn) measured in the same run.
package bench

import (
	"context"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/mega-ssl/mega/gomlxssl/augment"
	"github.com/mega-ssl/mega/gomlxssl/data"
	"github.com/mega-ssl/mega/gomlxssl/eval"
	"github.com/mega-ssl/mega/gomlxssl/tsne"
)

// Report is out/bench.json.
type Report struct {
	Date    time.Time `json:"date"`
	Machine Machine   `json:"machine"`
	Results []Result  `json:"results"`
	// Notes are caveats of this run (a peer that was not available…).
	Notes []string `json:"notes,omitempty"`
}

// Machine says where the figures were measured.
type Machine struct {
	CPU     string `json:"cpu"`
	Cores   int    `json:"cores"`
	Go      string `json:"go"`
	SIMD    bool   `json:"simd"`
	Commit  string `json:"commit"`
	Backend string `json:"backend"`
}

// Result is one measured figure, with its peer's where one exists.
type Result struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
	// HigherIsBetter says how to read Value and Ratio (images/s: yes; s: no).
	HigherIsBetter bool `json:"higher_is_better"`
	// Peer names the reference measured in the same run, if any.
	Peer      string  `json:"peer,omitempty"`
	PeerValue float64 `json:"peer_value,omitempty"`
	// Ratio is ours/peer for throughputs, peer/ours for times: > 1 means faster.
	Ratio float64 `json:"ratio,omitempty"`
	// Detail holds anything else worth keeping (a quality check, sizes).
	Detail string `json:"detail,omitempty"`
	// Command reproduces Value.
	Command string `json:"command"`
}

// Format writes v with four significant digits and thousands separators
// ("53,350", "562.9", "0.02678").
func Format(v float64) string {
	if math.Abs(v) < 10000 {
		return strconv.FormatFloat(v, 'g', 4, 64)
	}
	digits := strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// SetPeer records a peer's figure and the speed ratio.
func (r *Result) SetPeer(name string, value float64) {
	r.Peer, r.PeerValue = name, value
	switch {
	case value <= 0 || r.Value <= 0:
		r.Ratio = 0
	case r.HigherIsBetter:
		r.Ratio = r.Value / value
	default:
		r.Ratio = value / r.Value
	}
}

// Augmentation returns the pipeline's throughput in augmented views per
// second (two SimCLR views per image, all cores), over batches of 128.
func Augmentation(images int) float64 {
	d := data.Shapes(data.ShapesConfig{Train: images, Test: 1, Seed: 1}).Train
	p := augment.NewPipeline(d, augment.SimCLR(), 128, 1, true)
	views := 0
	start := time.Now()
	for b := range p.Epoch(context.Background(), 0, 0) {
		views += 2 * len(b.Labels)
	}
	return float64(views) / time.Since(start).Seconds()
}

// Clusters returns labelled points of dimension dim in classes Gaussian
// clusters (centres drawn from N(0, 1) per coordinate, points spread around
// them), deterministically from seed, split into sets of the given sizes
// that share the centres (a training and a test set). With spread 3 in 128
// dimensions, a point's noise is twice the distance between centres, so
// neighbours of another class are common, as in real embeddings, unlike
// well-separated toy blobs.
func Clusters(dim, classes int, spread float64, seed uint64, sizes ...int) []eval.Features {
	rng := rand.New(rand.NewPCG(seed, 7))
	centres := make([]float64, classes*dim)
	for i := range centres {
		centres[i] = rng.NormFloat64()
	}
	var out []eval.Features
	for _, n := range sizes {
		f := eval.Features{Dim: dim, Data: make([]float32, 0, n*dim), Labels: make([]int32, 0, n)}
		for i := range n {
			c := i % classes
			f.Labels = append(f.Labels, int32(c))
			for j := range dim {
				f.Data = append(f.Data, float32(centres[c*dim+j]+spread*rng.NormFloat64()))
			}
		}
		out = append(out, f)
	}
	return out
}

// KNN times the kNN monitor (k = 200, τ = 0.1) of test against train and
// returns the seconds and the accuracy.
func KNN(train, test eval.Features, classes int) (float64, float64, error) {
	start := time.Now()
	acc, err := eval.KNN{K: 200, T: 0.1}.Accuracy(train, test, classes)
	return time.Since(start).Seconds(), acc, err
}

// Linear times the linear probe (L-BFGS, 300 iterations at most).
func Linear(train, test eval.Features, classes int) (float64, float64, error) {
	start := time.Now()
	r, err := eval.Linear{MaxIterations: 300}.Fit(train, test, classes)
	return time.Since(start).Seconds(), r.Top1, err
}

// TSNE times the Barnes-Hut t-SNE of f (perplexity 30, 1,000 iterations,
// seed 1) and returns the seconds, the layout and its 1-NN label agreement.
func TSNE(f eval.Features) (float64, []float64, float64, error) {
	x := make([]float64, len(f.Data))
	for i, v := range f.Data {
		x[i] = float64(v)
	}
	start := time.Now()
	y, err := tsne.Embed(x, f.Len(), f.Dim, tsne.Config{Perplexity: 30, Iterations: 1000, Seed: 1})
	if err != nil {
		return 0, nil, 0, err
	}
	secs := time.Since(start).Seconds()
	return secs, y, OneNNAgreement(y, f.Labels), nil
}

// OneNNAgreement is the fraction of points whose nearest other point in the
// 2-D layout y ([n][2], row-major) has the same label: how well a layout
// keeps classes together. It uses a uniform grid, so 10,000 points take
// milliseconds.
func OneNNAgreement(y []float64, labels []int32) float64 {
	n := len(labels)
	if n < 2 {
		return 0
	}
	minX, maxX, minY, maxY := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for i := range n {
		minX, maxX = math.Min(minX, y[2*i]), math.Max(maxX, y[2*i])
		minY, maxY = math.Min(minY, y[2*i+1]), math.Max(maxY, y[2*i+1])
	}
	side := int(math.Max(1, math.Sqrt(float64(n)/2)))
	cw := math.Max((maxX-minX)/float64(side), 1e-12)
	ch := math.Max((maxY-minY)/float64(side), 1e-12)
	cell := func(v, lo, w float64) int { return min(side-1, max(0, int((v-lo)/w))) }
	grid := make([][]int, side*side)
	for i := range n {
		c := cell(y[2*i+1], minY, ch)*side + cell(y[2*i], minX, cw)
		grid[c] = append(grid[c], i)
	}
	agree := 0
	for i := range n {
		cx, cy := cell(y[2*i], minX, cw), cell(y[2*i+1], minY, ch)
		best, bj := math.Inf(1), -1
		// Search rings of cells until the ring is farther than the best.
		for r := 0; r < side; r++ {
			if bj >= 0 && float64(r-1)*math.Min(cw, ch) > math.Sqrt(best) {
				break
			}
			for gy := cy - r; gy <= cy+r; gy++ {
				for gx := cx - r; gx <= cx+r; gx++ {
					if gy < 0 || gx < 0 || gy >= side || gx >= side || (max(abs(gy-cy), abs(gx-cx)) != r) {
						continue
					}
					for _, j := range grid[gy*side+gx] {
						if j == i {
							continue
						}
						dx, dy := y[2*i]-y[2*j], y[2*i+1]-y[2*j+1]
						if d := dx*dx + dy*dy; d < best {
							best, bj = d, j
						}
					}
				}
			}
		}
		if bj >= 0 && labels[bj] == labels[i] {
			agree++
		}
	}
	return float64(agree) / float64(n)
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
