package train

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/gomlx/compute/gobackend"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mega-ssl/mega/gomlxssl/augment"
	"github.com/mega-ssl/mega/gomlxssl/data"
)

func TestDivergedLossStops(t *testing.T) {
	be, err := gobackend.New("")
	if err != nil {
		t.Fatal(err)
	}
	d := data.Shapes(data.ShapesOptions{Train: 64, Test: 8, Seed: 1}).Train
	pipe := augment.NewPipeline(d, augment.Config{}, 16, 1, true)
	loss := func(scope *model.Scope, in []*Node) *Node {
		y := layers.DenseWithBias(scope.In("dense"), Reshape(in[0], 16, -1), 1)
		return Mul(ReduceAllMean(y), Scalar(y.Graph(), y.DType(), math.NaN()))
	}
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
