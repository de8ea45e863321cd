package site

import (
	"encoding/json"
	"path/filepath"
	"strings"

	"github.com/mega-ssl/mega/gomlxssl/results"
)

// curve is one run's kNN monitor for the page's interactive chart: its
// name, and the epochs with the accuracy (%) after each.
type curve struct {
	Name string    `json:"name"`
	X    []int     `json:"x"`
	Y    []float64 `json:"y"`
}

// curvesJSON is the kNN curves of runs (from each run's metrics.csv) as
// JSON for the page's script, which draws them as one chart whose runs the
// reader picks, with the values under the pointer; "" when fewer than two
// runs have curves.
func curvesJSON(runs []*Experiment, titles map[string]string) string {
	var cs []curve
	for _, e := range runs {
		rows, err := results.ReadMetrics(filepath.Join(e.Dir, "metrics.csv"))
		if err != nil || len(rows) == 0 {
			continue
		}
		name := titles[e.Name]
		if e.Run != nil {
			name = strings.TrimSuffix(e.Run.Title, " on "+results.DatasetTitle(e.Run.Dataset.Name))
		}
		c := curve{Name: name}
		for _, r := range rows {
			c.X, c.Y = append(c.X, r.Epoch), append(c.Y, 100*r.KNNTop1)
		}
		cs = append(cs, c)
	}
	if len(cs) < 2 {
		return ""
	}
	b, err := json.Marshal(cs)
	if err != nil {
		return ""
	}
	return string(b)
}
