package experimenttest

import (
	"bytes"
	"context"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/experiment"
	"github.com/mega-ssl/mega/gomlxssl/results"
)

// checkNeighbours checks the nearest neighbours a run in dir wrote: two
// test images of each class, the run's, the pixels' and the random-init
// encoder's eight neighbours each, the most similar first, every tile
// inside the thumbnails.
func checkNeighbours(t *testing.T, dir string, classes int) {
	t.Helper()
	n, err := results.ReadNeighbours(filepath.Join(dir, results.NeighboursFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Queries) != 2*classes || n.K != 8 || len(n.Sets) != 3 || n.Sets[0].Name != "run" {
		t.Fatalf("neighbours: %d queries of %d classes, k %d, %d sets", len(n.Queries), classes, n.K, len(n.Sets))
	}
	b, err := os.ReadFile(filepath.Join(dir, results.ThumbnailsFile))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	tiles := cfg.Width / n.Tile[0] * (cfg.Height / n.Tile[1])
	for q, query := range n.Queries {
		if query.Label != q/2 || query.Tile != q {
			t.Errorf("query %d: class %d, tile %d (want the first two of each class, tiles first)", q, query.Label, query.Tile)
		}
		for _, s := range n.Sets {
			row := s.Rows[q]
			if len(row) != n.K {
				t.Fatalf("%s, query %d: %d neighbours", s.Name, q, len(row))
			}
			for i, m := range row {
				if m.Tile >= tiles || i > 0 && m.Similarity > row[i-1].Similarity {
					t.Errorf("%s, query %d: neighbour %d at tile %d of %d, similarity %g after %g", s.Name, q, i, m.Tile, tiles, m.Similarity, row[max(i-1, 0)].Similarity)
				}
			}
		}
	}
}

// NeighboursMatchTheRun writes the neighbours of spec's quick run in out
// again from its checkpoint (-neighbours, for runs made before runs wrote
// them) and checks they are the ones the run wrote from its final features.
func NeighboursMatchTheRun(t *testing.T, spec experiment.Spec, out string, extra ...string) {
	t.Helper()
	p := quickPlan(t, spec, out, append([]string{"-neighbours"}, extra...)...)
	path := filepath.Join(p.Dir, results.NeighboursFile)
	written, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := experiment.Neighbours(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	again, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(written, again) {
		t.Errorf("-neighbours wrote other neighbours than the run:\n%.300s\n%.300s", written, again)
	}
}
