package eval

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// Linear is the linear evaluation protocol: a multinomial logistic regression
// (softmax) fitted on frozen features with no augmentation and no
// regularisation — no weight decay, no dropout — by full-batch L-BFGS.
// Features are standardised with the training set's mean and standard
// deviation first (an affine change of input that a linear head could absorb;
// it only conditions the optimisation).
type Linear struct {
	// MaxIterations bounds L-BFGS (default 300): without regularisation the
	// loss on separable data has no minimum, so the fit stops here or when the
	// gradient is flat.
	MaxIterations int
}

// LinearResult holds the probe's test accuracies.
type LinearResult struct {
	Top1, Top5 float64
	// TrainLoss is the final cross-entropy on the training features.
	TrainLoss float64
}

// Fit trains the probe on train and scores it on test.
func (l Linear) Fit(train, test Features, numClasses int) (LinearResult, error) {
	if err := train.check(); err != nil {
		return LinearResult{}, err
	}
	if err := test.check(); err != nil {
		return LinearResult{}, err
	}
	if train.Dim != test.Dim || train.Len() == 0 || test.Len() == 0 {
		return LinearResult{}, fmt.Errorf("eval: linear probe needs non-empty train/test of one dim (got %dx%d and %dx%d)",
			train.Len(), train.Dim, test.Len(), test.Dim)
	}
	iters := l.MaxIterations
	if iters <= 0 {
		iters = 300
	}
	d, c := train.Dim, numClasses
	mean, std := columnStats(train)
	x := standardise(train, mean, std)
	n := train.Len()
	logits := mat.NewDense(n, c, nil)
	grad := mat.NewDense(d+1, c, nil)
	// L-BFGS asks for the loss and the gradient at the same point: both are
	// computed in one pass and kept for the second call (half the work).
	var lastP []float64
	var lastF float64
	at := func(p []float64) {
		if lastP == nil || !slices.Equal(p, lastP) {
			lastF = softmaxLoss(x, train.Labels, p, d, c, logits, grad)
			lastP = append(lastP[:0], p...)
		}
	}
	// Parameters: W [d, c] then b [c], row-major.
	problem := optimize.Problem{
		Func: func(p []float64) float64 {
			at(p)
			return lastF
		},
		Grad: func(g, p []float64) {
			at(p)
			copy(g, grad.RawMatrix().Data)
		},
	}
	p0 := make([]float64, (d+1)*c)
	res, err := optimize.Minimize(problem, p0, &optimize.Settings{MajorIterations: iters,
		GradientThreshold: 1e-6, Converger: &optimize.FunctionConverge{Absolute: 1e-9, Iterations: 50}}, &optimize.LBFGS{})
	if err != nil && res == nil {
		return LinearResult{}, fmt.Errorf("eval: linear probe: %w", err)
	}
	xt := standardise(test, mean, std)
	tl := mat.NewDense(test.Len(), c, nil)
	scores(xt, res.X, d, c, tl)
	var top1, top5 int
	for i := range test.Len() {
		row := tl.RawRowView(i)
		label := int(test.Labels[i])
		rank := 0
		for _, v := range row {
			if v > row[label] {
				rank++
			}
		}
		if rank == 0 {
			top1++
		}
		if rank < 5 {
			top5++
		}
	}
	return LinearResult{Top1: float64(top1) / float64(test.Len()), Top5: float64(top5) / float64(test.Len()), TrainLoss: res.F}, nil
}

func columnStats(f Features) (mean, std []float64) {
	mean, std = make([]float64, f.Dim), make([]float64, f.Dim)
	for i := range f.Len() {
		for j := range f.Dim {
			mean[j] += float64(f.Data[i*f.Dim+j])
		}
	}
	for j := range mean {
		mean[j] /= float64(f.Len())
	}
	for i := range f.Len() {
		for j := range f.Dim {
			dv := float64(f.Data[i*f.Dim+j]) - mean[j]
			std[j] += dv * dv
		}
	}
	for j := range std {
		std[j] = math.Sqrt(std[j]/float64(f.Len())) + 1e-6
	}
	return mean, std
}

func standardise(f Features, mean, std []float64) *mat.Dense {
	x := mat.NewDense(f.Len(), f.Dim, nil)
	for i := range f.Len() {
		row := x.RawRowView(i)
		for j := range f.Dim {
			row[j] = (float64(f.Data[i*f.Dim+j]) - mean[j]) / std[j]
		}
	}
	return x
}

// scores writes x·W + b into out.
func scores(x *mat.Dense, p []float64, d, c int, out *mat.Dense) {
	product(x, p[:d*c], c, out)
	b := p[d*c:]
	r, _ := out.Dims()
	for i := range r {
		row := out.RawRowView(i)
		for j := range row {
			row[j] += b[j]
		}
	}
}

// probeBlock is the number of rows of one parallel piece of the probe's
// loss: fixed, so that the sums, and so the fit, do not depend on the
// number of cores.
const probeBlock = 2048

// softmaxLoss is the mean cross-entropy of softmax(x·W + b); with grad non-nil
// it also writes the gradient ([d+1, c]: W's rows, then b). logits is scratch.
// Blocks of rows are computed in parallel and summed in order.
func softmaxLoss(x *mat.Dense, labels []int32, p []float64, d, c int, logits, grad *mat.Dense) float64 {
	n := len(labels)
	blocks := (n + probeBlock - 1) / probeBlock
	losses := make([]float64, blocks)
	var grads []*mat.Dense
	if grad != nil {
		grads = make([]*mat.Dense, blocks)
	}
	inParallel(blocks, func(k int) {
		lo, hi := k*probeBlock, min((k+1)*probeBlock, n)
		var g *mat.Dense
		if grad != nil {
			g = mat.NewDense(d+1, c, nil)
			grads[k] = g
		}
		losses[k] = softmaxBlock(x.Slice(lo, hi, 0, d).(*mat.Dense), labels[lo:hi], p, d, c,
			logits.Slice(lo, hi, 0, c).(*mat.Dense), g, n)
	})
	var loss float64
	for k := range blocks {
		loss += losses[k]
	}
	if grad != nil {
		grad.Zero()
		for _, g := range grads {
			grad.Add(grad, g)
		}
	}
	return loss / float64(n)
}

// softmaxBlock is softmaxLoss's sum over the rows of one block (not yet
// divided by n, the whole set's size), and its share of the gradient.
func softmaxBlock(x *mat.Dense, labels []int32, p []float64, d, c int, logits, grad *mat.Dense, n int) float64 {
	scores(x, p, d, c, logits)
	var loss float64
	for i := range labels {
		row := logits.RawRowView(i)
		m := row[0]
		for _, v := range row {
			m = math.Max(m, v)
		}
		target := row[labels[i]]
		var z float64
		for j, v := range row {
			row[j] = math.Exp(v - m) // once: the gradient reuses it
			z += row[j]
		}
		loss += math.Log(z) + m - target
		if grad != nil { // turn the row into (softmax - onehot) / n
			for j, e := range row {
				row[j] = e / z / float64(n)
			}
			row[labels[i]] -= 1 / float64(n)
		}
	}
	if grad != nil {
		gw := grad.Slice(0, d, 0, c).(*mat.Dense)
		productT(x, logits, gw)
		gb := grad.RawRowView(d)
		for i := range labels {
			for j, v := range logits.RawRowView(i) {
				gb[j] += v
			}
		}
	}
	return loss
}
