package site

// A run's nearest neighbours: a few test images per class and the training
// images nearest to each under the run's embedding, beside the raw pixels'
// and the random-init encoder's — the picture of what the embedding finds
// similar. The run writes the matches and their thumbnails
// (results.NeighboursFile, results.ThumbnailsFile); the page places each
// image once in its dataset's atlas (atlas.go), and its script lays each
// figure out as a table of tiles cut from it.

import (
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"os"
	"path/filepath"

	"github.com/mega-ssl/mega/gomlxssl/results"
)

// neighboursView is the figure: the script draws its table from Data
// (neighboursData), with tiles cut from the dataset's atlas (its CSS class).
type neighboursView struct {
	ID      string
	Number  int
	Caption string
	Data    string
	Atlas   string
}

// neighboursData is what the page's script reads: the sets' headings, and
// a row per test image with its tile and its neighbours' in each set. A
// tile is [column, row, class, similarity×100] in the atlas.
type neighboursData struct {
	Label   string   `json:"label"`
	Classes []string `json:"classes"`
	Sets    []nbSet  `json:"sets"`
	Rows    []nbRow  `json:"rows"`
}

type nbSet struct {
	Title string `json:"title"`
	Wrong string `json:"wrong"`
}

type nbRow struct {
	Index int        `json:"index"`
	Query [4]int     `json:"q"`
	Sets  [][][4]int `json:"n"`
}

// neighboursOnce is run e's neighbours figure where the section shows none
// on its dataset yet: one per dataset, the first run's.
func (b *builder) neighboursOnce(e *Experiment, shown map[string]bool, warnings []string) (*neighboursView, []string) {
	ds := e.Run.Dataset.Name
	if shown[ds] {
		return nil, warnings
	}
	v, err := b.neighbours(e)
	if err != nil {
		return nil, append(warnings, err.Error())
	}
	shown[ds] = v != nil
	return v, warnings
}

// neighbours is run e's neighbours figure, or nil where the run has none
// (a run made before runs wrote them, or one without labels).
func (b *builder) neighbours(e *Experiment) (*neighboursView, error) {
	path := filepath.Join(e.Dir, results.NeighboursFile)
	if _, err := os.Stat(path); err != nil {
		return nil, nil
	}
	n, err := results.ReadNeighbours(path)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(e.Dir, results.ThumbnailsFile))
	if err != nil {
		return nil, fmt.Errorf("neighbours: %w", err)
	}
	sheet, err := jpeg.Decode(f)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("neighbours: %s: %w", filepath.Join(e.Dir, results.ThumbnailsFile), err)
	}
	r := e.Run
	// The same images, whatever run shows them: the dataset, its splits'
	// sizes and the data seed name them.
	key := fmt.Sprintf("%s %d/%d data-seed %s", r.Dataset.Name, r.Dataset.Train, r.Dataset.Test, configString(r, "data-seed"))
	a := b.atlases.get(key, n.Tile[0], n.Tile[1])
	d, ok := lay(n, sheet, a)
	if !ok { // another dataset under the same name: an atlas of its own
		a = b.atlases.get(e.Dir, n.Tile[0], n.Tile[1])
		if d, ok = lay(n, sheet, a); !ok {
			return nil, fmt.Errorf("neighbours: %s does not match its thumbnails", path)
		}
	}
	d.Label = fmt.Sprintf("Nearest training images of %d test images under %s, the raw pixels and the random-init encoder", len(n.Queries), r.Title)
	js, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	id, num := b.page.Figure()
	perClass := len(n.Queries) / max(len(n.Classes), 1)
	caption := fmt.Sprintf("What the embedding finds similar: the %d training images nearest to each of %d test images (the first %d of each class in the test split, the same for every method), under %s, under the raw pixels and under the same encoder at random initialisation (%s). A neighbour of another class than its test image is dimmed and framed in red; each column's heading counts them. Read across a row to see what pretraining changed.",
		n.K, len(n.Queries), perClass, r.Title, n.Measure)
	return &neighboursView{ID: id, Number: num, Caption: caption, Data: string(js), Atlas: a.Class}, nil
}

// lay places the run's thumbnails in atlas a and returns the figure's data
// with their tiles there; false where an image the atlas has already looks
// different.
func lay(n *results.Neighbours, sheet image.Image, a *atlas) (neighboursData, bool) {
	d := neighboursData{Classes: n.Classes}
	w, h := n.Tile[0], n.Tile[1]
	same := true
	place := func(split string, t results.Thumbnail) [4]int {
		col, row := t.Tile%n.Columns, t.Tile/n.Columns
		at, ok := a.add(fmt.Sprintf("%s/%d", split, t.Index), sheet, image.Rect(col*w, row*h, (col+1)*w, (row+1)*h))
		same = same && ok
		x, y := a.at(at)
		return [4]int{x, y, t.Label, int(math.Round(100 * t.Similarity))}
	}
	for _, s := range n.Sets {
		wrong, all := n.Wrong(s)
		d.Sets = append(d.Sets, nbSet{Title: s.Title, Wrong: fmt.Sprintf("%d of %d of another class", wrong, all)})
	}
	for q, query := range n.Queries {
		row := nbRow{Index: query.Index, Query: place("test", query)}
		for _, s := range n.Sets {
			var tiles [][4]int
			for _, m := range s.Rows[q] {
				tiles = append(tiles, place("train", m))
			}
			row.Sets = append(row.Sets, tiles)
		}
		d.Rows = append(d.Rows, row)
	}
	return d, same
}
