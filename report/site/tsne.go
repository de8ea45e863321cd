package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mega-ssl/mega/gomlxssl/atomicfile"
	"github.com/mega-ssl/mega/gomlxssl/results"
	"github.com/mega-ssl/mega/gomlxssl/tsne"
)

// tsneConfig is how the report lays out embeddings: perplexity 30 (the
// talk used 200 for MoCo on 10,000 CIFAR images; 30 suits the 1,000-point
// samples here), 1,000 iterations, seed 1.
var tsneConfig = tsne.Config{Perplexity: 30, Iterations: 1000, Seed: 1}

// embeddings is a parsed embeddings.csv: its labels and classes, and its
// vectors, parsed only when a layout is not in the cache (vectors) — a
// rebuild reads every run's file, and parsing 128 numbers a line (through
// encoding/csv) was most of a rebuild's time. The file is the plain CSV
// results.WriteEmbeddings writes: no quoted fields.
type embeddings struct {
	path    string
	lines   [][]byte // the data lines
	n, dim  int
	labels  []int
	classes []string
	sum     string // SHA-256 of the file, the cache key
}

func readEmbeddings(path string) (*embeddings, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	lines := bytes.Split(bytes.TrimRight(b, "\r\n"), []byte("\n"))
	header := strings.Split(strings.TrimRight(string(lines[0]), "\r"), ",")
	if len(lines) < 5 || len(header) < 3 || header[0] != "label" || header[1] != "class" {
		return nil, fmt.Errorf("%s: want a header label,class,e0,… and at least 4 rows", path)
	}
	h := sha256.Sum256(b)
	e := &embeddings{path: path, lines: lines[1:], dim: len(header) - 2, sum: hex.EncodeToString(h[:8])}
	for i, line := range e.lines {
		line = bytes.TrimRight(line, "\r")
		e.lines[i] = line
		if f := bytes.Count(line, []byte(",")) + 1; f != e.dim+2 {
			return nil, fmt.Errorf("%s: line %d has %d fields, want %d", path, i+2, f, e.dim+2)
		}
		label, rest, _ := bytes.Cut(line, []byte(","))
		class, _, _ := bytes.Cut(rest, []byte(","))
		l, err := strconv.Atoi(string(label))
		if err != nil || l < 0 || l > 1000 {
			return nil, fmt.Errorf("%s: line %d: bad label %q", path, i+2, label)
		}
		for len(e.classes) <= l {
			e.classes = append(e.classes, "")
		}
		e.classes[l] = string(class)
		e.labels = append(e.labels, l)
	}
	e.n = len(e.labels)
	return e, nil
}

// vectors parses the embeddings themselves, row-major [n][dim].
func (e *embeddings) vectors() ([]float64, error) {
	x := make([]float64, 0, e.n*e.dim)
	for i, line := range e.lines {
		fields := strings.Split(string(line), ",")
		for _, f := range fields[2:] {
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				return nil, fmt.Errorf("%s: line %d: %w", e.path, i+2, err)
			}
			x = append(x, v)
		}
	}
	return x, nil
}

// tsneLayout returns the t-SNE layout of e, from the cache under cacheDir when
// the same file was laid out before with the same settings.
func tsneLayout(e *embeddings, cacheDir string, cfg tsne.Config) ([]float64, bool, error) {
	key := fmt.Sprintf("%s-p%g-i%d-s%d", e.sum, cfg.Perplexity, cfg.Iterations, cfg.Seed)
	path := filepath.Join(cacheDir, "tsne-"+key+".csv")
	if b, err := os.ReadFile(path); err == nil {
		fields := strings.Fields(string(b))
		if len(fields) == 2*e.n {
			y := make([]float64, 2*e.n)
			ok := true
			for i, f := range fields {
				if y[i], err = strconv.ParseFloat(f, 64); err != nil {
					ok = false
					break
				}
			}
			if ok {
				return y, true, nil
			}
		}
	}
	x, err := e.vectors()
	if err != nil {
		return nil, false, err
	}
	y, err := tsne.Embed(x, e.n, e.dim, cfg)
	if err != nil {
		return nil, false, err
	}
	var buf bytes.Buffer
	for i := range e.n {
		fmt.Fprintf(&buf, "%g %g\n", y[2*i], y[2*i+1])
	}
	return y, false, atomicfile.Write(path, buf.Bytes())
}

// tsnePoints is the most points a t-SNE panel draws: every k-th of the
// laid-out sample, classes in proportion. At 2,000 the panels' clouds
// overlapped into blots and the grids weighed half as much again.
const tsnePoints = 1000

// thin keeps every k-th point of xy (row-major [n][2]) and labels so that at
// most max remain.
func thin(xy []float64, labels []int, max int) ([]float64, []int) {
	n := len(labels)
	if n <= max {
		return xy, labels
	}
	k := (n + max - 1) / max
	var x2 []float64
	var l2 []int
	for i := 0; i < n; i += k {
		x2, l2 = append(x2, xy[2*i], xy[2*i+1]), append(l2, labels[i])
	}
	return x2, l2
}

// mainRun tells whether r is its experiment's main run on its data — the
// run itself, or its run on other data (simclr-fashion-mnist) — and not a
// variant of other settings (simclr-50ep-fashion-mnist, dino-local4), which
// has its own section: a grid shows each method once.
func mainRun(r *results.Run) bool {
	return r.Variant == "" || r.Variant == r.Dataset.Name
}

// layoutOf is run e's t-SNE panel: its embeddings laid out (from the cache
// when they were before) and thinned, or a reference run's kept layout
// (results.LayoutFile); nil points where the run has neither.
func (b *builder) layoutOf(e *Experiment, cache string) (xy []float64, labels []int, classes []string, err error) {
	path := filepath.Join(e.Dir, "embeddings.csv")
	if _, err := os.Stat(path); err != nil {
		if layout := filepath.Join(e.Dir, results.LayoutFile); e.Reference != nil && fileExists(layout) {
			return readLayout(layout)
		}
		return nil, nil, nil, nil
	}
	emb, err := readEmbeddings(path)
	if err != nil {
		return nil, nil, nil, err
	}
	y, cached, err := tsneLayout(emb, cache, tsneConfig)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s: t-SNE: %v", e.Name, err)
	}
	if !cached {
		b.logf("t-SNE of %s (%d points) computed", e.Name, emb.n)
	}
	xy, labels = thin(y, emb.labels, tsnePoints)
	return xy, labels, emb.classes, nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// tsneGrid lays out the embeddings of every main run in runs, one panel
// each, and returns the figure's data-tsne attribute (tsneSpec) and the
// panel count.
func (b *builder) tsneGrid(exps []*Experiment, titles map[string]string) (template.HTMLAttr, int, error) {
	cache := filepath.Join(b.cfg.Out, ".cache")
	var panels []tsnePanel
	var classes []string
	for _, e := range exps {
		if e.Run == nil || e.Run.Collapsed || !mainRun(e.Run) {
			continue
		}
		xy, labels, runClasses, err := b.layoutOf(e, cache)
		if err != nil {
			b.warn(err.Error())
			continue
		}
		if xy == nil {
			continue
		}
		if len(runClasses) > len(classes) {
			classes = runClasses
		}
		title := titles[e.Name]
		if e.Run != nil { // a grid is of one dataset, which its caption names; each panel says its kNN
			title = strings.TrimSuffix(title, " on "+results.DatasetTitle(e.Run.Dataset.Name))
			if e.Run.LinearProbed() {
				title += ": kNN\u00a0" + pct(e.Run.Metrics.KNNTop1) // kept on one line
			}
		}
		panels = append(panels, tsnePanel{Title: title, Points: quantise(xy, labels)})
	}
	if len(panels) == 0 {
		return "", 0, nil
	}
	j, err := json.Marshal(tsneSpec{Classes: classes, Panels: panels})
	if err != nil {
		return "", 0, err
	}
	return template.HTMLAttr(`data-tsne="` + template.HTMLEscapeString(string(j)) + `"`), len(panels), nil
}

// A t-SNE grid is drawn by the page's script on canvases, from each panel's
// points at one byte a coordinate: 3 bytes a point (x, y, class), a
// thousand points in 4 KB of base64 where a panel as PNG took 12 KB; the
// points land on a 256-step grid over a panel some 250 pixels wide, so
// nothing moves that an eye could see.
type tsneSpec struct {
	Classes []string    `json:"classes"`
	Panels  []tsnePanel `json:"panels"`
}

// tsnePanel is one method's map: its title and its points, x, y and class
// a byte each (Go's JSON writes a byte slice as base64).
type tsnePanel struct {
	Title  string `json:"title"`
	Points []byte `json:"points"`
}

// quantise maps the points xy (row-major [n][2]) onto 0…255 on both axes
// with one scale, the larger range's (t-SNE's distances mean the same
// across and up), centring the smaller, and appends each point's class.
func quantise(xy []float64, labels []int) []byte {
	lo := [2]float64{math.Inf(1), math.Inf(1)}
	hi := [2]float64{math.Inf(-1), math.Inf(-1)}
	for i := range labels {
		for a := range 2 {
			lo[a], hi[a] = min(lo[a], xy[2*i+a]), max(hi[a], xy[2*i+a])
		}
	}
	span := max(hi[0]-lo[0], hi[1]-lo[1], 1e-12)
	out := make([]byte, 0, 3*len(labels))
	for i, l := range labels {
		for a := range 2 {
			off := (span - (hi[a] - lo[a])) / 2
			out = append(out, byte(math.Round((xy[2*i+a]-lo[a]+off)/span*255)))
		}
		out = append(out, byte(min(max(l, 0), 255)))
	}
	return out
}
