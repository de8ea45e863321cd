package site

// A run's nearest neighbours: a few test images per class and the training
// images nearest to each under the run's embedding, beside the raw pixels'
// and the random-init encoder's — the picture of what the embedding finds
// similar. The run writes the matches and their thumbnails
// (results.NeighboursFile, results.ThumbnailsFile); the page lays them out
// as a table of tiles cut from the one image.

import (
	"fmt"
	"html/template"
	"os"
	"path/filepath"

	"github.com/mega-ssl/mega/gomlxssl/results"
	"github.com/mega-ssl/mega/report/markdown"
)

// neighboursView is the figure: its header (a column per set) and a row per
// test image.
type neighboursView struct {
	ID      string
	Number  int
	Caption string
	// Sheet is the table's style: the thumbnails' image and a tile's size.
	Sheet template.CSS
	Label string
	Sets  []neighbourSetView
	Rows  []neighbourRowView
}

type neighbourSetView struct {
	Title string
	// Wrong says how many neighbours are of another class than their query.
	Wrong string
}

type neighbourRowView struct {
	Query tileView
	Sets  [][]tileView
}

// tileView is one thumbnail: where it is in the sheet, what it shows, and
// whether it is of another class than its query.
type tileView struct {
	Style template.CSS
	Label string
	Wrong bool
}

// neighboursOnce is run e's neighbours figure where the section shows none
// on its dataset yet: one per dataset, the first run's — the variants' would
// repeat the page's heaviest figure to show a setting's change.
func (b *builder) neighboursOnce(e *Experiment, shown map[string]bool, warnings []string) (*neighboursView, []string) {
	ds := e.Run.Dataset.Name
	if shown[ds] {
		return nil, warnings
	}
	v, err := b.neighbours(e.Dir, e.Run.Title)
	if err != nil {
		return nil, append(warnings, err.Error())
	}
	shown[ds] = v != nil
	return v, warnings
}

// neighbours is the run's neighbours figure, or nil where the run has none
// (a run made before runs wrote them, or one without labels).
func (b *builder) neighbours(dir, title string) (*neighboursView, error) {
	path := filepath.Join(dir, results.NeighboursFile)
	if _, err := os.Stat(path); err != nil {
		return nil, nil
	}
	n, err := results.ReadNeighbours(path)
	if err != nil {
		return nil, err
	}
	uri, err := markdown.DataURI(dir, results.ThumbnailsFile)
	if err != nil {
		return nil, fmt.Errorf("neighbours: %w", err)
	}
	w, h := n.Tile[0], n.Tile[1]
	tile := func(t results.Thumbnail, what string, wrong bool) tileView {
		style := fmt.Sprintf("--x:%d;--y:%d", t.Tile%n.Columns, t.Tile/n.Columns)
		label := n.Classes[t.Label]
		if wrong {
			label += " (another class)"
		}
		if what != "" {
			label = what + ": " + label
		}
		if t.Similarity != 0 {
			label += fmt.Sprintf(", similarity %.2f", t.Similarity)
		}
		return tileView{Style: template.CSS(style), Label: label, Wrong: wrong}
	}
	id, num := b.page.Figure()
	v := &neighboursView{ID: id, Number: num,
		Sheet: template.CSS(fmt.Sprintf("--sheet:url(%s);--cols:%d;--tile-w:%d;--tile-h:%d", uri, n.Columns, w, h)),
		Label: fmt.Sprintf("Nearest training images of %d test images under %s, the raw pixels and the random-init encoder", len(n.Queries), title)}
	for _, s := range n.Sets {
		wrong, all := n.Wrong(s)
		v.Sets = append(v.Sets, neighbourSetView{Title: s.Title, Wrong: fmt.Sprintf("%d of %d of another class", wrong, all)})
	}
	for q, query := range n.Queries {
		row := neighbourRowView{Query: tile(query, fmt.Sprintf("test image %d", query.Index), false)}
		for _, s := range n.Sets {
			var tiles []tileView
			for _, m := range s.Rows[q] {
				tiles = append(tiles, tile(m, "", m.Label != query.Label))
			}
			row.Sets = append(row.Sets, tiles)
		}
		v.Rows = append(v.Rows, row)
	}
	perClass := len(n.Queries) / max(len(n.Classes), 1)
	v.Caption = fmt.Sprintf("What the embedding finds similar: the %d training images nearest to each of %d test images (the first %d of each class in the test split, the same for every method), under %s, under the raw pixels and under the same encoder at random initialisation (%s). A neighbour of another class than its test image is dimmed and underlined in red. Read across a row to see what pretraining changed.",
		n.K, len(n.Queries), perClass, title, n.Measure)
	return v, nil
}
