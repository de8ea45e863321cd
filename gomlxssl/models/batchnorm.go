package models

import (
	"fmt"

	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
)

// Batch-norm constants, PyTorch's: running = (1-momentum)*running + momentum*batch.
const (
	bnMomentum = 0.1
	bnEpsilon  = 1e-5
)

// BatchNorm normalises x over every axis but the last (channels) and applies a
// learned per-channel scale and offset. In training graphs it uses the batch's
// statistics — with gradients flowing through them, as in Ioffe & Szegedy and
// every framework the papers use — and updates running averages; in inference
// graphs it uses the running averages.
//
// It is written here, not taken from GoMLX: GoMLX v0.28's norm.BatchNorm stops
// the gradient at the batch mean and variance, under which our encoders
// trained several times slower (worse than without any normalisation), and
// the Go backend lacks the fused batch-norm ops.
func BatchNorm(scope *model.Scope, x *Node) *Node {
	g := x.Graph()
	channels := x.Shape().Dim(-1)
	shape := shapes.Make(x.DType(), channels)
	scale := scope.WithInitializer(initializer.One).VariableWithShape("scale", shape).NodeValue(g)
	offset := scope.WithInitializer(initializer.Zero).VariableWithShape("offset", shape).NodeValue(g)
	runMean := scope.WithInitializer(initializer.Zero).VariableWithShape("mean", shape).SetTrainable(false)
	runVar := scope.WithInitializer(initializer.One).VariableWithShape("variance", shape).SetTrainable(false)

	axes := make([]int, x.Rank()-1)
	count := 1
	for i := range axes {
		axes[i] = i
		count *= x.Shape().Dim(i)
	}
	if groups := bnGroups(scope); scope.IsTraining(g) && groups > 1 {
		return splitBatchNorm(x, groups, scale, offset, runMean, runVar, count)
	}
	if scope.IsTraining(g) {
		y, mean, variance := normalise(x, scale, offset, axes, count)
		// Running averages (unbiased variance, as PyTorch keeps), outside the gradient.
		unbiased := MulScalar(StopGradient(variance), float64(count)/float64(max(count-1, 1)))
		runMean.SetNodeValue(Add(MulScalar(runMean.NodeValue(g), 1-bnMomentum), MulScalar(StopGradient(mean), bnMomentum)))
		runVar.SetNodeValue(Add(MulScalar(runVar.NodeValue(g), 1-bnMomentum), MulScalar(unbiased, bnMomentum)))
		return y
	}
	mean, variance := runMean.NodeValue(g), runVar.NodeValue(g)
	inv := Reciprocal(Sqrt(AddScalar(variance, bnEpsilon)))
	y := Mul(Sub(x, ExpandLeftToRank(mean, x.Rank())), ExpandLeftToRank(Mul(inv, scale), x.Rank()))
	return Add(y, ExpandLeftToRank(offset, x.Rank()))
}

// normalise is batch norm's training pass over axes (every axis but the
// channels, count values per channel): y = (x − μ)·s·scale + offset, with μ
// and σ² the batch's and s = 1/√(σ² + ε), and its gradients written out.
// With x̂ = (x − μ)·s, Ioffe & Szegedy's gradients simplify to
//
//	∂L/∂offset = Σ dy,   ∂L/∂scale = Σ dy·x̂ = s·Σ dy·(x − μ),
//	∂L/∂x = scale·s·(dy − Σdy/count − x̂·Σ(dy·x̂)/count),
//
// a handful of passes over x, where GoMLX's autodiff of the forward ops
// (through the mean, the square, the square root and their broadcasts)
// took about twice as many. The inputs enter through identities with custom
// gradients, as in Conv2DWithKernel: the gradients autodiff derives for them
// are never used, and the backend prunes them. It returns the batch's mean
// and variance for the running averages.
// TestBatchNormGradient checks the three gradients against autodiff's.
func normalise(x, scale, offset *Node, axes []int, count int) (y, mean, variance *Node) {
	rank := x.Rank()
	bcast := func(v *Node) *Node { return ExpandLeftToRank(v, rank) }
	var dY, centred, inv, sumDy, sumDyX *Node // sumDyX: Σ dy·(x − μ)
	sums := func() {
		if dY == nil {
			panic("models: batch norm's input gradient was asked for before its output's")
		}
		if sumDy == nil {
			sumDy, sumDyX = ReduceSum(dY, axes...), ReduceSum(Mul(dY, centred), axes...)
		}
	}
	xg := IdentityWithCustomGradient(x, func(_, _ *Node) *Node {
		sums()
		k := Mul(scale, inv)                                                  // scale·s
		perX := Mul(k, Mul(Mul(inv, inv), DivScalar(sumDyX, float64(count)))) // scale·s³·Σdy(x−μ)/count
		perOne := Mul(k, DivScalar(sumDy, float64(count)))                    // scale·s·Σdy/count
		return Sub(Sub(Mul(dY, bcast(k)), Mul(centred, bcast(perX))), bcast(perOne))
	})
	sg := IdentityWithCustomGradient(scale, func(_, _ *Node) *Node { sums(); return Mul(inv, sumDyX) })
	og := IdentityWithCustomGradient(offset, func(_, _ *Node) *Node { sums(); return sumDy })
	mean = ReduceMean(xg, axes...)
	centred = Sub(xg, bcast(mean))
	variance = ReduceMean(Square(centred), axes...)
	inv = Reciprocal(Sqrt(AddScalar(variance, bnEpsilon))) // Rsqrt has no gradient in GoMLX v0.28
	y = Add(Mul(centred, bcast(Mul(inv, sg))), bcast(og))
	y = IdentityWithCustomGradient(y, func(_, v *Node) *Node {
		dY = v
		return v
	})
	return y, mean, variance
}

// BNGroupsParam is the scope parameter that splits batch norm's training
// statistics into groups of the batch (split-BN): set it on a scope with
// scope.SetParam(models.BNGroupsParam, 8) and every BatchNorm below computes
// its mean and variance per group of batch/8 consecutive samples, as if each
// group sat on its own device. MoCo uses it so that a query and its positive
// key never share batch statistics (the single-device stand-in for
// shuffle-BN across GPUs).
const BNGroupsParam = "bn_groups"

func bnGroups(scope *model.Scope) int {
	v, ok := scope.GetParam(BNGroupsParam)
	if !ok {
		return 1
	}
	n, ok := v.(int)
	if !ok || n < 1 {
		panic(fmt.Sprintf("models: scope parameter %q must be a positive int, got %#v", BNGroupsParam, v))
	}
	return n
}

// splitBatchNorm normalises each of groups consecutive slices of the batch
// with its own statistics; the running averages follow the mean of the
// groups' statistics.
func splitBatchNorm(x *Node, groups int, scale, offset *Node, runMean, runVar *model.Variable, count int) *Node {
	g := x.Graph()
	n := x.Shape().Dim(0)
	if n%groups != 0 {
		panic(fmt.Sprintf("models: batch %d does not split into %d batch-norm groups", n, groups))
	}
	dims := append([]int{groups, n / groups}, x.Shape().Dimensions[1:]...)
	xg := Reshape(x, dims...) // [G, N/G, ..., C]
	axes := make([]int, 0, xg.Rank()-2)
	for i := 1; i < xg.Rank()-1; i++ {
		axes = append(axes, i)
	}
	keep := func(v *Node) *Node { // [G, C] → [G, 1, …, 1, C]
		for range xg.Rank() - 2 {
			v = InsertAxes(v, 1)
		}
		return v
	}
	mean := ReduceMean(xg, axes...)
	centred := Sub(xg, keep(mean))
	variance := ReduceMean(Square(centred), axes...)
	perGroup := count / groups
	unbiased := MulScalar(StopGradient(ReduceMean(variance, 0)), float64(perGroup)/float64(max(perGroup-1, 1)))
	runMean.SetNodeValue(Add(MulScalar(runMean.NodeValue(g), 1-bnMomentum), MulScalar(StopGradient(ReduceMean(mean, 0)), bnMomentum)))
	runVar.SetNodeValue(Add(MulScalar(runVar.NodeValue(g), 1-bnMomentum), MulScalar(unbiased, bnMomentum)))
	inv := Reciprocal(Sqrt(AddScalar(variance, bnEpsilon)))
	y := Mul(centred, keep(Mul(inv, InsertAxes(scale, 0))))
	y = Add(y, ExpandLeftToRank(offset, xg.Rank()))
	return Reshape(y, x.Shape().Dimensions...)
}
