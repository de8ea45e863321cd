package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/mega-ssl/mega/gomlxssl/results"
	"github.com/mega-ssl/mega/report/sitetest"
)

// A run's neighbours are a figure of tiles cut from its thumbnails: a row
// per test image, a column of neighbours per set with its count of
// another class, the wrong ones marked; a variant on the same data does
// not repeat it, and a run without the files shows none.
func TestNeighboursFigure(t *testing.T) {
	root, out := fixture(t)
	sitetest.WriteSampleNeighbours(t, out, "simclr")
	sitetest.WriteSampleResults(t, out, "simclr-wide", "SimCLR (wide head)")
	sitetest.RewriteRun(t, out, "simclr-wide", func(r *results.Run) { r.Experiment, r.Variant = "simclr", "wide" })
	sitetest.WriteSampleNeighbours(t, out, "simclr-wide")
	rep, err := Build(Config{Root: root, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	p := parsePage(t, rep.Path)
	figs := p.all(func(n *html.Node) bool { c, _ := attr(n, "class"); return n.Data == "figure" && c == "neighbours" })
	if len(figs) != 1 {
		t.Fatalf("%d neighbours figures, want one (the variant on the same data repeats none)", len(figs))
	}
	fig := figs[0]
	ft := text(fig)
	for _, want := range []string{"the sample run", "1 of 6 of another class", "raw pixels", "0 of 6 of another class",
		"random-init encoder", "the first 1 of each class", "under SimCLR"} {
		if !strings.Contains(ft, want) {
			t.Errorf("the figure lacks %q:\n%s", want, ft)
		}
	}
	tiles := p.allIn(fig, func(n *html.Node) bool {
		c, _ := attr(n, "class")
		return n.Data == "span" && strings.HasPrefix(c, "tile")
	})
	if len(tiles) != 3+3*3*2 {
		t.Fatalf("%d tiles, want 3 queries and 18 neighbours", len(tiles))
	}
	var wrong []string
	for _, n := range tiles {
		if c, _ := attr(n, "class"); c == "tile wrong" {
			l, _ := attr(n, "aria-label")
			s, _ := attr(n, "style")
			wrong = append(wrong, l+" @ "+s)
		}
	}
	// The first query's second neighbour under the run: tile 4 of the
	// sheet (3 a row: column 1, row 1), a square for a circle.
	if len(wrong) != 1 || wrong[0] != "square (another class), similarity 0.80 @ --x:1;--y:1" {
		t.Errorf("wrong-class tiles %q, want the run's one", wrong)
	}
	tables := p.allIn(fig, tag("table"))
	if len(tables) != 1 {
		t.Fatal("no table in the figure")
	}
	if s, _ := attr(tables[0], "style"); !strings.Contains(s, "--sheet:url(data:image/jpeg;base64,") || !strings.Contains(s, "--cols:3;--tile-w:8;--tile-h:8") {
		t.Errorf("the table's style does not hold the sheet: %.120s", s)
	}

	// A run without them shows none; a broken file is said, not drawn.
	for _, f := range []string{results.NeighboursFile, results.ThumbnailsFile} {
		if err := os.Remove(filepath.Join(out, "simclr", f)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(out, "simclr-wide", results.NeighboursFile), []byte(`{"k": 2`), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err = Build(Config{Root: root, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	p = parsePage(t, rep.Path)
	if n := len(p.all(func(n *html.Node) bool { c, _ := attr(n, "class"); return n.Data == "figure" && c == "neighbours" })); n != 0 {
		t.Errorf("%d neighbours figures without a readable file, want none", n)
	}
	if !strings.Contains(strings.Join(rep.Warnings, "\n"), results.NeighboursFile) {
		t.Errorf("the broken %s is not warned about: %q", results.NeighboursFile, rep.Warnings)
	}
}
