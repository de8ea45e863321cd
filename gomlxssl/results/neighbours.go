package results

import (
	"encoding/json"
	"fmt"
	"os"
)

// NeighboursFile is a run's nearest neighbours: a fixed set of test images
// and the training images nearest to each under the run's embedding, under
// the raw pixels and under the random-init encoder. ThumbnailsFile holds
// the images it shows, tiled.
const (
	NeighboursFile = "neighbours.json"
	ThumbnailsFile = "neighbours.jpg"
)

// Neighbours is what NeighboursFile holds: the queries, and for each way of
// measuring similarity (the run's embedding, the pixels, the random-init
// encoder) each query's nearest training images, the most similar first.
type Neighbours struct {
	// Classes name the labels.
	Classes []string `json:"classes"`
	// K is how many neighbours each query has.
	K int `json:"k"`
	// Measure says how similarity is measured.
	Measure string `json:"measure"`
	// Tile is a thumbnail's width and height in ThumbnailsFile, and Columns
	// how many thumbnails it has in a row: tile t is at column t % Columns,
	// row t / Columns.
	Tile    [2]int `json:"tile"`
	Columns int    `json:"columns"`
	// Queries are the test images, the same for every run of a dataset: the
	// first few of each class in the test split.
	Queries []Thumbnail `json:"queries"`
	// Sets are the neighbours under each measure: Sets[s].Rows[q] are the
	// neighbours of Queries[q].
	Sets []NeighbourSet `json:"sets"`
}

// NeighbourSet is the nearest training images of every query under one
// representation.
type NeighbourSet struct {
	// Name is "run", "pixels" or "random-init"; Title says it in words.
	Name  string        `json:"name"`
	Title string        `json:"title"`
	Rows  [][]Thumbnail `json:"rows"`
}

// Thumbnail is one image: its index in its split, its class, its tile in
// ThumbnailsFile, and (a neighbour's) its similarity to the query.
type Thumbnail struct {
	Index      int     `json:"index"`
	Label      int     `json:"label"`
	Tile       int     `json:"tile"`
	Similarity float64 `json:"similarity,omitempty"`
}

// ReadNeighbours reads and checks a NeighboursFile: every row a query's,
// every label a class, every tile inside the thumbnails.
func ReadNeighbours(path string) (*Neighbours, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var n Neighbours
	if err := json.Unmarshal(b, &n); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	check := func(t Thumbnail) error {
		if t.Label < 0 || t.Label >= len(n.Classes) || t.Tile < 0 {
			return fmt.Errorf("%s: image %d has label %d of %d classes, tile %d", path, t.Index, t.Label, len(n.Classes), t.Tile)
		}
		return nil
	}
	if n.Columns <= 0 || n.Tile[0] <= 0 || n.Tile[1] <= 0 {
		return nil, fmt.Errorf("%s: tiles of %d×%d, %d a row", path, n.Tile[0], n.Tile[1], n.Columns)
	}
	for _, q := range n.Queries {
		if err := check(q); err != nil {
			return nil, err
		}
	}
	for _, s := range n.Sets {
		if len(s.Rows) != len(n.Queries) {
			return nil, fmt.Errorf("%s: %s has %d rows for %d queries", path, s.Name, len(s.Rows), len(n.Queries))
		}
		for _, row := range s.Rows {
			for _, m := range row {
				if err := check(m); err != nil {
					return nil, err
				}
			}
		}
	}
	return &n, nil
}
