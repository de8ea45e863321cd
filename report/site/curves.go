package site

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/mega-ssl/mega/gomlxssl/results"
)

// curvesJSON is the kNN curves of runs (from each run's metrics.csv) as
// JSON for the page's script, which draws them as one chart whose runs the
// reader picks, with the values under the pointer; "" when fewer than two
// runs have curves.
func curvesJSON(runs []*Experiment, titles map[string]string) string {
	// Each run's kNN monitor: its name, and the epochs with the accuracy (%)
	// after each; for a run with several seeds their mean, and the standard
	// deviation the chart draws as a band.
	var cs []chartLine
	for _, e := range runs {
		rows, err := results.ReadMetrics(filepath.Join(e.Dir, "metrics.csv"))
		if err != nil || len(rows) == 0 {
			continue
		}
		name := titles[e.Name]
		if e.Run != nil {
			name = strings.TrimSuffix(e.Run.Title, " on "+results.DatasetTitle(e.Run.Dataset.Name))
		}
		c := chartLine{Name: name}
		if agg, ok := seedsCurve(e.Seeds); ok {
			c.Name = fmt.Sprintf("%s (mean ± sd, %d seeds)", name, len(e.Seeds.Seeds))
			for i, ep := range agg.Epochs {
				c.X, c.Y, c.SD = append(c.X, ep), append(c.Y, round(100*agg.Mean[i], 4)), append(c.SD, round(100*agg.SD[i], 4))
			}
			cs = append(cs, c)
			continue
		}
		for _, r := range rows {
			c.X, c.Y = append(c.X, r.Epoch), append(c.Y, round(100*r.KNNTop1, 4))
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

// seedsCurve is the kNN curve over the seeds of an aggregate, when it has one.
func seedsCurve(agg *results.Seeds) (results.Curve, bool) {
	if agg == nil {
		return results.Curve{}, false
	}
	c, ok := agg.Curves["knn_top1"]
	return c, ok && len(c.Epochs) > 0 && len(c.Mean) == len(c.Epochs) && len(c.SD) == len(c.Epochs)
}
