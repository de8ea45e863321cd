package train

import (
	"math"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mega-ssl/mega/gomlxssl/backend/backendtest"
	"github.com/mega-ssl/mega/gomlxssl/data"
)

// Mean scores every image, a last batch smaller than the others too, and
// fewer images than one batch: the mean of each image's mean pixel is the
// mean pixel of the whole split. (It once required a whole batch and dropped
// the remainder, so -test 200 failed a pretext task after training.)
func TestMeanScoresEveryImage(t *testing.T) {
	be := backendtest.Go(t)
	store := model.NewStore()
	d := data.Shapes(data.ShapesOptions{Train: 8, Test: 7, Seed: 1}).Test
	// Each image's mean standardised pixel, (x - 0.5) / 0.25.
	score := func(scope *model.Scope, x *Node) *Node { return ReduceMean(Reshape(x, x.Shape().Dim(0), -1), 1) }
	want := 0.0
	for i := range d.Len() {
		px := d.Float32(i, i+1)
		for _, v := range px {
			want += (float64(v) - 0.5) * 4 / float64(len(px))
		}
	}
	want /= float64(d.Len())
	for _, batch := range []int{1, 3, 7, 250} {
		got, err := Mean(be, store, score, d, batch)
		if err != nil {
			t.Fatalf("batch %d: %v", batch, err)
		}
		if math.Abs(got-want) > 1e-5 {
			t.Errorf("batch %d: mean %g, want %g over all %d images", batch, got, want, d.Len())
		}
	}
}
