package models

import (
	"testing"

	"github.com/gomlx/compute/gobackend"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// Every encoder builds, trains a step's graph (batch norm in training mode)
// and returns [B, Dim()].
func TestEncodersShape(t *testing.T) {
	backend, err := gobackend.New("")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"convnet", "convnet-16-32", "resnet18"} {
		enc, err := ParseEncoder(name)
		if err != nil {
			t.Fatal(err)
		}
		x := tensors.FromShape(tensors.FromFlatDataAndDimensions(make([]float32, 2*32*32*3), 2, 32, 32, 3).Shape())
		out, err := model.CallOnce(backend, model.NewStore(), func(scope *model.Scope, x *Node) *Node {
			scope.SetTraining(x.Graph(), true)
			return enc.Apply(scope.In("encoder"), x)
		}, x)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if d := out.Shape().Dimensions; len(d) != 2 || d[0] != 2 || d[1] != enc.Dim() {
			t.Errorf("%s: output shape %v, want [2 %d]", name, d, enc.Dim())
		}
	}
	for _, bad := range []string{"vgg", "convnet-0", "convnet-a"} {
		if _, err := ParseEncoder(bad); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}
