package results

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"strconv"

	"github.com/mega-ssl/mega/gomlxssl/atomicfile"
)

// EpochRow is one row of metrics.csv.
type EpochRow struct {
	Epoch         int
	Step          int
	Loss          float64
	KNNTop1       float64
	LR            float64
	EmbeddingStd  float64
	EffectiveRank float64
	Seconds       float64
	ImagesPerS    float64
	IdleFrac      float64
	// EvalS is the time the epoch's kNN monitor took (its features and the
	// search), apart from Seconds, the training's; 0 in files from before
	// it was measured, which lack the column.
	EvalS float64
}

// MetricsHeader is the header of metrics.csv.
var MetricsHeader = []string{"epoch", "step", "loss", "knn_top1", "lr", "embedding_std", "effective_rank", "seconds", "images_per_s", "idle_frac", "eval_s"}

// metricsRequired is how many of MetricsHeader's columns every metrics.csv
// has: eval_s came later.
const metricsRequired = 10

func (r EpochRow) record() []string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }
	return []string{strconv.Itoa(r.Epoch), strconv.Itoa(r.Step), f(r.Loss), f(r.KNNTop1), f(r.LR),
		f(r.EmbeddingStd), f(r.EffectiveRank), f(r.Seconds), f(r.ImagesPerS), f(r.IdleFrac), f(r.EvalS)}
}

// WriteMetrics (re)writes metrics.csv atomically with all rows.
func WriteMetrics(path string, rows []EpochRow) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(MetricsHeader)
	for _, r := range rows {
		_ = w.Write(r.record())
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return atomicfile.Write(path, buf.Bytes())
}

// ReadMetrics reads metrics.csv; a missing file is no rows and no error.
func ReadMetrics(path string) ([]EpochRow, error) {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1 // rows are checked below: eval_s may be missing
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var rows []EpochRow
	for i, rec := range recs {
		if i == 0 {
			continue
		}
		if len(rec) < metricsRequired {
			return nil, fmt.Errorf("%s: line %d has %d fields, want %d", path, i+1, len(rec), len(MetricsHeader))
		}
		var vals [11]float64
		for j := range min(len(rec), len(vals)) {
			if vals[j], err = strconv.ParseFloat(rec[j], 64); err != nil {
				return nil, fmt.Errorf("%s: line %d, %s: %w", path, i+1, MetricsHeader[j], err)
			}
		}
		rows = append(rows, EpochRow{Epoch: int(vals[0]), Step: int(vals[1]), Loss: vals[2], KNNTop1: vals[3], LR: vals[4],
			EmbeddingStd: vals[5], EffectiveRank: vals[6], Seconds: vals[7], ImagesPerS: vals[8], IdleFrac: vals[9], EvalS: vals[10]})
	}
	return rows, nil
}

// WriteEmbeddings writes embeddings.csv: a header "label,class,e0,e1,…" and one
// row per embedding (data is row-major [len(labels), dim]).
func WriteEmbeddings(path string, data []float32, dim int, labels []int32, classes []string) error {
	var buf bytes.Buffer
	buf.WriteString("label,class")
	for j := range dim {
		fmt.Fprintf(&buf, ",e%d", j)
	}
	buf.WriteByte('\n')
	for i, l := range labels {
		buf.WriteString(strconv.Itoa(int(l)))
		buf.WriteByte(',')
		buf.WriteString(classes[l])
		for _, v := range data[i*dim : (i+1)*dim] {
			buf.WriteByte(',')
			buf.WriteString(strconv.FormatFloat(float64(v), 'g', 5, 32))
		}
		buf.WriteByte('\n')
	}
	return atomicfile.Write(path, buf.Bytes())
}
