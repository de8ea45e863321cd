package site

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mega-ssl/mega/gomlxssl/atomicfile"
	"github.com/mega-ssl/mega/gomlxssl/results"
)

// WriteLayout writes the t-SNE layout of the run in dir (its embeddings.csv,
// laid out as the report lays it out, thinned to the points a panel draws)
// to dst, results.LayoutFile's format: a reference run keeps these 2-D
// points instead of the embeddings. cacheDir holds the layouts already
// computed (OUT/.cache).
func WriteLayout(dir, dst, cacheDir string) error {
	emb, err := readEmbeddings(filepath.Join(dir, "embeddings.csv"))
	if err != nil {
		return err
	}
	y, _, err := tsneLayout(emb, cacheDir, tsneConfig)
	if err != nil {
		return err
	}
	xy, labels := thin(y, emb.labels, tsnePoints)
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# classes: %s\n", strings.Join(emb.classes, "|"))
	for i, l := range labels {
		fmt.Fprintf(&buf, "%.4g %.4g %d\n", xy[2*i], xy[2*i+1], l)
	}
	return atomicfile.Write(dst, buf.Bytes())
}

// readLayout reads a layout WriteLayout wrote: the points (row-major
// [n][2]), their classes' indices and the classes' names.
func readLayout(path string) (xy []float64, labels []int, classes []string, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, nil, err
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	head, ok := strings.CutPrefix(lines[0], "# classes: ")
	if !ok || len(lines) < 5 {
		return nil, nil, nil, fmt.Errorf("%s: want a '# classes: …' line and at least 4 points", path)
	}
	classes = strings.Split(head, "|")
	for i, l := range lines[1:] {
		f := strings.Fields(l)
		var x, y float64
		var c int
		if len(f) == 3 {
			x, err = strconv.ParseFloat(f[0], 64)
			if err == nil {
				y, err = strconv.ParseFloat(f[1], 64)
			}
			if err == nil {
				c, err = strconv.Atoi(f[2])
			}
		}
		if len(f) != 3 || err != nil || c < 0 || c >= len(classes) {
			return nil, nil, nil, fmt.Errorf("%s: line %d: want x y class", path, i+2)
		}
		xy, labels = append(xy, x, y), append(labels, c)
	}
	return xy, labels, classes, nil
}

// originView says, above a run's results, whose run it is: the repository's
// reference (the reader has none of their own), or the reader's own beside
// its reference, reproduced or not.
type originView struct {
	// Class styles it: "reference", "reproduced" or "differs".
	Class, Lead, Text string
	// Command, for a reference, makes the reader's own run.
	Command string
}

// origin is run e's originView; nil for the reader's run with no reference
// to compare with.
func origin(e *Experiment) *originView {
	if e.Reference != nil {
		return &originView{Class: "reference", Lead: "Reference run",
			Text:    fmt.Sprintf("from the repository (%s), not one of yours; your own replaces it:", e.Reference.Where()),
			Command: e.Reference.Command}
	}
	ref := e.Ref
	if ref == nil || e.Run == nil || e.Run.Status != results.StatusComplete {
		return nil
	}
	where := ref.Reference.Where()
	if d := results.SettingsDiffer(e.Run, ref.Run); len(d) > 0 {
		return &originView{Class: "differs", Lead: "Your run",
			Text: fmt.Sprintf("was made with other settings than the reference run of the same name (%s: %s), so the two are not compared.",
				where, strings.Join(d[:min(len(d), 3)], ", "))}
	}
	all := results.Compare(e.Run, ref.Run, ref.Seeds)
	var off []string
	for _, a := range all {
		if !a.Agrees() {
			off = append(off, fmt.Sprintf("%s %s against %s (%+.1f points; the band is ±%.1f)", a.Title, pct(a.Own), pct(a.Ref), 100*(a.Own-a.Ref), 100*a.Tolerance))
		}
	}
	switch {
	case len(all) == 0:
		return nil
	case len(off) == 0:
		return &originView{Class: "reproduced", Lead: "Your run reproduces the reference",
			Text: fmt.Sprintf("(%s): all %d figures the two share agree within their 95%% bands.", where, len(all))}
	}
	return &originView{Class: "differs", Lead: "Your run differs from the reference",
		Text: fmt.Sprintf("(%s) on %d of %d figures, beyond their 95%% bands: %s.", where, len(off), len(all), strings.Join(off, "; "))}
}

// withReference adds to a table row's note that its run is the repository's
// reference run, not the reader's.
func withReference(note string, e *Experiment) string {
	if e.Reference == nil {
		return note
	}
	if note == "" {
		return "reference run"
	}
	return note + "; reference run"
}
