package train

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mega-ssl/mega/gomlxssl/augment"
	"github.com/mega-ssl/mega/gomlxssl/backend/backendtest"
	"github.com/mega-ssl/mega/gomlxssl/data"
)

// tiny is what a trainer test trains on: 64 shapes in batches of 16 and
// one dense layer over their first view's pixels, whose output then makes
// the test's loss.
func tiny(t *testing.T, loss func(y *Node) *Node) (compute.Backend, *augment.Pipeline, LossFn) {
	t.Helper()
	d := data.Shapes(data.ShapesConfig{Train: 64, Test: 8, Seed: 1}).Train
	return backendtest.Go(t), augment.NewPipeline(d, augment.Policy{}, 16, 1, true), func(scope *model.Scope, in []*Node) *Node {
		return loss(layers.DenseWithBias(scope.In("dense"), Reshape(in[0], 16, -1), 1))
	}
}

func TestDivergedLossStops(t *testing.T) {
	be, pipe, loss := tiny(t, func(y *Node) *Node { return Mul(ReduceAllMean(y), Scalar(y.Graph(), y.DType(), math.NaN())) })
	tr, err := New(be, Config{Epochs: 2, BatchSize: 16, Optimizer: "adam", LR: 1e-3}, pipe.StepsPerEpoch(), loss, t.TempDir(), false)
	if err != nil {
		t.Fatal(err)
	}
	err = tr.Run(context.Background(), pipe, TwoViews, "nan", nil)
	if !errors.Is(err, ErrDiverged) {
		t.Fatalf("want ErrDiverged, got %v", err)
	}
}

func TestConfigValidate(t *testing.T) {
	for _, c := range []Config{
		{Epochs: 0, BatchSize: 8, LR: 1, Optimizer: "adam"},
		{Epochs: 1, BatchSize: 1, LR: 1, Optimizer: "adam"},
		{Epochs: 1, BatchSize: 8, LR: 0, Optimizer: "adam"},
		{Epochs: 1, BatchSize: 8, LR: 1, Optimizer: "lion"},
	} {
		if c.Validate() == nil {
			t.Errorf("%+v: want an error", c)
		}
	}
}

// A variable under a peak-LR scope moves by the peak learning rate at every
// step (but a zero-rate one), the rest by the scheduled rate.
func TestPeakLRScopes(t *testing.T) {
	be := backendtest.Go(t)
	loss := func(scope *model.Scope, in []*Node) *Node {
		g := in[0].Graph()
		a := scope.In("head").VariableWithValue("w", float32(0)).NodeValue(g)
		b := scope.In("body").VariableWithValue("w", float32(0)).NodeValue(g)
		return Add(a, b) // gradient 1 for both: SGD moves each by its rate
	}
	const peak = 0.1
	tr, err := New(be, Config{Epochs: 3, BatchSize: 2, Optimizer: "sgd", LR: peak, WarmupEpochs: 1, PeakLRScopes: []string{"/head"}}, 4, loss, "", false)
	if err != nil {
		t.Fatal(err)
	}
	var scheduled, peaked float64
	x := tensors.FromValue([]float32{1, 2})
	for range 12 {
		_, lr, err := tr.Step(x)
		if err != nil {
			t.Fatal(err)
		}
		scheduled += lr
		if lr > 0 {
			peaked += peak
		}
	}
	value := func(path string) float64 {
		return float64(tensors.ToScalar[float32](tr.Store.GetVariable(path).MustValue()))
	}
	if got := -value("/head/w"); math.Abs(got-peaked) > 1e-5 {
		t.Errorf("the peak-LR variable moved %.6f, want %.6f (the peak rate at every step)", got, peaked)
	}
	if got := -value("/body/w"); math.Abs(got-scheduled) > 1e-5 || math.Abs(scheduled-peaked) < 0.05 {
		t.Errorf("the scheduled variable moved %.6f, want the schedule's sum %.6f (peak sum %.6f)", got, scheduled, peaked)
	}
}
