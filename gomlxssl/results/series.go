package results

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/mega-ssl/mega/gomlxssl/atomicfile"
)

// AppendEpochValues records a method's own per-epoch measurements (a GAN's
// class coverage, say) in the CSV file at path, whose columns are "epoch"
// then header, and returns every row up to and including this epoch's: the
// epoch first, then values. Rows of this epoch or later, left by a run that
// was interrupted after them and resumed from an earlier checkpoint, are
// replaced. With write false the file is left as it is (the final
// evaluation measures the last epoch again, and must not add a row).
func AppendEpochValues(path string, header []string, epoch int, values []float64, write bool) ([][]float64, error) {
	if len(values) != len(header) {
		return nil, fmt.Errorf("%s: %d values for %d columns", path, len(values), len(header))
	}
	var rows [][]float64
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if len(recs) == 0 || strings.Join(recs[0], ",") != "epoch,"+strings.Join(header, ",") {
			return nil, fmt.Errorf("%s: not a series of epoch,%s", path, strings.Join(header, ","))
		}
		for _, rec := range recs[1:] {
			row := make([]float64, len(rec))
			for i := range rec {
				if row[i], err = strconv.ParseFloat(rec[i], 64); err != nil {
					return nil, fmt.Errorf("%s: %w", path, err)
				}
			}
			if int(row[0]) < epoch {
				rows = append(rows, row)
			}
		}
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	rows = append(rows, append([]float64{float64(epoch)}, values...))
	if !write {
		return rows, nil
	}
	var text strings.Builder
	text.WriteString("epoch," + strings.Join(header, ",") + "\n")
	for _, row := range rows {
		cells := make([]string, len(row))
		for i, v := range row {
			cells[i] = strconv.FormatFloat(v, 'g', 6, 64)
		}
		text.WriteString(strings.Join(cells, ",") + "\n")
	}
	return rows, atomicfile.Write(path, []byte(text.String()))
}
