package models

import (
	"testing"

	. "github.com/gomlx/gomlx/core/graph"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mega-ssl/mega/gomlxssl/backend/backendtest"
)

// Every encoder builds, trains a step's graph (batch norm in training mode)
// and returns [B, Dim()].
func TestEncodersShape(t *testing.T) {
	backend := backendtest.Go(t)
	for _, name := range []string{"convnet", "convnet-16-32", "resnet18", "vit-32-2-2", "vit-32-1-2-p8", "vit-32-2-2-mean", "vit-32-1-2-p8-mean"} {
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
	for _, bad := range []string{"vgg", "convnet-0", "convnet-a", "vit-96-4", "vit-96-4-5", "vit-96-0-3", "vit-96-4-3-p0", "vit-96-4-3-8", "vit-96-4-3-mean-p8", "vit-mean"} {
		if _, err := ParseEncoder(bad); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}

// FirstFilters finds the kernel Apply created, by the names Apply uses, and
// nothing in a scope that holds no encoder.
func TestFirstFilters(t *testing.T) {
	backend := backendtest.Go(t)
	net := ConvNet{Widths: []int{8, 16}}
	store := model.NewStore()
	x := tensors.FromFlatDataAndDimensions(make([]float32, 2*16*16), 2, 16, 16, 1)
	if _, err := model.CallOnce(backend, store, func(scope *model.Scope, x *Node) *Node {
		return net.Apply(scope.In("online").In("encoder"), x)
	}, x); err != nil {
		t.Fatal(err)
	}
	w := net.FirstFilters(store.RootScope().In("online").In("encoder"))
	if w == nil {
		t.Fatal("no first-layer filters found under /online/encoder")
	}
	if d := w.Shape().Dimensions; len(d) != 4 || d[0] != 3 || d[1] != 3 || d[2] != 1 || d[3] != 8 {
		t.Errorf("first filters of shape %v, want [3 3 1 8]", d)
	}
	if net.FirstFilters(store.RootScope().In("target").In("encoder")) != nil {
		t.Error("found filters in a scope without an encoder")
	}
}
