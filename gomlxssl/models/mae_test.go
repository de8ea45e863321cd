package models

import (
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mega-ssl/mega/gomlxssl/backend/backendtest"
)

// RandomPatchMask keeps, in each image, the keep patches of smallest noise in
// increasing order of noise (checked against a sort), hides the others, and
// Visible and Scatter move tokens to and from those places. Ties in the
// noise still keep exactly keep patches.
func TestRandomPatchMask(t *testing.T) {
	backend := backendtest.Go(t)
	const b, n, keep, w = 3, 10, 4, 2
	rng := rand.New(rand.NewPCG(1, 2))
	noise := make([]float32, b*n)
	for i := range noise {
		noise[i] = rng.Float32()
	}
	noise[2*n+3], noise[2*n+7] = 0, 0 // a tie in the third image, among its kept patches
	tokens := make([]float32, b*n*w)
	for i := range tokens {
		tokens[i] = float32(i)
	}
	outs := MustExecOnceN(backend, func(x []*Node) []*Node {
		m := RandomPatchMask(x[0], keep)
		vis := m.Visible(x[1])
		return []*Node{m.Masked, vis, m.Scatter(vis, Const(x[0].Graph(), []float32{-1, -2}))}
	}, tensors.FromFlatDataAndDimensions(noise, b, n), tensors.FromFlatDataAndDimensions(tokens, b, n, w))
	masked := tensors.MustCopyFlatData[float32](outs[0])
	vis := tensors.MustCopyFlatData[float32](outs[1])
	back := tensors.MustCopyFlatData[float32](outs[2])
	for img := range b {
		order := make([]int, n)
		for i := range order {
			order[i] = i
		}
		row := noise[img*n : (img+1)*n]
		sort.SliceStable(order, func(i, j int) bool { return row[order[i]] < row[order[j]] })
		kept := order[:keep]
		for r, p := range kept {
			for k := range w {
				if got, want := vis[(img*keep+r)*w+k], tokens[(img*n+p)*w+k]; got != want {
					t.Errorf("image %d, visible token %d: %v, want patch %d's %v", img, r, got, p, want)
				}
			}
		}
		for p := range n {
			hidden := !slices.Contains(kept, p)
			if (masked[img*n+p] == 1) != hidden {
				t.Errorf("image %d patch %d: mask %v, hidden %v", img, p, masked[img*n+p], hidden)
			}
			for k := range w {
				want := tokens[(img*n+p)*w+k]
				if hidden {
					want = float32(-1 - k)
				}
				if got := back[(img*n+p)*w+k]; got != want {
					t.Errorf("image %d patch %d scattered back: %v, want %v", img, p, got, want)
				}
			}
		}
	}
}

// The decoder predicts every patch, from the CLS token and the visible
// tokens the encoder saw.
func TestMAEDecoderShapes(t *testing.T) {
	backend := backendtest.Go(t)
	vit, dec := ViT{Width: 32, Depth: 1, Heads: 2, Patch: 4}, MAEDecoder{Width: 16, Depth: 1, Heads: 2}
	store := model.NewStore()
	images := tensors.FromFlatDataAndDimensions(make([]float32, 2*28*28), 2, 28, 28, 1)
	noise := tensors.FromFlatDataAndDimensions(make([]float32, 2*49), 2, 49)
	exec, err := model.NewExec(backend, store, func(scope *model.Scope, in []*Node) []*Node {
		m := RandomPatchMask(in[1], 12)
		enc := scope.In("encoder")
		encoded := vit.Blocks(enc, m.Visible(vit.Embed(enc, in[0])))
		return []*Node{encoded, dec.Apply(scope.In("decoder"), encoded, m, 16)}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	out, err := exec.Call(images, noise)
	if err != nil {
		t.Fatal(err)
	}
	if d := out[0].Shape().Dimensions; !slices.Equal(d, []int{2, 13, 32}) {
		t.Errorf("encoded %v, want [2 13 32]: CLS and 12 visible patches", d)
	}
	if d := out[1].Shape().Dimensions; !slices.Equal(d, []int{2, 49, 16}) {
		t.Errorf("predicted %v, want [2 49 16]: every patch's 4×4 pixels", d)
	}
}
