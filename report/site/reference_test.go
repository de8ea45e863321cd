package site

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mega-ssl/mega/gomlxssl/results"
	"github.com/mega-ssl/mega/report/sitetest"
	"golang.org/x/net/html"
)

// keepReference makes out/dir a reference run under root/reference, as
// `run.go reference` does (run.json, its figure, the t-SNE layout, the note).
func keepReference(t *testing.T, root, out, dir string) {
	t.Helper()
	ref := filepath.Join(root, results.ReferenceDir, dir)
	if err := os.MkdirAll(ref, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"run.json", "knn.svg"} {
		b, err := os.ReadFile(filepath.Join(out, dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(ref, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := WriteLayout(filepath.Join(out, dir), filepath.Join(ref, results.LayoutFile), t.TempDir()); err != nil {
		t.Fatal(err)
	}
	note := results.Reference{Run: dir, Command: "go run ./experiments/simclr", Machine: "Test CPU, 2 cores, go backend",
		Commit: "601543d805d1e52ecdba9f1963c893c6bb5b28f1", Finished: time.Date(2026, 11, 26, 10, 8, 11, 0, time.UTC)}
	if err := results.WriteJSON(filepath.Join(ref, results.ReferenceFile), note); err != nil {
		t.Fatal(err)
	}
}

// On a fresh clone (no out/ of the reader's), the page shows the reference
// run, marked as such, with its t-SNE panel from the kept layout; beside the
// reader's own run it says whether theirs reproduces it.
func TestReferenceRuns(t *testing.T) {
	root, out := sitetest.Fixture(t, repoRoot)
	keepReference(t, root, out, "simclr")
	fresh := filepath.Join(root, "fresh")
	rep, err := Build(Config{Root: root, Out: fresh})
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(rep.Path)
	if err != nil {
		t.Fatal(err)
	}
	html := string(page)
	for _, want := range []string{`class="origin reference"`, "Reference run", "Test CPU, 2 cores, go backend; 2026-11-26, commit 601543d",
		`status-reference`, `data-tsne=`} {
		if !strings.Contains(html, want) {
			t.Errorf("fresh page lacks %q", want)
		}
	}
	if rep.WithResults != 1 {
		t.Errorf("%d experiments with results, want the reference's 1", rep.WithResults)
	}
	rep, err = Build(Config{Root: root, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	page, _ = os.ReadFile(rep.Path)
	if html := string(page); !strings.Contains(html, `class="origin reproduced"`) || strings.Contains(html, `class="origin reference"`) {
		t.Errorf("the reader's own run: no 'reproduced' line, or still the reference's")
	}
	rewriteRun(t, out, "simclr", func(r *results.Run) { r.Metrics.KNNTop1 -= 0.2 })
	rep, err = Build(Config{Root: root, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	page, _ = os.ReadFile(rep.Path)
	if html := string(page); !strings.Contains(html, `class="origin differs"`) || !strings.Contains(html, "kNN 8.4% against 28.4%") {
		t.Errorf("a run 20 points off its reference is not said to differ")
	}
}

// The whole talk from a partial out/ — one SimCLR run of the reader's, the
// repository's references for the rest: no "not run" inside a sentence, a
// list or a table (an experiment's heading may still say it has none).
func TestNoPlaceholderInProse(t *testing.T) {
	out := t.TempDir()
	sitetest.WriteSampleResults(t, out, "simclr", "SimCLR")
	rep, err := Build(Config{Root: repoRoot, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	p := parsePage(t, rep.Path)
	count := 0
	for n := range p.doc.Descendants() {
		if n.Type != html.ElementNode || !slices.Contains([]string{"p", "li", "td", "th", "caption"}, n.Data) {
			continue
		}
		if class, _ := attr(n, "class"); class == "not-run" {
			continue // a section's own line saying how to make its first run
		}
		if s := text(n); strings.Contains(strings.ToLower(s), "not run") || strings.Contains(s, "partial run") {
			count++
			t.Errorf("<%s>: %q", n.Data, s[:min(len(s), 200)])
		}
	}
	t.Logf("%d placeholders in prose and tables", count)
}

// The docs' tables come from the references: a block is rewritten from
// them (whatever it held), the text around it is kept, an unknown kind
// fails.
func TestGenerateDocs(t *testing.T) {
	root, out := sitetest.Fixture(t, repoRoot)
	keepReference(t, root, out, "simclr")
	md := "Before.\n\n<!-- generated: runs shapes -->\n| stale | 99.9% |\n<!-- end generated -->\n\nAfter.\n"
	got, names, err := GenerateDocs(root, []byte(md))
	if err != nil || len(names) != 1 {
		t.Fatalf("%v, %v", names, err)
	}
	s := string(got)
	if strings.Contains(s, "stale") || !strings.Contains(s, "| simclr | 1 | 28.4% ± 2.8 |") || !strings.HasPrefix(s, "Before.\n\n<!-- generated: runs shapes -->\n|") ||
		!strings.HasSuffix(s, "|\n<!-- end generated -->\n\nAfter.\n") {
		t.Errorf("generated:\n%s", s)
	}
	if _, _, err := GenerateDocs(root, []byte("<!-- generated: nosuch -->\n<!-- end generated -->")); err == nil || !strings.Contains(err.Error(), "unknown kind") {
		t.Errorf("unknown kind: %v", err)
	}
}
