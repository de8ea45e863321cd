package site

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/mega-ssl/mega/gomlxssl/results"
	"github.com/mega-ssl/mega/report/sitetest"
)

// repoRoot is the repository root, two levels up from this package.
const repoRoot = "../.."

func fixture(t testing.TB) (root, out string) { return sitetest.Fixture(t, repoRoot) }

// page is a parsed report.
type page struct {
	doc *html.Node
	raw string
}

func parsePage(t *testing.T, path string) page {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return page{doc: doc, raw: string(b)}
}

func (p page) all(match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for n := range p.doc.Descendants() {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
	}
	return out
}

// allIn is all, under root.
func (p page) allIn(root *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for n := range root.Descendants() {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
	}
	return out
}

func tag(name string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == name }
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// TalkOrder is the talk's outline (../shared/deck.md), which the page's
// sections must follow.
var TalkOrder = []string{"Preliminary", "Handcrafted pretext tasks", "Generative methods", "Contrastive learning", "Experiments", "Future directions"}

// PageOrder is the talk's outline, then what the field did after it, then
// the report's appendices.
var PageOrder = append(append([]string{}, TalkOrder...), "After the talk", "Appendix: performance")

func TestReportStructure(t *testing.T) {
	root, out := fixture(t)
	rep, err := Build(Config{Root: root, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Experiments != 2 || rep.WithResults != 1 || len(rep.Warnings) != 0 {
		t.Errorf("report: %+v", rep)
	}
	p := parsePage(t, rep.Path)

	// Sections in the talk's order.
	var h2 []string
	for _, h := range p.all(tag("h2")) {
		h2 = append(h2, strings.TrimLeft(text(h), "0123456789. "))
	}
	// The results at a glance come first, before the talk.
	if len(h2) == 0 || h2[0] != "Results at a glance" {
		t.Errorf("first section %q, want the results at a glance", h2)
	} else {
		h2 = h2[1:]
	}
	if strings.Join(h2, "|") != strings.Join(PageOrder, "|") {
		t.Errorf("sections %q, want the talk's order and the appendices %q", h2, PageOrder)
	}

	// Unique ids.
	ids := map[string]bool{}
	for _, n := range p.all(func(n *html.Node) bool { _, ok := attr(n, "id"); return ok }) {
		id, _ := attr(n, "id")
		if ids[id] {
			t.Errorf("duplicate id %q", id)
		}
		ids[id] = true
	}

	// TOC entries match headings, in order.
	headings := map[string]string{}
	var headingOrder []string
	for _, h := range p.all(func(n *html.Node) bool { return n.Data == "h2" || n.Data == "h3" }) {
		id, _ := attr(h, "id")
		headings[id] = text(h)
		headingOrder = append(headingOrder, id)
	}
	toc := p.all(func(n *html.Node) bool {
		href, _ := attr(n, "href")
		return n.Data == "a" && n.Parent != nil && strings.HasPrefix(n.Parent.Data, "li") && strings.HasPrefix(href, "#") && isIn(n, "nav")
	})
	if len(toc) != len(headingOrder) {
		t.Errorf("TOC has %d entries, page has %d h2/h3 headings", len(toc), len(headingOrder))
	}
	for i, a := range toc {
		href, _ := attr(a, "href")
		id := href[1:]
		h, ok := headings[id]
		if !ok {
			t.Errorf("TOC entry %q points at no heading", href)
			continue
		}
		if !strings.HasPrefix(h, text(a)) {
			t.Errorf("TOC entry %q reads %q, heading reads %q", href, text(a), h)
		}
		if i < len(headingOrder) && headingOrder[i] != id {
			t.Errorf("TOC entry %d is %q, heading %d is %q", i, id, i, headingOrder[i])
		}
	}

	// Self-contained: every src is a data: URI that decodes, every href an
	// anchor on the page; no <link>, no external script.
	for _, n := range p.all(func(*html.Node) bool { return true }) {
		if src, ok := attr(n, "src"); ok {
			m := regexp.MustCompile(`^data:image/[a-z+]+;base64,(.+)$`).FindStringSubmatch(src)
			svg := regexp.MustCompile(`^data:image/svg\+xml;charset=utf-8,(.+)$`).FindStringSubmatch(src)
			switch {
			case svg != nil: // an SVG as its text, percent-encoded where a URI needs it
				if text, err := url.PathUnescape(svg[1]); err != nil || !strings.Contains(text, "<svg") || strings.ContainsAny(svg[1], "\n\t") {
					t.Errorf("<%s> SVG data URI does not decode to an SVG on one line: %v", n.Data, err)
				}
			case m == nil:
				t.Errorf("<%s src=%.60q> is not an inlined image", n.Data, src)
			default:
				if b, err := base64.StdEncoding.DecodeString(m[1]); err != nil || len(b) == 0 {
					t.Errorf("<%s> data URI does not decode: %v", n.Data, err)
				}
			}
		}
		if href, ok := attr(n, "href"); ok {
			if !strings.HasPrefix(href, "#") {
				// The only links off the page are to local files beside it: a
				// run's data, a notebook's source; they must exist.
				if strings.Contains(href, "://") || strings.HasPrefix(href, "/") {
					t.Errorf("<%s href=%q> leaves the page", n.Data, href)
				} else if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(href))); err != nil {
					t.Errorf("<%s href=%q>: %v", n.Data, href, err)
				}
			} else if !ids[href[1:]] {
				t.Errorf("<%s href=%q> points at no element", n.Data, href)
			}
		}
		if n.Data == "link" {
			t.Errorf("<link> in a self-contained page")
		}
	}
	if strings.Contains(p.raw, "raw HTML omitted") {
		t.Error("the page contains \"raw HTML omitted\"")
	}

	// Figures: numbered 1, 2, … in order, each with an image (or a chart the
	// page draws from data) and a caption.
	figs := p.all(tag("figure"))
	if len(figs) < 2 {
		t.Errorf("%d figures, want SimCLR's and the t-SNE grid", len(figs))
	}
	for i, f := range figs {
		var img, cap *html.Node
		for d := range f.Descendants() {
			switch d.Data {
			case "img":
				img = d
			case "figcaption":
				cap = d
			}
		}
		_, chart := attr(f, "data-chart")
		_, tsne := attr(f, "data-tsne")
		_, labels := attr(f, "data-labels")
		if (chart || tsne || labels) && img == nil {
			img = f
		}
		if img == nil || cap == nil || !strings.HasPrefix(text(cap), fmt.Sprintf("Figure %d.", i+1)) {
			t.Errorf("figure %d: img %v, caption %q", i+1, img != nil, text(cap))
		}
	}

	// Math is MathML; the narrative's formulas all converted.
	if maths := p.all(tag("math")); len(maths) < 8 {
		t.Errorf("%d <math> elements, want the narrative's formulas", len(maths))
	}
	if strings.Contains(p.raw, "merror") || strings.Contains(p.raw, "$$") {
		t.Error("math left unconverted")
	}

	// SimCLR's results, the comparison and the published numbers.
	for _, want := range []string{
		"28.4%", "48.2%", "91.6%", "random-init encoder", "supervised encoder (10 epochs)",
		"601543d", "shapes: 6000 train / 1000 test images", "kNN top-1 per epoch",
		"Published numbers (not ours)", "Method (published)", "81.54", "92.94",
		"Not run yet. Run it with go run ./experiments/rotation",
		"Run it again: go run ./experiments/simclr",
		"Not measured yet: run go run run.go bench",
	} {
		if !strings.Contains(text(p.doc), want) {
			t.Errorf("page lacks %q", want)
		}
	}
	compare := p.all(func(n *html.Node) bool { c, _ := attr(n, "class"); return n.Data == "table" && c == "compare" })
	if len(compare) != 4 || !strings.Contains(text(compare[0]), "SimCLR") || !strings.Contains(text(compare[0]), "random-init convnet-16-32-64-128") {
		t.Errorf("comparison table missing or without SimCLR and its baselines")
	}
	if d := p.all(func(n *html.Node) bool { c, _ := attr(n, "class"); return n.Data == "details" && c == "code" }); len(d) == 0 {
		t.Error("no folded code")
	} else if _, open := attr(d[0], "open"); open {
		t.Error("code is not folded by default")
	}
}

func isIn(n *html.Node, tag string) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && p.Data == tag {
			return true
		}
	}
	return false
}

// TestBuildIsFast: with the t-SNE layout cached, a build takes well under a
// second.
func TestBuildIsFast(t *testing.T) {
	root, out := fixture(t)
	if _, err := Build(Config{Root: root, Out: out}); err != nil {
		t.Fatal(err)
	}
	rep, err := Build(Config{Root: root, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Elapsed > time.Second {
		t.Errorf("build took %v, want < 1 s", rep.Elapsed)
	}
	t.Logf("build: %v, %d KB", rep.Elapsed, rep.Bytes/1024)
}

// Bad results are warnings on the page, not a failed build; bad narrative
// or templates fail it and keep the previous page.
func TestBadInput(t *testing.T) {
	root, out := fixture(t)
	if err := os.WriteFile(filepath.Join(out, "simclr", "run.json"), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := Build(Config{Root: root, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Warnings) == 0 || !strings.Contains(rep.Warnings[0], "run.json") {
		t.Errorf("warnings %q, want one about run.json", rep.Warnings)
	}
	good, _ := os.ReadFile(rep.Path)
	if !strings.Contains(string(good), "could not read") {
		t.Error("the page does not show the unreadable run.json")
	}

	sitetest.WriteSampleResults(t, out, "simclr", "SimCLR")
	if err := os.Remove(filepath.Join(out, "simclr", "knn.svg")); err != nil {
		t.Fatal(err)
	}
	if rep, err = Build(Config{Root: root, Out: out}); err != nil || len(rep.Warnings) == 0 || !strings.Contains(rep.Warnings[0], "knn.svg") {
		t.Errorf("missing figure: err %v, warnings %q", err, rep.Warnings)
	}
	good, _ = os.ReadFile(rep.Path)

	for file, edit := range map[string]func(string) string{
		"templates/narrative/04-contrastive.md": func(s string) string { return s + "\n$\\nosuchcommand$\n" },
		"templates/narrative/02-pretext.md":     func(s string) string { return s + "\n@nosuchdirective\n" },
		"templates/page.html":                   func(s string) string { return s + "{{.NoSuchField" },
	} {
		path := filepath.Join(root, file)
		orig, _ := os.ReadFile(path)
		if err := os.WriteFile(path, []byte(edit(string(orig))), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Build(Config{Root: root, Out: out})
		if err == nil {
			t.Errorf("%s broken: no error", file)
		} else if !strings.Contains(err.Error(), filepath.Base(file)) && !strings.Contains(err.Error(), "templates") {
			t.Errorf("%s broken: error %q does not say where", file, err)
		}
		if now, _ := os.ReadFile(rep.Path); !bytes.Equal(now, good) {
			t.Errorf("%s broken: the previous page was overwritten", file)
		}
		if err := os.WriteFile(path, orig, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// The published numbers on the page are the ones ../shared/deck.md holds.
func TestPublishedNumbersMatchDeck(t *testing.T) {
	deck, err := os.ReadFile(filepath.Join(repoRoot, "..", "shared", "deck.md"))
	if err != nil {
		t.Skipf("../shared/deck.md not beside the checkout: %v", err)
	}
	narr, err := os.ReadFile(filepath.Join(repoRoot, "templates/narrative/05-experiments.md"))
	if err != nil {
		t.Fatal(err)
	}
	// The talk's table: every row of the deck's table is on the page verbatim.
	for _, line := range strings.Split(string(deck), "\n") {
		for _, m := range []string{"| Naive memory bank", "| MoCo |", "| SimCLR |", "| SwAV |", "| Supervised |"} {
			if strings.HasPrefix(line, m) && !strings.Contains(string(narr), line) {
				t.Errorf("deck row %q not on the page", line)
			}
		}
	}
	// solo-learn and lightly: each "Name number" pair of the deck appears in
	// the narrative's table (lightly's fractions as percentages).
	pair := regexp.MustCompile(`([A-Z][A-Za-z0-9+ ]+?) (0?\.\d+|\d+\.\d+)`)
	for _, line := range strings.Split(string(deck), "\n") {
		lightly := strings.Contains(line, "lightly, kNN")
		if !strings.Contains(line, "solo-learn, 1000 epochs") && !lightly {
			continue
		}
		_, list, _ := strings.Cut(line, ": ")
		for _, m := range pair.FindAllStringSubmatch(list, -1) {
			name, val := strings.TrimSpace(m[1]), m[2]
			if lightly {
				var f float64
				fmt.Sscan(val, &f)
				val = fmt.Sprintf("%.1f", 100*f)
			}
			row := regexp.MustCompile(`(?m)^\| ` + regexp.QuoteMeta(name) + ` \|.*\b` + regexp.QuoteMeta(val) + `\b`)
			if !row.Match(narr) {
				t.Errorf("published %s %s not in the narrative's table", name, val)
			}
		}
	}
}

// An experiment that no narrative places still gets a section, after the
// talk's, so nothing written is lost from the page.
func TestUnplacedExperiment(t *testing.T) {
	root, out := fixture(t)
	copyTo := filepath.Join(root, "experiments", "zebra", "main.go")
	if err := os.MkdirAll(filepath.Dir(copyTo), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(copyTo, []byte("// # Zebra\n//\n// Stripes.\npackage main\n\nfunc main() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := Build(Config{Root: root, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	p := parsePage(t, rep.Path)
	h2 := p.all(tag("h2"))
	last := text(h2[len(h2)-1])
	if len(h2) != len(PageOrder)+2 || !strings.HasSuffix(last, "Other experiments") { // + the results at a glance
		t.Errorf("last section %q of %d, want \"Other experiments\" after the talk's", last, len(h2))
	}
	if !strings.Contains(text(p.doc), "Stripes.") || !strings.Contains(text(p.doc), "go run ./experiments/zebra") {
		t.Error("the unplaced experiment's narrative or command is missing")
	}
}

// rewriteRun edits the run.json under out/dir.
func rewriteRun(t *testing.T, out, dir string, edit func(r *results.Run)) {
	t.Helper()
	sitetest.RewriteRun(t, out, dir, edit)
}

// A variant's results (OUT/<name>-<variant>/) show in its experiment's
// section and in the comparisons; a run that used labels is marked and takes
// no best mark; a directory whose run.json names another experiment is not
// taken for a variant; the 1%-labels columns show where measured.
func TestVariantsAndComparisons(t *testing.T) {
	root, out := fixture(t)
	rewriteRun(t, out, "simclr", func(r *results.Run) {
		r.Metrics.KNNTop1OnePct, r.Metrics.LinearTop1OnePct, r.Metrics.OnePctLabels = 0.234, 0.345, 60
	})
	sitetest.WriteSampleResults(t, out, "simclr-wide", "SimCLR (wide head)")
	rewriteRun(t, out, "simclr-wide", func(r *results.Run) {
		r.Experiment, r.Variant, r.Args = "simclr", "wide", []string{"-proj-hidden=1024", "-baselines=/home/someone/out/baselines"}
		half := 0.5
		r.Metrics.KNNTop1, r.Metrics.PretextAccuracy = 0.456, &half
	})
	sitetest.WriteSampleResults(t, out, "simclr-labels", "SimCLR with labels")
	rewriteRun(t, out, "simclr-labels", func(r *results.Run) {
		r.Experiment, r.Variant, r.Labels = "simclr", "labels", true
		r.Metrics.KNNTop1 = 0.9
	})
	sitetest.WriteSampleResults(t, out, "simclr-histo", "SimCLR on patches")
	rewriteRun(t, out, "simclr-histo", func(r *results.Run) {
		r.Experiment, r.Variant = "simclr", "histo"
		r.Dataset.Name, r.Dataset.Classes = "histo", 2
		r.Metrics.KNNTop1 = 0.99
		r.Baselines.RandomInit.KNNTop1 = 0.75
	})
	sitetest.WriteSampleResults(t, out, "simclr-foreign", "Foreign")
	rewriteRun(t, out, "simclr-foreign", func(r *results.Run) { r.Experiment, r.Variant = "other", "foreign" })
	rep, err := Build(Config{Root: root, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	p := parsePage(t, rep.Path)
	page := text(p.doc)
	for _, want := range []string{"Results: SimCLR (wide head)", "go run ./experiments/simclr -proj-hidden=1024",
		"Results: SimCLR with labels", "used in pre-training", "23.4%", "34.5%"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, "Foreign") {
		t.Error("another experiment's directory was shown as a variant")
	}
	if strings.Contains(page, "/home/someone") {
		t.Error("a run's command shows the local path of its baselines' cache")
	}
	compare := p.all(func(n *html.Node) bool { c, _ := attr(n, "class"); return n.Data == "table" && c == "compare" })
	// Four directives (the four methods, every method, hard negatives and
	// NNCLR beside SimCLR), each a table per dataset: shapes, then the patches.
	if len(compare) != 8 {
		t.Fatalf("%d comparison tables, want the four methods', every method's, and hard negatives and NNCLR beside SimCLR, on each of two datasets", len(compare))
	}
	if n := strings.Count(page, "On tissue patches"); n != 4 {
		t.Errorf("%d tables headed \"On tissue patches\", want 4", n)
	}
	for _, table := range compare {
		if strings.Contains(text(table), "SimCLR on patches") {
			body := text(p.allIn(table, tag("tbody"))[0])
			if strings.Contains(body, "SimCLR (wide head)") || strings.Contains(body, "★") {
				t.Errorf("the patches' table holds a shapes run or a best mark: %s", text(table))
			}
			continue
		}
		for _, row := range p.allIn(table, tag("tr")) {
			name := text(row)
			switch {
			case strings.HasPrefix(name, "SimCLR with labels"):
				if !strings.Contains(name, "pre-trained with labels") || strings.Contains(name, "★") {
					t.Errorf("labelled run's row %q: want the note and no best mark", name)
				}
			case strings.HasPrefix(name, "SimCLR (wide head)"):
				if !strings.Contains(name, "45.6% ±3.1 ★") {
					t.Errorf("variant row %q: want its kNN 45.6%% (±3.1 on 1,000 images) marked best", name)
				}
				// Its linear top-1 equals SimCLR's: level, no star.
				if !strings.Contains(name, "48.2% ±3.1 ≈") {
					t.Errorf("variant row %q: want its linear top-1, equal to SimCLR's, marked level", name)
				}
				if strings.Contains(name, "50.0% ±3.1 ★") || strings.Contains(name, "50.0% ±3.1 ≈") {
					t.Errorf("row %q: a pretext task's accuracy took a best mark", name)
				}
			case strings.HasPrefix(name, "SimCLR on patches"):
				// Alone on its data: no mark, although 99% tops the column.
				if strings.Contains(name, "★") {
					t.Errorf("row %q: a run on other data took a best mark", name)
				}
			}
		}
		if !strings.Contains(text(table), "SimCLR (wide head)") {
			t.Error("a comparison lacks the variant")
		}
		// A run with a pretext task adds its column; every row has a cell per column.
		head := p.allIn(table, tag("th"))
		columns := 0
		for _, h := range head {
			if v, _ := attr(h, "scope"); v == "col" {
				columns++
			}
		}
		if !strings.Contains(text(table), "pretext-task accuracy") || !strings.Contains(text(table), "50.0%") {
			t.Error("a comparison with a pretext task lacks its column")
		}
		for _, row := range p.allIn(table, tag("tr"))[1:] {
			if cells := len(p.allIn(row, tag("td"))) + 1; cells != columns {
				t.Errorf("row %q has %d cells for %d columns", text(row), cells, columns)
			}
		}
	}
}

// @sweep draws an experiment's runs that measured a pretext task, on one
// dataset, as a numbered figure, and says what to run while fewer than two
// have (a chart of one run is no sweep).
func TestSweep(t *testing.T) {
	root, out := fixture(t)
	narr := filepath.Join(root, "templates", "narrative", "04-contrastive.md")
	b, _ := os.ReadFile(narr)
	if err := os.WriteFile(narr, append(b, "\n@sweep simclr\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := Build(Config{Root: root, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if page := text(parsePage(t, rep.Path).doc); !strings.Contains(page, "The sweep needs several runs of simclr on one dataset (0 so far)") {
		t.Error("a sweep without pretext runs does not say so")
	}
	sitetest.WriteSampleResults(t, out, "simclr-puzzle", "SimCLR puzzle")
	none := 0.0 // a task too hard to learn still shows
	rewriteRun(t, out, "simclr-puzzle", func(r *results.Run) { r.Experiment, r.Variant, r.Metrics.PretextAccuracy = "simclr", "puzzle", &none })
	if rep, err = Build(Config{Root: root, Out: out}); err != nil {
		t.Fatal(err)
	}
	if page := text(parsePage(t, rep.Path).doc); !strings.Contains(page, "(1 so far)") {
		t.Error("a sweep of one run was drawn")
	}
	half := 0.5
	rewriteRun(t, out, "simclr", func(r *results.Run) { r.Metrics.PretextAccuracy = &half })
	if rep, err = Build(Config{Root: root, Out: out}); err != nil {
		t.Fatal(err)
	}
	p := parsePage(t, rep.Path)
	found := false
	for _, f := range p.all(tag("figure")) {
		found = found || strings.Contains(text(f), "The runs of simclr")
	}
	if !found {
		t.Error("no sweep figure for a run with a pretext task")
	}
}

// A ★ needs a lead larger than the combined 95% intervals: 41.4% against
// 39.0% on 1,000 test images is level (≈ on both), the same figures on
// 100,000 images are apart (★ on the top only); a collapsed run's higher
// figure neither takes a mark nor takes one away.
func TestMarksRespectTheUncertainty(t *testing.T) {
	run := func(name string, knn float64, test int, collapsed bool) *Experiment {
		return &Experiment{Name: name, Run: &results.Run{Experiment: name, Title: name, Status: results.StatusComplete,
			Collapsed: collapsed, Dataset: results.DatasetRef{Name: "shapes", Train: 6000, Test: test, Classes: 10},
			Metrics: results.Metrics{KNNTop1: knn, LinearTop1: knn, LinearTop5: knn, Epochs: 1}}}
	}
	marks := func(c *comparisonView) (best, level []string) {
		for _, r := range c.Rows {
			if r.Cells[0].Best {
				best = append(best, r.Name)
			}
			if r.Cells[0].Level {
				level = append(level, r.Name)
			}
		}
		return best, level
	}
	for _, tc := range []struct {
		test        int
		best, level string
	}{{1000, "", "a b"}, {100000, "a", ""}} {
		c := comparison([]*Experiment{run("a", 0.414, tc.test, false), run("b", 0.39, tc.test, false), run("c", 0.9, tc.test, true)}, nil)
		best, level := marks(c)
		if strings.Join(best, " ") != tc.best || strings.Join(level, " ") != tc.level || c.Level != (tc.level != "") {
			t.Errorf("%d test images: ★ %q, ≈ %q (table level %v), want ★ %q, ≈ %q", tc.test, best, level, c.Level, tc.best, tc.level)
		}
	}
	// A quick-preset run is a smoke test: shown, never marked, however far
	// it leads; a method the table names without a run is named under it,
	// not a row of dashes.
	quick := run("q", 0.9, 100000, false)
	quick.Run.Config = map[string]any{"preset": "quick"}
	c := comparison([]*Experiment{quick, run("a", 0.414, 100000, false), run("b", 0.39, 100000, false)}, nil, "MoCo v2")
	if best, _ := marks(c); strings.Join(best, " ") != "a" || c.Rows[0].Note != "quick preset: a smoke test" {
		t.Errorf("with a quick run: ★ %q, its note %q", best, c.Rows[0].Note)
	}
	if len(c.Rows) != 3 || strings.Join(c.NotRun, ",") != "MoCo v2" {
		t.Errorf("a method without a run: %d rows, named under the table: %q", len(c.Rows), c.NotRun)
	}

	// A run still training has no linear probe yet: dashes, not 0.0%.
	partial := run("p", 0.5, 1000, false)
	partial.Run.Status, partial.Run.Metrics.LinearTop1, partial.Run.Metrics.LinearTop5 = results.StatusPartial, 0, 0
	if c := comparison([]*Experiment{partial}, nil); c.Rows[0].Cells[1].Text != "—" || c.Rows[0].Cells[2].Text != "—" {
		t.Errorf("partial run's linear cells %+v, want dashes", c.Rows[0].Cells[1:3])
	}
	if got := accuracy(0.414, 1000); got.PM != "3.0" || got.Title != "95% interval 38.4–44.5%" {
		t.Errorf("accuracy cell %+v", got)
	}
}

// Runs of several seeds: the comparison shows their aggregate (mean ± sd,
// the seeds named in the row) and not each seed's run; the experiment's
// section adds the aggregate's row to its table.
func TestSeedsAggregateShown(t *testing.T) {
	root, out := fixture(t)
	sitetest.WriteSampleResults(t, out, "simclr-seed2", "SimCLR (seed 2)")
	rewriteRun(t, out, "simclr-seed2", func(r *results.Run) {
		r.Experiment, r.Variant = "simclr", "seed2"
		r.Metrics.KNNTop1 = 0.30
	})
	agg := &results.Seeds{Experiment: "simclr", Title: "SimCLR", Seeds: []uint64{1, 2}, Dirs: []string{"simclr", "simclr-seed2"}, DataSeed: 1,
		Metrics: map[string]results.Spread{"knn_top1": results.SpreadOf([]float64{0.284, 0.30})},
		Curves:  map[string]results.Curve{"knn_top1": {Epochs: []int{1, 2}, Mean: []float64{0.25, 0.292}, SD: []float64{0.02, 0.011}}}}
	if err := results.WriteJSON(filepath.Join(out, "simclr", results.SeedsFile), agg); err != nil {
		t.Fatal(err)
	}
	// The seeds' kNN figure (knn-seeds.svg, a #123457 rectangle here) is drawn
	// by the page from the aggregate: the mean and its band.
	if err := os.WriteFile(filepath.Join(out, "simclr", "knn-seeds.svg"), []byte(`<svg xmlns="http://www.w3.org/2000/svg"><rect fill="#123457"/></svg>`), 0o644); err != nil {
		t.Fatal(err)
	}
	rewriteRun(t, out, "simclr", func(r *results.Run) {
		r.Figures = append(r.Figures, results.Figure{File: "knn-seeds.svg", Caption: "kNN over the seeds."})
	})
	// Prose cites the aggregate; a run without one says so.
	src := filepath.Join(root, "experiments/simclr/main.go")
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	b = []byte(strings.Replace(string(b), "// # SimCLR", "// # SimCLR\n//\n// Over seeds: [@simclr knn-seeds], gain [@simclr gain-seeds]; alone: [@simclr-seed2 knn-seeds].", 1))
	if err := os.WriteFile(src, b, 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := Build(Config{Root: root, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	r, err := results.ReadRun(filepath.Join(out, "simclr", "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	p := parsePage(t, rep.Path)
	want := fmt.Sprintf("Over seeds: 29.2 ± 1.1%% (2 seeds), gain %+.1f ± 1.1 points (2 seeds); alone: 30.0 ± 2.8%% (one seed).", 100*(0.292-r.Baselines.RandomInit.KNNTop1))
	if !strings.Contains(text(p.doc), want) {
		t.Errorf("page lacks %q", want)
	}
	var band *chartSpec
	for _, f := range p.all(tag("figure")) {
		if v, ok := attr(f, "data-chart"); ok && strings.Contains(v, `"sd"`) {
			band = new(chartSpec)
			if err := json.Unmarshal([]byte(v), band); err != nil {
				t.Fatal(err)
			}
		}
	}
	if band == nil || len(band.Lines) != 1 || !slices.Equal(band.Lines[0].Y, []float64{25, 29.2}) || !slices.Equal(band.Lines[0].SD, []float64{2, 1.1}) {
		t.Errorf("the seeds' kNN chart: %+v", band)
	}
	if strings.Contains(p.raw, "123457") {
		t.Error("knn-seeds.svg is embedded beside its drawn chart")
	}
	compare := p.all(func(n *html.Node) bool { c, _ := attr(n, "class"); return n.Data == "table" && c == "compare" })
	body := text(p.allIn(compare[0], tag("tbody"))[0])
	if strings.Contains(body, "seed 2") || !strings.Contains(body, "mean ± sd of 2 seeds") || !strings.Contains(body, "29.2% ±1.1") {
		t.Errorf("comparison with two seeds: %s", body)
	}
	if !strings.Contains(text(p.doc), "batch 128, seeds 1, 2, go backend") {
		t.Error("the comparison's note does not say its row is over seeds 1 and 2")
	}
	if !strings.Contains(text(p.doc), "mean ± sd of 2 seeds (1, 2)") {
		t.Error("the experiment's table lacks the aggregate's row")
	}
	// The second seed's results are folded, with its figures in the summary;
	// the aggregate's command reproduces its seeds.
	seed2 := p.all(func(n *html.Node) bool { id, _ := attr(n, "id"); return id == "simclr-seed2-results" })
	if len(seed2) != 1 || seed2[0].Data != "details" || !strings.Contains(text(p.allIn(seed2[0], tag("summary"))[0]), "kNN 30.0%, linear") {
		t.Error("the second seed's results are not folded under a summary of its figures")
	}
	if !strings.Contains(text(p.doc), "Run it again: go run ./experiments/simclr -seeds 2") {
		t.Error("the aggregate's run does not give the command with its seeds")
	}
}

// A variant's other seeds come after it (simclr-fashion-mnist before
// simclr-fashion-mnist-seed2, whose run.json path sorts first).
func TestVariantSeedsInOrder(t *testing.T) {
	out := t.TempDir()
	for _, v := range []string{"fashion-mnist-seed2", "fashion-mnist", "fashion-mnist-seed3"} {
		sitetest.WriteSampleResults(t, out, "simclr-"+v, "SimCLR "+v)
		rewriteRun(t, out, "simclr-"+v, func(r *results.Run) { r.Experiment, r.Variant = "simclr", v })
	}
	vs, err := variants(&Experiment{Name: "simclr"}, out, filepath.Join(out, "no-references"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range vs {
		got = append(got, v.Name)
	}
	if want := "simclr-fashion-mnist simclr-fashion-mnist-seed2 simclr-fashion-mnist-seed3"; strings.Join(got, " ") != want {
		t.Errorf("variants %q, want %q", strings.Join(got, " "), want)
	}
}

// Results at a glance: one table per data and split sizes, best kNN first,
// with the baselines as rows; the gains over random init and the raw
// pixels; a badge on a run at the quick preset or a budget set by flags;
// the data's name is not repeated in each row.
func TestLeaderboards(t *testing.T) {
	run := func(name, title string, train int, knn float64, preset string, from map[string]string) *Experiment {
		px := results.Baseline{KNNTop1: 0.5, LinearTop1: 0.6, KNNTop1OnePct: 0.3, LinearTop1OnePct: 0.4}
		return &Experiment{Name: name, Run: &results.Run{Experiment: name, Title: title, Status: results.StatusComplete,
			Dataset: results.DatasetRef{Name: "fashion-mnist", Train: train, Test: 10000, Classes: 10}, ConfigFrom: from,
			Config:    map[string]any{"preset": preset, "encoder": "convnet"},
			Metrics:   results.Metrics{KNNTop1: knn, LinearTop1: knn, Epochs: 10, OnePctLabels: 600},
			Baselines: results.Baselines{RandomInit: results.Baseline{KNNTop1: 0.4}, Supervised: results.Baseline{KNNTop1: 0.9, Epochs: 5}, RawPixels: &px}}}
	}
	lbs := leaderboards([]*Experiment{
		run("simclr-fashion-mnist", "SimCLR on Fashion-MNIST", 60000, 0.7, "fashion", nil),
		run("byol-fashion-mnist", "BYOL on Fashion-MNIST", 60000, 0.8, "fashion", map[string]string{"epochs": "flag"}),
		run("vicreg-fashion-mnist", "VICReg on Fashion-MNIST", 2048, 0.6, "quick", nil),
	}, map[string]string{"simclr-fashion-mnist": "simclr-fashion-mnist"}, map[string]string{"simclr-fashion-mnist": "Contrastive learning"})
	if len(lbs) != 2 {
		t.Fatalf("%d tables, want one per split size", len(lbs))
	}
	var names []string
	for _, r := range lbs[0].Rows {
		names = append(names, r.Name)
	}
	want := "supervised (labels)|BYOL|SimCLR|raw pixels|random init"
	if strings.Join(names, "|") != want {
		t.Errorf("rows %q, want %q", strings.Join(names, "|"), want)
	}
	simclr := lbs[0].Rows[2]
	if simclr.Anchor == "" || simclr.Family != "Contrastive learning" || simclr.Badge != "" ||
		simclr.Cells[4].Text != "+30.0" || simclr.Cells[5].Text != "+20.0" || simclr.Sort[0] != "0.7" {
		t.Errorf("SimCLR's row %+v", simclr)
	}
	if b := lbs[0].Rows[1].Badge; b != "budget set by -epochs" {
		t.Errorf("BYOL's badge %q", b)
	}
	if b := lbs[1].Rows[1].Badge; b != "quick preset" || !strings.Contains(lbs[1].Data, "2,048") { // after the supervised row
		t.Errorf("the quick run: badge %q in table %q", b, lbs[1].Data)
	}
	if sup := lbs[0].Rows[0]; sup.Family != "baseline: convnet" {
		t.Errorf("the supervised row's family %q, want its encoder", sup.Family)
	}
	if px := lbs[0].Rows[3]; !px.Baseline || px.Cells[2].Text != "30.0%" || px.Sort[4] != "" {
		t.Errorf("raw pixels' row %+v", px)
	}
}

// While -seeds 3 trains, its second seed's run (partial, no aggregate yet)
// is not a method of its own in the leaderboard or the comparisons: only the
// first seed's run is; the experiment's section still lists it.
func TestSeedInProgressIsNotARow(t *testing.T) {
	root, out := fixture(t)
	sitetest.WriteSampleResults(t, out, "simclr-seed2", "SimCLR (seed 2)")
	rewriteRun(t, out, "simclr-seed2", func(r *results.Run) {
		r.Experiment, r.Variant, r.Status = "simclr", "seed2", results.StatusPartial
	})
	rep, err := Build(Config{Root: root, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	p := parsePage(t, rep.Path)
	tables := func(class string) string {
		var s string
		for _, n := range p.all(func(n *html.Node) bool { c, _ := attr(n, "class"); return n.Data == "table" && c == class }) {
			s += text(n)
		}
		return s
	}
	if lb, cmp := tables("leaderboard"), tables("compare"); !strings.Contains(lb, "SimCLR") || strings.Contains(lb, "seed 2") || strings.Contains(cmp, "seed 2") {
		t.Errorf("the second seed in progress is a row:\nleaderboard %s\ncomparison %s", lb, cmp)
	}
	if !strings.Contains(text(p.doc), "SimCLR (seed 2)") {
		t.Error("the experiment's section does not list the second seed's run")
	}
	// Complete, while the third trains: no aggregate yet, so not folded as
	// one of the seeds "averaged above".
	rewriteRun(t, out, "simclr-seed2", func(r *results.Run) { r.Status = results.StatusComplete })
	if rep, err = Build(Config{Root: root, Out: out}); err != nil {
		t.Fatal(err)
	}
	if p = parsePage(t, rep.Path); strings.Contains(text(p.doc), "averaged above") {
		t.Error("a seed with no aggregate yet is folded as one of the seeds averaged above")
	}
}

// A run shown as its seeds' mean has its gains from that mean, with the
// seeds' spread, not the first seed's gain beside the mean, and the median
// of the seeds' times.
func TestLeaderboardSeedsGain(t *testing.T) {
	e := &Experiment{Name: "moco", Run: &results.Run{Experiment: "moco", Title: "MoCo", Status: results.StatusComplete,
		Dataset:   results.DatasetRef{Name: "shapes", Train: 6000, Test: 1000, Classes: 10},
		Metrics:   results.Metrics{KNNTop1: 0.253, LinearTop1: 0.453, Epochs: 25},
		Baselines: results.Baselines{RandomInit: results.Baseline{KNNTop1: 0.10}}},
		Seeds: &results.Seeds{Metrics: map[string]results.Spread{"knn_top1": results.SpreadOf([]float64{0.253, 0.251, 0.261}),
			"duration_s": results.SpreadOf([]float64{1296, 733, 647})}}}
	row := leaderboards([]*Experiment{e}, nil, nil)[0].Rows[0]
	if row.Cells[0].Text != "25.5%" || row.Cells[4].Text != "+15.5" || row.Cells[4].PM != "0.5" {
		t.Errorf("kNN %+v, gain over random init %+v; want 25.5%% and +15.5 ± 0.5 (the seeds' mean)", row.Cells[0], row.Cells[4])
	}
	if c := row.Cells[7]; c.Text != duration(733) || !strings.Contains(c.Title, duration(1296)) {
		t.Errorf("time %+v; want the seeds' median, each seed's on hover", c)
	}
}

// Prose cites figures from the results on disk: [@RUN FIGURE] prints the
// run's figure as its table does, a passage citing a run not on disk is left
// out with one line naming the run (never "not run" inside a sentence), and
// an unknown figure is a warning.
func TestCitations(t *testing.T) {
	root, out := fixture(t)
	edit := func(path string, f func(string) string) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(f(string(b))), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	edit(filepath.Join(root, "experiments/simclr/main.go"), func(s string) string {
		return strings.Replace(s, "// # SimCLR", "// # SimCLR\n//\n// Cited: kNN [@simclr knn], linear [@simclr linear], gain [@simclr gain] (interval [@simclr knn-interval], [@simclr gain-interval]); [@simclr bogus].\n//\n// On Fashion-MNIST [@simclr-fashion-mnist\n// knn], a conclusion resting on it.\n//\n// - an item that stands: [@simclr knn]\n// - an item that falls: [@simclr-fashion-mnist knn]", 1)
	})
	rep, err := Build(Config{Root: root, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	r, err := results.ReadRun(filepath.Join(out, "simclr", "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	page := text(parsePage(t, rep.Path).doc) // spaces normalised: the no-break ones around ± are the browser test's
	n := r.Dataset.Test
	lo, hi := results.Wilson(r.Metrics.KNNTop1, n, results.Z95)
	g := r.Metrics.KNNTop1 - r.Baselines.RandomInit.KNNTop1
	rlo, rhi := results.Wilson(r.Baselines.RandomInit.KNNTop1, n, results.Z95)
	h := math.Hypot((hi-lo)/2, (rhi-rlo)/2)
	llo, lhi := results.Wilson(r.Metrics.LinearTop1, n, results.Z95)
	want := fmt.Sprintf("Cited: kNN %.1f ± %.1f%%, linear %.1f ± %.1f%%, gain %+.1f ± %.1f points (interval %.1f–%.1f%%, %+.1f to %+.1f points); [@simclr bogus].",
		100*r.Metrics.KNNTop1, 100*(hi-lo)/2, 100*r.Metrics.LinearTop1, 100*(lhi-llo)/2, 100*g, 100*h, 100*lo, 100*hi, 100*(g-h), 100*(g+h))
	if !strings.Contains(page, want) {
		t.Errorf("page lacks %q", want)
	}
	// The notebook's prose, from the citations on (the narratives' own
	// passages left out are the fixture's: it has one run).
	prose := page[strings.Index(page, "Cited:"):]
	prose = prose[:min(len(prose), 1200)]
	for _, gone := range []string{"not run", "a conclusion resting on it", "an item that falls"} {
		if strings.Contains(prose, gone) {
			t.Errorf("the prose holds %q", gone)
		}
	}
	if note := "A passage is left out here: it rests on runs this page does not have (simclr-fashion-mnist)"; !strings.Contains(prose, note) || strings.Count(prose, "A passage is left out") != 1 {
		t.Errorf("not one note for the passages left out:\n%s", prose)
	}
	if !strings.Contains(prose, "an item that stands") {
		t.Errorf("the list's item that resolves was left out")
	}
	if !slices.ContainsFunc(rep.Warnings, func(w string) bool { return strings.Contains(w, `unknown figure "bogus"`) }) {
		t.Errorf("no warning for the unknown figure: %q", rep.Warnings)
	}
}

// A method's own measures are cited by their place in run.json, and one it
// did not make prints as not measured.
func TestCitedMeasures(t *testing.T) {
	root, out := fixture(t)
	rewriteRun(t, out, "simclr", func(r *results.Run) {
		r.Measures = []results.Measure{{Name: "first", Value: 1.2345}, {Name: "second", Value: 4.4088}}
	})
	edit := filepath.Join(root, "experiments/simclr/main.go")
	b, err := os.ReadFile(edit)
	if err != nil {
		t.Fatal(err)
	}
	cited := strings.Replace(string(b), "// # SimCLR", "// # SimCLR\n//\n// Measured: [@simclr measure-2] and [@simclr measure-1]; [@simclr measure-3].", 1)
	if err := os.WriteFile(edit, []byte(cited), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := Build(Config{Root: root, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if page, want := text(parsePage(t, rep.Path).doc), "Measured: 4.41 and 1.23; not measured."; !strings.Contains(page, want) {
		t.Errorf("page lacks %q", want)
	}
}

// Two runs whose figures embed the same images (the same augmented views)
// show them once: the second refers to the first.
func TestSameImagesShownOnce(t *testing.T) {
	root, out := fixture(t)
	sitetest.WriteSampleResults(t, out, "simclr-wide", "SimCLR (wide head)")
	views := func(title string) string {
		return `<svg xmlns="http://www.w3.org/2000/svg"><text>` + title + `</text><image href="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="/></svg>`
	}
	for dir, title := range map[string]string{"simclr": "SimCLR: views", "simclr-wide": "SimCLR (wide head): views"} {
		if err := os.WriteFile(filepath.Join(out, dir, "augmentations.svg"), []byte(views(title)), 0o644); err != nil {
			t.Fatal(err)
		}
		rewriteRun(t, out, dir, func(r *results.Run) {
			if dir == "simclr-wide" {
				r.Experiment, r.Variant = "simclr", "wide"
			}
			r.Figures = append(r.Figures, results.Figure{File: "augmentations.svg", Caption: "Two augmented views."})
		})
	}
	rep, err := Build(Config{Root: root, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	p := parsePage(t, rep.Path)
	figs := 0
	for _, f := range p.all(tag("figure")) {
		if strings.Contains(text(f), "Two augmented views.") {
			figs++
		}
	}
	if figs != 1 || !strings.Contains(text(p.doc), "Two augmented views. The same images as Figure") {
		t.Errorf("%d figures of the views, want 1 and a reference to it", figs)
	}
}

// The comparisons' kNN curves come from each run's metrics.csv, named
// without the data the table is of; a single run draws no chart.
func TestCurvesJSON(t *testing.T) {
	dir := t.TempDir()
	var runs []*Experiment
	for i, name := range []string{"simclr", "moco"} {
		d := filepath.Join(dir, name)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		rows := []results.EpochRow{{Epoch: 1, KNNTop1: 0.5 + 0.1*float64(i)}, {Epoch: 2, KNNTop1: 0.6 + 0.1*float64(i)}}
		if err := results.WriteMetrics(filepath.Join(d, "metrics.csv"), rows); err != nil {
			t.Fatal(err)
		}
		runs = append(runs, &Experiment{Name: name, Dir: d, Run: &results.Run{Title: strings.ToUpper(name) + " on Fashion-MNIST",
			Dataset: results.DatasetRef{Name: "fashion-mnist"}}})
	}
	got := curvesJSON(runs, nil)
	want := `[{"name":"SIMCLR","x":[1,2],"y":[50,60]},{"name":"MOCO","x":[1,2],"y":[60,70]}]`
	if got != want {
		t.Errorf("curves %s, want %s", got, want)
	}
	if one := curvesJSON(runs[:1], nil); one != "" {
		t.Errorf("one run drew a chart: %s", one)
	}
	// A run of several seeds draws their mean and its band.
	runs[1].Seeds = &results.Seeds{Seeds: []uint64{1, 2, 3}, Curves: map[string]results.Curve{
		"knn_top1": {Epochs: []int{1, 2}, Mean: []float64{0.55, 0.65}, SD: []float64{0.02, 0.01}}}}
	got = curvesJSON(runs, nil)
	want = `[{"name":"SIMCLR","x":[1,2],"y":[50,60]},{"name":"MOCO (mean ± sd, 3 seeds)","x":[1,2],"y":[55,65],"sd":[2,1]}]`
	if got != want {
		t.Errorf("curves with seeds %s, want %s", got, want)
	}
}

// Runs that share their baselines (each run's own copy, as read from its
// run.json) show each baseline row once in a comparison.
func TestComparisonBaselinesOnce(t *testing.T) {
	run := func(name string) *Experiment {
		px := results.Baseline{KNNTop1: 0.5, LinearTop1: 0.6}
		return &Experiment{Name: name, Run: &results.Run{Experiment: name, Title: name, Status: results.StatusComplete,
			Dataset: results.DatasetRef{Name: "fashion-mnist", Train: 60000, Test: 10000, Classes: 10},
			Config:  map[string]any{"preset": "fashion", "encoder": "convnet"},
			Metrics: results.Metrics{KNNTop1: 0.8, LinearTop1: 0.85, Epochs: 10},
			Baselines: results.Baselines{RandomInit: results.Baseline{KNNTop1: 0.4}, Supervised: results.Baseline{KNNTop1: 0.9, Epochs: 5},
				RawPixels: &px}}}
	}
	c := comparison([]*Experiment{run("moco"), run("simclr"), run("swav")}, map[string]string{})
	var names []string
	for _, b := range c.Baselines {
		names = append(names, b.Name)
	}
	if want := "raw pixels|random-init convnet|supervised convnet (5 epochs)"; strings.Join(names, "|") != want {
		t.Errorf("baseline rows %q, want %q", strings.Join(names, "|"), want)
	}
}

// The t-SNE grid shows each method once, by its main run on the data: a
// variant of other settings (here simclr-wide) has its own section, and a
// panel beside the main run's would say the same twice.
func TestTSNEShowsMainRunsOnly(t *testing.T) {
	root, out := fixture(t)
	sitetest.WriteSampleResults(t, out, "simclr-wide", "SimCLR (wide head)")
	rewriteRun(t, out, "simclr-wide", func(r *results.Run) { r.Experiment, r.Variant = "simclr", "wide" })
	rep, err := Build(Config{Root: root, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	page := text(parsePage(t, rep.Path).doc)
	if !strings.Contains(page, "t-SNE of the test-set representations h of 1 method") {
		t.Errorf("the t-SNE grid does not hold SimCLR's main run alone: %q", page[max(0, strings.Index(page, "t-SNE of the test-set")):][:80])
	}
}

// A run's loss and kNN curves are drawn by the page from its metrics.csv
// (a few hundred bytes instead of the run's SVG), with the baselines as
// references; without a readable metrics.csv the run's own SVG is shown.
func TestRunChartsDrawnFromMetrics(t *testing.T) {
	root, out := fixture(t)
	rows := []results.EpochRow{{Epoch: 1, Loss: 5.25, KNNTop1: 0.2}, {Epoch: 2, Loss: 4.5, KNNTop1: 0.284}}
	if err := results.WriteMetrics(filepath.Join(out, "simclr", "metrics.csv"), rows); err != nil {
		t.Fatal(err)
	}
	build := func() page {
		rep, err := Build(Config{Root: root, Out: out})
		if err != nil {
			t.Fatal(err)
		}
		return parsePage(t, rep.Path)
	}
	p := build()
	var spec chartSpec
	for _, f := range p.all(tag("figure")) {
		if v, ok := attr(f, "data-chart"); ok {
			if err := json.Unmarshal([]byte(v), &spec); err != nil {
				t.Fatalf("data-chart %q: %v", v, err)
			}
		}
	}
	if spec.Unit != "%" || len(spec.Lines) != 1 || !slices.Equal(spec.Lines[0].X, []int{1, 2}) || !slices.Equal(spec.Lines[0].Y, []float64{20, 28.4}) {
		t.Errorf("the kNN chart: %+v", spec)
	}
	if len(spec.Refs) != 2 || spec.Refs[0].Name != "random init" || spec.Refs[0].Value != 12.1 || spec.Refs[1].Value != 87.8 {
		t.Errorf("the kNN chart's baselines: %+v", spec.Refs)
	}
	if strings.Contains(p.raw, "teal") { // the sample knn.svg is a teal rectangle
		t.Error("the run's knn.svg is embedded beside the drawn chart")
	}
	if err := os.Remove(filepath.Join(out, "simclr", "metrics.csv")); err != nil {
		t.Fatal(err)
	}
	if p := build(); !strings.Contains(p.raw, "teal") || strings.Contains(p.raw, `data-chart="`) {
		t.Error("without metrics.csv the run's knn.svg is not shown")
	}
}

// A t-SNE grid goes to the page as data the script draws: per panel the
// method's title with its kNN and its points at a byte a coordinate, one
// scale for both axes (the larger range fills 0–255, the smaller is
// centred), and the class of each point.
func TestTSNEGridAsData(t *testing.T) {
	root, out := fixture(t)
	rep, err := Build(Config{Root: root, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	p := parsePage(t, rep.Path)
	var spec tsneSpec
	for _, f := range p.all(tag("figure")) {
		if v, ok := attr(f, "data-tsne"); ok {
			if err := json.Unmarshal([]byte(v), &spec); err != nil {
				t.Fatalf("data-tsne: %v", err)
			}
		}
	}
	if len(spec.Panels) != 1 || !strings.HasPrefix(spec.Panels[0].Title, "SimCLR") || !strings.Contains(spec.Panels[0].Title, "kNN") {
		t.Fatalf("panels %+v", spec.Panels)
	}
	emb, err := readEmbeddings(filepath.Join(out, "simclr", "embeddings.csv"))
	if err != nil {
		t.Fatal(err)
	}
	pts := spec.Panels[0].Points
	if len(pts) != 3*min(emb.n, tsnePoints) || len(spec.Classes) != len(emb.classes) {
		t.Errorf("%d bytes for %d points, %d classes for %d", len(pts), emb.n, len(spec.Classes), len(emb.classes))
	}
	for i := 0; i < len(pts); i += 3 {
		if int(pts[i+2]) != emb.labels[i/3] {
			t.Fatalf("point %d: class %d, want %d", i/3, pts[i+2], emb.labels[i/3])
		}
	}

	// quantise: x spans 0…4, y 0…2 → one scale (255/4), y centred.
	q := quantise([]float64{0, 0, 4, 2, 2, 1}, []int{7, 1, 2})
	if want := []byte{0, 64, 7, 255, 191, 1, 128, 128, 2}; !slices.Equal(q, want) {
		t.Errorf("quantise = %v, want %v", q, want)
	}
}

// An experiment run only on other data says so in its heading ("run on
// Fashion-MNIST"), not "not run" over a section with results.
func TestStatusOfAnExperimentRunElsewhere(t *testing.T) {
	root, out := fixture(t)
	sitetest.WriteSampleResults(t, out, "rotation-fashion-mnist", "RotNet on Fashion-MNIST")
	rewriteRun(t, out, "rotation-fashion-mnist", func(r *results.Run) {
		r.Experiment, r.Variant, r.Dataset.Name = "rotation", "fashion-mnist", "fashion-mnist"
	})
	rep, err := Build(Config{Root: root, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	p := parsePage(t, rep.Path)
	for _, h := range p.all(tag("h3")) {
		if id, _ := attr(h, "id"); id == "rotation" {
			if got := text(h); !strings.HasSuffix(got, "run on Fashion-MNIST") {
				t.Errorf("RotNet's heading %q, want its status \"run on Fashion-MNIST\"", got)
			}
			return
		}
	}
	t.Error("no RotNet section")
}

// The performance appendix gives the evaluation's share of each run that
// measured it (its kNN monitor and final evaluation over its duration),
// linked to the run's section; a run from before it was measured is left out,
// and so is one whose monitor was not measured (a finished run re-evaluated).
func TestEvaluationShare(t *testing.T) {
	root, out := fixture(t)
	rewriteRun(t, out, "simclr", func(r *results.Run) { r.DurationS, r.MonitorS, r.FinalEvalS = 400, 30, 10 })
	sitetest.WriteSampleResults(t, out, "simclr-wide", "SimCLR (wide head)")
	rewriteRun(t, out, "simclr-wide", func(r *results.Run) { r.Experiment, r.Variant, r.FinalEvalS = "simclr", "wide", 5 })
	rep, err := Build(Config{Root: root, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	p := parsePage(t, rep.Path)
	tables := p.all(func(n *html.Node) bool { c, _ := attr(n, "class"); return n.Data == "table" && c == "bench eval" })
	if len(tables) != 1 {
		t.Fatalf("%d evaluation tables, want 1", len(tables))
	}
	rows := p.allIn(tables[0], tag("tr"))
	if len(rows) != 2 || !strings.Contains(text(rows[1]), "6 min 40 s30 s10 s10.0%") {
		t.Errorf("evaluation table: %d rows, %q", len(rows), text(tables[0]))
	}
	if links := p.allIn(rows[len(rows)-1], tag("a")); len(links) != 1 {
		t.Error("the run's row does not link to its section")
	}
}

// A corrupt embeddings.csv is an error naming the file and line, whether
// the fault is in a row's shape, its label or (parsed only for a new
// layout) one of its numbers.
func TestReadEmbeddingsErrors(t *testing.T) {
	dir := t.TempDir()
	good := "label,class,e0,e1\n0,a,1,2\n1,b,3,4\n0,a,5,6\n1,b,7,8\n"
	for name, c := range map[string]struct{ csv, want string }{
		"short row":  {strings.Replace(good, "3,4", "3", 1), "line 3 has 3 fields, want 4"},
		"bad label":  {strings.Replace(good, "1,b,3", "x,b,3", 1), `line 3: bad label "x"`},
		"bad number": {strings.Replace(good, "5,6", "5,y", 1), "line 4"},
		"no header":  {"0,a,1,2\n", "want a header"},
	} {
		path := filepath.Join(dir, "embeddings.csv")
		if err := os.WriteFile(path, []byte(c.csv), 0o644); err != nil {
			t.Fatal(err)
		}
		e, err := readEmbeddings(path)
		if err == nil {
			_, err = e.vectors()
		}
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: %v, want an error naming %s and %q", name, err, path, c.want)
		}
	}
	path := filepath.Join(dir, "embeddings.csv")
	os.WriteFile(path, []byte(good), 0o644)
	e, err := readEmbeddings(path)
	if err != nil || e.n != 4 || e.dim != 2 || !slices.Equal(e.classes, []string{"a", "b"}) {
		t.Fatalf("good file: %+v, %v", e, err)
	}
	if x, err := e.vectors(); err != nil || !slices.Equal(x, []float64{1, 2, 3, 4, 5, 6, 7, 8}) {
		t.Errorf("vectors %v, %v", x, err)
	}
}

// A notebook's code blocks say how long they are in words that agree with
// the count: "1 line", never "1 lines".
func TestCodeLengths(t *testing.T) {
	if got := plural(1, "line", "lines"); got != "1 line" {
		t.Errorf("one line: %q", got)
	}
	root, out := fixture(t)
	rep, err := Build(Config{Root: root, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	p := parsePage(t, rep.Path)
	summaries := p.all(func(n *html.Node) bool {
		return n.Data == "summary" && strings.HasPrefix(text(n), "Code (")
	})
	if len(summaries) == 0 {
		t.Fatal("no code blocks on the page")
	}
	for _, s := range summaries {
		if got := text(s); strings.Contains(got, "(1 lines)") || !regexp.MustCompile(`^Code \(\d+ lines?\)$`).MatchString(got) {
			t.Errorf("code summary %q", got)
		}
	}
}
