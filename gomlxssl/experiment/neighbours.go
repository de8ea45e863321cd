package experiment

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/jpeg"
	"math"
	"os"
	"path/filepath"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mega-ssl/mega/gomlxssl/atomicfile"
	"github.com/mega-ssl/mega/gomlxssl/data"
	"github.com/mega-ssl/mega/gomlxssl/eval"
	"github.com/mega-ssl/mega/gomlxssl/models"
	"github.com/mega-ssl/mega/gomlxssl/results"
)

// What the report shows of an embedding: for the first queriesPerClass test
// images of each class, the neighboursK nearest training images.
const (
	queriesPerClass = 2
	neighboursK     = 8
)

// neighbourQueries are the test images whose neighbours a run shows: the
// first perClass of each class in the test split, class by class — the
// same for every method and seed on the same data.
func neighbourQueries(test *data.Dataset, perClass int) []int {
	var out []int
	for c := range test.Classes {
		n := 0
		for i, l := range test.Labels {
			if int(l) == c && n < perClass {
				out = append(out, i)
				n++
			}
		}
	}
	return out
}

// rowsOf are the features of the given rows of f.
func rowsOf(f eval.Features, idx []int) eval.Features {
	out := eval.Features{Dim: f.Dim}
	for _, i := range idx {
		out.Data = append(out.Data, f.Data[i*f.Dim:(i+1)*f.Dim]...)
		out.Labels = append(out.Labels, f.Labels[i])
	}
	return out
}

// nearestTo is each query's neighbours in train, under the features of
// both splits.
func nearestTo(hTrain, hTest eval.Features, queries []int) ([][]eval.Match, error) {
	return eval.Nearest(hTrain, rowsOf(hTest, queries), neighboursK)
}

// baselineNeighbours are the queries' neighbours under the raw pixels and
// under the random-init encoder (the same weights the random-init baseline
// probes): what every run on the same data is shown beside. They depend only
// on the data and the encoder's architecture, so they are cached in
// OUT/baselines/ like the baselines.
func baselineNeighbours(be compute.Backend, enc models.Encoder, split data.Split, o *Plan, queries []int) (pixels, random [][]eval.Match, err error) {
	key := fmt.Sprintf("neighbours-v1-%s-train%d-test%d-%016x-%s-seed%d-q%d-k%d", split.Train.Name, split.Train.Len(),
		split.Test.Len(), fingerprint(split), enc.Name(), o.DataSeed, len(queries), neighboursK)
	path := filepath.Join(o.baselines(), sanitize(key)+".json")
	unlock, err := lock(path)
	if err != nil {
		return nil, nil, err
	}
	defer unlock()
	var cached struct{ Pixels, Random [][]eval.Match }
	if b, err := os.ReadFile(path); err == nil && json.Unmarshal(b, &cached) == nil && len(cached.Pixels) == len(queries) {
		return cached.Pixels, cached.Random, nil
	}
	if pixels, err = nearestTo(pixelFeatures(split.Train), pixelFeatures(split.Test), queries); err != nil {
		return nil, nil, err
	}
	store := model.NewStore()
	if err := store.SetRNGStateFromSeed(int64(o.DataSeed)); err != nil {
		return nil, nil, err
	}
	f, err := extract(be, store, encoderOnly(enc), split.Train, split.Test)
	if err != nil {
		return nil, nil, err
	}
	if random, err = nearestTo(f.hTrain, f.hTest, queries); err != nil {
		return nil, nil, err
	}
	cached.Pixels, cached.Random = pixels, random
	return pixels, random, results.WriteJSON(path, cached)
}

// writeNeighbours writes a run's NeighboursFile and ThumbnailsFile into
// dir: the queries' neighbours under the run's features (hTrain, hTest),
// beside the raw pixels' and the random-init encoder's.
func writeNeighbours(be compute.Backend, enc models.Encoder, split data.Split, o *Plan, dir, title string, hTrain, hTest eval.Features) error {
	queries := neighbourQueries(split.Test, queriesPerClass)
	own, err := nearestTo(hTrain, hTest, queries)
	if err != nil {
		return err
	}
	pixels, random, err := baselineNeighbours(be, enc, split, o, queries)
	if err != nil {
		return fmt.Errorf("neighbours: %w", err)
	}
	n, tiles := neighboursOf(split, queries, []results.NeighbourSet{
		{Name: "run", Title: title}, {Name: "pixels", Title: "raw pixels"}, {Name: "random-init", Title: "random-init encoder"},
	}, [][][]eval.Match{own, pixels, random})
	img, err := data.Tiles(tiles, seq(tiles.Len()), n.Columns)
	if err != nil {
		return err
	}
	// JPEG: the shapes' noisy backgrounds take 900 KB as PNG, 130 KB so.
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, img, &jpeg.Options{Quality: 85}); err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(dir, results.ThumbnailsFile), jpg.Bytes()); err != nil {
		return err
	}
	js, err := json.Marshal(n) // compact: a reference run keeps it
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(dir, results.NeighboursFile), append(js, '\n'))
}

// neighboursOf lays the matches out as NeighboursFile says: the queries
// first among the thumbnails, then every training image the sets show, once.
func neighboursOf(split data.Split, queries []int, sets []results.NeighbourSet, matches [][][]eval.Match) (*results.Neighbours, *data.Dataset) {
	tiles := split.Test.Subset(queries)
	n := &results.Neighbours{Classes: split.Test.Classes, K: neighboursK, Tile: [2]int{tiles.Width, tiles.Height},
		Measure: "cosine similarity: of the frozen features the probes read (h) for an encoder, of the flattened images for the pixels"}
	for q, i := range queries {
		n.Queries = append(n.Queries, results.Thumbnail{Index: i, Label: int(split.Test.Labels[i]), Tile: q})
	}
	tileOf := map[int]int{} // training image → its tile
	var shown []int
	for s := range sets {
		for _, row := range matches[s] {
			var out []results.Thumbnail
			for _, m := range row {
				t, ok := tileOf[m.Index]
				if !ok {
					t = len(queries) + len(shown)
					tileOf[m.Index] = t
					shown = append(shown, m.Index)
				}
				out = append(out, results.Thumbnail{Index: m.Index, Label: int(split.Train.Labels[m.Index]), Tile: t,
					Similarity: math.Round(float64(m.Similarity)*1e4) / 1e4})
			}
			sets[s].Rows = append(sets[s].Rows, out)
		}
	}
	n.Sets = sets
	train := split.Train.Subset(shown)
	tiles.Pixels = append(tiles.Pixels, train.Pixels...)
	tiles.Labels = append(tiles.Labels, train.Labels...)
	n.Columns = 1 + neighboursK // a narrow image: the page places each tile by its number
	return n, tiles
}

// seq is 0, 1, …, n−1.
func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// Neighbours writes, instead of training, the nearest neighbours of a run
// trained before runs wrote them (-neighbours): its last checkpoint embeds
// both splits.
func Neighbours(ctx context.Context, p *Plan) error {
	t, err := loadTrained(p, "-neighbours")
	if err != nil {
		return err
	}
	if len(t.split.Train.Classes) < 2 {
		return fmt.Errorf("-neighbours: %s has no classes: nothing to mark a neighbour right or wrong by", t.split.Train.Name)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	f, err := extract(t.be, t.store, t.method.Embed, t.split.Train, t.split.Test)
	if err != nil {
		return err
	}
	run, err := results.ReadRun(filepath.Join(p.Dir, "run.json"))
	if err != nil {
		return fmt.Errorf("-neighbours: %w", err)
	}
	if err := writeNeighbours(t.be, p.Enc, t.split, p, p.Dir, run.Title, f.hTrain, f.hTest); err != nil {
		return err
	}
	fmt.Printf("wrote %s and %s\n", filepath.Join(p.Dir, results.NeighboursFile), filepath.Join(p.Dir, results.ThumbnailsFile))
	return nil
}
