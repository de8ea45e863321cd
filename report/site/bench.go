package site

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/mega-ssl/mega/gomlxssl/bench"
	"github.com/mega-ssl/mega/gomlxssl/results"
)

// benchView is the throughput table from OUT/bench.json, and the
// evaluation's share of the runs on disk that measured it.
type benchView struct {
	Machine, Date string
	Rows          []benchRow
	Notes         []string
	Missing       string
	Eval          []evalRow
}

// evalRow is one run's time: the whole run, its kNN monitor (every epoch),
// its final evaluation, and the two's share of the run.
type evalRow struct{ Name, Anchor, Run, Monitor, Final, Share string }

// evalRows are the runs that measured their evaluation's time, in
// directory order.
func (b *builder) evalRows(anchors map[string]string) []evalRow {
	var dirs []string
	for d, r := range b.runs {
		// A run resumed after its epochs (a finished seed re-evaluated) has
		// a final evaluation but no monitor measured: not a share to show.
		if r.FinalEvalS > 0 && r.MonitorS > 0 && r.DurationS > 0 && r.Status == results.StatusComplete {
			dirs = append(dirs, d)
		}
	}
	sort.Strings(dirs)
	var rows []evalRow
	for _, d := range dirs {
		r := b.runs[d]
		rows = append(rows, evalRow{Name: r.Title, Anchor: cmp.Or(anchors[d], anchors[r.Experiment]), Run: duration(r.DurationS),
			Monitor: fmt.Sprintf("%.0f s", r.MonitorS), Final: fmt.Sprintf("%.0f s", r.FinalEvalS),
			Share: fmt.Sprintf("%.1f%%", 100*(r.MonitorS+r.FinalEvalS)/r.DurationS)})
	}
	return rows
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
