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
	"html/template"
	"image"
	"image/jpeg"
	"math"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/mega-ssl/mega/gomlxssl/results"
)

// neighboursView is the figure: the script draws its table from Data
// (neighboursData, JSON in a script element: an attribute would escape
// every quote), with tiles cut from the dataset's atlas (its CSS class).
type neighboursView struct {
	ID      string
	Number  int
	Caption string
	Data    template.JS
	Atlas   string
}

// neighboursData is what the page's script reads: the sets' headings, and
// a row per test image with its tile and its neighbours' in each set. A
// tile is [number in the atlas, class, similarity×100]; the atlas has Cols
// tiles to a row.
type neighboursData struct {
	Label   string   `json:"label"`
	Cols    int      `json:"cols"`
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
	Query [3]int     `json:"q"`
	Sets  [][][3]int `json:"n"`
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
	sheet, err := decodedSheet(filepath.Join(e.Dir, results.ThumbnailsFile))
	if err != nil {
		return nil, fmt.Errorf("neighbours: %w", err)
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
	d.Label = fmt.Sprintf("Nearest training images of %d test images under %s, the raw pixels and the random-init encoder", len(d.Rows), r.Title)
	js, err := json.Marshal(d) // <, > and & escaped: safe inside a script element
	if err != nil {
		return nil, err
	}
	id, num := b.page.Figure()
	caption := fmt.Sprintf("What the embedding finds similar: the %d training images nearest to each of %d test images (the first of each class in the test split, the same for every method; the run's %s has %d per class), under %s, under the raw pixels and under the same encoder at random initialisation (%s). A neighbour of another class than its test image is dimmed and framed in red; each column's heading counts them. Read across a row to see what pretraining changed.",
		n.K, len(d.Rows), results.NeighboursFile, len(n.Queries)/max(len(n.Classes), 1), r.Title, n.Measure)
	return &neighboursView{ID: id, Number: num, Caption: caption, Data: template.JS(js), Atlas: a.Class}, nil
}

// lay places the thumbnails of the run's first test image of each class
// and its neighbours in atlas a — the page shows one row a class, to stay
// within its weight — and returns the figure's data with their tiles
// there; false where an image the atlas has already looks different.
func lay(n *results.Neighbours, sheet image.Image, a *atlas) (neighboursData, bool) {
	d := neighboursData{Classes: n.Classes, Cols: atlasColumns}
	w, h := n.Tile[0], n.Tile[1]
	same := true
	place := func(split string, t results.Thumbnail) [3]int {
		col, row := t.Tile%n.Columns, t.Tile/n.Columns
		at, ok := a.add(fmt.Sprintf("%s/%d", split, t.Index), sheet, image.Rect(col*w, row*h, (col+1)*w, (row+1)*h))
		same = same && ok
		return [3]int{at, t.Label, int(math.Round(100 * t.Similarity))}
	}
	seen := map[int]bool{}
	wrong, all := make([]int, len(n.Sets)), 0
	for q, query := range n.Queries {
		if seen[query.Label] {
			continue
		}
		seen[query.Label] = true
		row := nbRow{Index: query.Index, Query: place("test", query)}
		for i, s := range n.Sets {
			var tiles [][3]int
			for _, m := range s.Rows[q] {
				tiles = append(tiles, place("train", m))
				if m.Label != query.Label {
					wrong[i]++
				}
			}
			row.Sets = append(row.Sets, tiles)
		}
		all += n.K
		d.Rows = append(d.Rows, row)
	}
	for i, s := range n.Sets {
		d.Sets = append(d.Sets, nbSet{Title: s.Title, Wrong: fmt.Sprintf("%d of %d of another class", wrong[i], all)})
	}
	return d, same
}

// sheets are the thumbnail images decoded so far in this process, by path,
// with the size and time of the file they were read from: the watcher
// rebuilds the page on every save, and decoding them was a fifth of a build.
var sheets struct {
	sync.Mutex
	m map[string]decoded
}

type decoded struct {
	size int64
	mod  time.Time
	img  image.Image
}

// decodedSheet is the JPEG at path, decoded, or decoded before if the file
// has not changed since.
func decodedSheet(path string) (image.Image, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	sheets.Lock()
	d, ok := sheets.m[path]
	sheets.Unlock()
	if ok && d.size == st.Size() && d.mod.Equal(st.ModTime()) {
		return d.img, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := jpeg.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	sheets.Lock()
	defer sheets.Unlock()
	if sheets.m == nil {
		sheets.m = map[string]decoded{}
	}
	sheets.m[path] = decoded{size: st.Size(), mod: st.ModTime(), img: img}
	return img, nil
}
