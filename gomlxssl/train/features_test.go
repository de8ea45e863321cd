package train

import (
	"errors"
	"math"
	"slices"
	"sync/atomic"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mega-ssl/mega/gomlxssl/backend/backendtest"
	"github.com/mega-ssl/mega/gomlxssl/data"
	"github.com/mega-ssl/mega/gomlxssl/models"
)

// Mean scores every image, a last batch smaller than the others too, and
// fewer images than one batch: the mean of each image's mean pixel is the
// mean pixel of the whole split. (It once required a whole batch and dropped
// the remainder, so -test 200 failed a pretext task after training.)
func TestMeanScoresEveryImage(t *testing.T) {
	be := backendtest.Go(t)
	store := model.NewStore()
	d := data.Shapes(data.ShapesConfig{Train: 8, Test: 7, Seed: 1}).Test
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

// TestExtractLanesAgree: batches run two (or four) at a time give every
// image the features one batch at a time gives, to the bit, the last,
// overlapping batch included (23 images in batches of 5).
func TestExtractLanesAgree(t *testing.T) {
	be := backendtest.Go(t)
	enc, err := models.ParseEncoder("convnet-16-32")
	if err != nil {
		t.Fatal(err)
	}
	embed := func(scope *model.Scope, x *Node) (*Node, *Node) {
		h := enc.Apply(scope.In("encoder"), x)
		return h, Mul(h, Scalar(h.Graph(), h.DType(), 2))
	}
	d := data.Shapes(data.ShapesConfig{Train: 23, Test: 5, Seed: 3}).Train
	store := model.NewStore()
	wantH, wantZ, err := extract(be, store, embed, d, 5, 1)
	if err != nil {
		t.Fatal(err)
	}
	if wantH.Len() != d.Len() || wantH.Dim != 32 || wantZ.Dim != 32 {
		t.Fatalf("features %d x %d (z %d), want %d x 32", wantH.Len(), wantH.Dim, wantZ.Dim, d.Len())
	}
	for _, lanes := range []int{2, 4} {
		h, z, err := extract(be, store, embed, d, 5, lanes)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(h.Data, wantH.Data) || !slices.Equal(z.Data, wantZ.Data) {
			t.Errorf("%d lanes: the features differ from one batch at a time", lanes)
		}
	}
	// Each row is its own image's: one image at a time agrees (to rounding:
	// other shapes, other kernels).
	oneH, _, err := extract(be, store, embed, d, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range wantH.Data {
		if math.Abs(float64(v-oneH.Data[i])) > 1e-4*(1+math.Abs(float64(v))) {
			t.Fatalf("image %d, feature %d: %g in batches of 5, %g alone", i/32, i%32, v, oneH.Data[i])
		}
	}
}

// TestConcurrentlyStopsAtAnError: an item's error comes back, and the
// items after it need not run.
func TestConcurrentlyStopsAtAnError(t *testing.T) {
	var ran atomic.Int32
	boom := errors.New("boom")
	err := concurrently(0, 1000, 2, func(i int) error {
		ran.Add(1)
		if i == 7 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) {
		t.Errorf("error %v, want boom", err)
	}
	if n := ran.Load(); n >= 1000 {
		t.Errorf("all %d items ran after the error", n)
	}
	if err := concurrently(1, 4, 2, func(int) error { return nil }); err != nil {
		t.Errorf("no item failed, got %v", err)
	}
}
