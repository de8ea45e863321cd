package train

import (
	"fmt"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mega-ssl/mega/gomlxssl/backend/backendtest"
	"github.com/mega-ssl/mega/gomlxssl/data"
	"github.com/mega-ssl/mega/gomlxssl/models"
)

// BenchmarkExtract times the frozen default encoder's features (inference
// mode) of 4,000 one-channel 28×28 images — the monitor's work on
// Fashion-MNIST, in small — at several batch sizes, and reports images per
// second.
func BenchmarkExtract(b *testing.B) {
	be := backendtest.Go(b)
	enc, err := models.ParseEncoder("convnet-16-32-64-128")
	if err != nil {
		b.Fatal(err)
	}
	const n = 4000
	pix := make([]uint8, n*28*28)
	for i := range pix {
		pix[i] = uint8(i % 251)
	}
	ds := &data.Dataset{Name: "bench", Height: 28, Width: 28, Channels: 1, Pixels: pix, Labels: make([]int32, n)}
	store := model.NewStore()
	embed := func(scope *model.Scope, x *Node) (*Node, *Node) {
		h := enc.Apply(scope.In("encoder"), x)
		return h, h
	}
	if _, _, err := Extract(be, store, embed, ds, 250); err != nil { // creates the variables
		b.Fatal(err)
	}
	for _, batch := range []int{125, 250, 1000} {
		b.Run(fmt.Sprintf("batch%d", batch), func(b *testing.B) {
			for b.Loop() {
				if _, _, err := Extract(be, store, embed, ds, batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "images/s")
		})
	}
}
