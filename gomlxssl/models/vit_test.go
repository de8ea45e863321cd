package models

import (
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/mega-ssl/mega/gomlxssl/backend/backendtest"
)

// Patches cuts an image into its patches row by row over the grid, each
// patch's pixels row by row, channels innermost: checked against indices
// computed by hand.
func TestViTPatches(t *testing.T) {
	backend := backendtest.Go(t)
	const b, h, w, c, p = 2, 8, 12, 3, 4
	img := make([]float32, b*h*w*c)
	for i := range img {
		img[i] = float32(i)
	}
	out := MustExecOnce(backend, func(x *Node) *Node { return ViT{Patch: p}.Patches(x) },
		tensors.FromFlatDataAndDimensions(img, b, h, w, c))
	if d := out.Shape().Dimensions; d[0] != b || d[1] != (h/p)*(w/p) || d[2] != p*p*c {
		t.Fatalf("shape %v", d)
	}
	got := tensors.MustCopyFlatData[float32](out)
	at := 0
	for n := range b {
		for py := range h / p {
			for px := range w / p {
				for y := range p {
					for x := range p {
						for ch := range c {
							want := float32(((n*h+py*p+y)*w+px*p+x)*c + ch)
							if got[at] != want {
								t.Fatalf("image %d patch (%d, %d) pixel (%d, %d, %d): %v, want %v", n, py, px, y, x, ch, got[at], want)
							}
							// PixelOf inverts the layout: value at%(p·p·c) of patch py·(w/p)+px.
							if back := n*h*w*c + (ViT{Patch: p}).PixelOf(py*(w/p)+px, at%(p*p*c), w, c); float32(back) != want {
								t.Fatalf("PixelOf(patch %d, value %d) = %d, want %v", py*(w/p)+px, at%(p*p*c), back, want)
							}
							at++
						}
					}
				}
			}
		}
	}
}
