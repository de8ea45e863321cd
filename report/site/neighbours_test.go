package site

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
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
	if ft := text(fig); !strings.Contains(ft, "the first of each class in the test split") || !strings.Contains(ft, "under SimCLR") {
		t.Errorf("caption: %s", ft)
	}
	scripts := p.allIn(fig, func(n *html.Node) bool { c, _ := attr(n, "class"); return n.Data == "script" && c == "nb-data" })
	if len(scripts) != 1 || scripts[0].FirstChild == nil {
		t.Fatal("no data in the figure")
	}
	var d neighboursData
	if err := json.Unmarshal([]byte(scripts[0].FirstChild.Data), &d); err != nil {
		t.Fatal(err)
	}
	var sets []string
	for _, s := range d.Sets {
		sets = append(sets, s.Title+": "+s.Wrong)
	}
	if want := []string{"the sample run: 1 of 6 of another class", "raw pixels: 0 of 6 of another class", "random-init encoder: 0 of 6 of another class"}; !slices.Equal(sets, want) {
		t.Errorf("sets %q, want %q", sets, want)
	}
	// Each image once in the atlas, in the order the figure shows them:
	// the first query, then its neighbours in each set, the next query…
	if len(d.Rows) != 3 || d.Cols != atlasColumns || d.Rows[0].Query != [3]int{0, 0, 0} || d.Rows[0].Sets[0][1] != [3]int{2, 1, 80} || d.Rows[2].Sets[2][1] != [3]int{20, 2, 80} {
		t.Errorf("rows %v", d.Rows)
	}
	atlas, _ := attr(fig, "data-atlas")
	if page, err := os.ReadFile(rep.Path); err != nil || !strings.Contains(string(page), "."+atlas+"{--sheet:url(data:image/jpeg;base64,") {
		t.Errorf("no style gives the figure's atlas %q its image", atlas)
	}

	// A second method on the same data shares the atlas: only its own
	// neighbours are added; the pixels' and random-init ones are there.
	mocoRoot, mocoOut := mocoFixture(t)
	sitetest.WriteSampleNeighbours(t, mocoOut, "simclr")
	sitetest.WriteSampleNeighbours(t, mocoOut, "moco")
	before := atlasTiles(t, mocoRoot, mocoOut)
	n, err := results.ReadNeighbours(filepath.Join(mocoOut, "moco", results.NeighboursFile))
	if err != nil {
		t.Fatal(err)
	}
	for q := range n.Sets[0].Rows { // moco's own neighbours: other training images
		for i := range n.Sets[0].Rows[q] {
			n.Sets[0].Rows[q][i].Index += 1000
		}
	}
	if err := results.WriteJSON(filepath.Join(mocoOut, "moco", results.NeighboursFile), n); err != nil {
		t.Fatal(err)
	}
	if after := atlasTiles(t, mocoRoot, mocoOut); after != before+6 {
		t.Errorf("atlas tiles %d with moco's own neighbours, want %d + its 6", after, before)
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

// atlasTiles builds the report and counts the images in its atlases.
func atlasTiles(t *testing.T, root, out string) int {
	t.Helper()
	rep, err := Build(Config{Root: root, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	return rep.Thumbnails
}
