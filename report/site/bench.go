package site

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/mega-ssl/mega/gomlxssl/bench"
)

// benchView is the throughput table from OUT/bench.json.
type benchView struct {
	Machine, Date string
	Rows          []benchRow
	Notes         []string
	Missing       string
}

type benchRow struct{ Name, Detail, Ours, Peer, Ratio string }

func (b *builder) benchView() *benchView {
	path := filepath.Join(b.cfg.Out, "bench.json")
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &benchView{Missing: "Not measured yet: run go run run.go bench (about 3 minutes with its peers)."}
	}
	var rep bench.Report
	if err == nil {
		err = json.Unmarshal(raw, &rep)
	}
	if err != nil {
		b.warn(fmt.Sprintf("%s: %v", path, err))
		return &benchView{Missing: fmt.Sprintf("Could not read %s: %v", path, err)}
	}
	m := rep.Machine
	simd := "without SIMD"
	if m.SIMD {
		simd = "with GOEXPERIMENT=simd"
	}
	v := &benchView{
		Machine: fmt.Sprintf("%s, %d cores, %s %s, %s backend, commit %s", m.CPU, m.Cores, m.Go, simd, m.Backend, m.Commit),
		Date:    rep.Date.Format("2006-01-02 15:04 UTC"),
		Notes:   rep.Notes,
	}
	for _, r := range rep.Results {
		row := benchRow{Name: r.Name, Detail: r.Detail, Ours: bench.Format(r.Value) + " " + r.Unit, Peer: "—", Ratio: "—"}
		if r.Peer != "" {
			row.Peer = fmt.Sprintf("%s %s (%s)", bench.Format(r.PeerValue), r.Unit, r.Peer)
			row.Ratio = fmt.Sprintf("%.2fx", r.Ratio)
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}
