package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/results"
	"github.com/mega-ssl/mega/report/site"
	"github.com/mega-ssl/mega/report/sitetest"
)

// The reference verb keeps what the report reads of a complete run from a
// clean commit — run.json, metrics.csv, its figures, a t-SNE layout instead
// of the embeddings, its nearest neighbours, a note of where it ran — and
// never a checkpoint; it
// refuses a partial run, one from uncommitted code, and one whose processor
// nobody says. The report then shows it as a reference on a fresh out/.
func TestReferenceKeepsARun(t *testing.T) {
	root, out := sitetest.Fixture(t, repoRoot)
	if err := os.MkdirAll(filepath.Join(out, "simclr", "checkpoint"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "simclr", "checkpoint", "weights.bin"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	sitetest.WriteSampleNeighbours(t, out, "simclr")
	if code, _, stderr := runVerb(t, "reference", "-root", root, "-out", out, "simclr"); code != 1 || !strings.Contains(stderr, "-machine") {
		t.Errorf("no processor recorded: exit %d, %q", code, stderr)
	}
	code, stdout, stderr := runVerb(t, "reference", "-root", root, "-out", out, "-machine", "Test CPU", "simclr")
	if code != 0 || !strings.Contains(stdout, "kept simclr") {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	dir := filepath.Join(root, results.ReferenceDir, "simclr")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"knn.svg", results.ThumbnailsFile, results.NeighboursFile, results.ReferenceFile, "run.json", results.LayoutFile}; !slices.Equal(names, want) {
		t.Errorf("kept %v, want %v", names, want)
	}
	note, err := results.ReadReference(filepath.Join(dir, results.ReferenceFile))
	if err != nil || note.Machine != "Test CPU, 2 cores, go backend with SIMD" || note.Command != "go run ./experiments/simclr" || note.Commit == "" {
		t.Errorf("note %+v (%v)", note, err)
	}
	// -all keeps every run that can be a reference, not a quick smoke test.
	sitetest.WriteSampleResults(t, out, "rotation", "RotNet")
	sitetest.RewriteRun(t, out, "rotation", func(r *results.Run) { r.Config["preset"] = "quick" })
	if code, stdout, stderr := runVerb(t, "reference", "-root", root, "-out", out, "-machine", "Test CPU", "-all"); code != 0 ||
		!strings.Contains(stdout, "kept simclr") || strings.Contains(stdout, "kept rotation") {
		t.Errorf("-all: exit %d\n%s%s", code, stdout, stderr)
	}
	// A fresh clone: no out/ of the reader's own.
	fresh := filepath.Join(root, "fresh")
	if code, stdout, stderr := runVerb(t, "list", "-root", root, "-out", fresh); code != 0 || !regexp.MustCompile(`simclr\s+reference\s+28\.4%`).MatchString(stdout) {
		t.Errorf("list on a fresh out: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, c := range []struct {
		edit func(r *results.Run)
		want string
	}{
		{func(r *results.Run) { r.Status = results.StatusPartial }, "not complete"},
		{func(r *results.Run) { r.Git.Dirty = true }, "uncommitted"},
	} {
		sitetest.RewriteRun(t, out, "simclr", c.edit)
		if code, _, stderr := runVerb(t, "reference", "-root", root, "-out", out, "-machine", "x", "simclr"); code != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("want %q: exit %d, %q", c.want, code, stderr)
		}
		sitetest.RewriteRun(t, out, "simclr", func(r *results.Run) { r.Status, r.Git.Dirty = results.StatusComplete, false })
	}
}

// verify's comparison: a run equal to its reference is reproduced; a kNN
// planted 20 points off is not, and says so.
func TestVerifyPlantedDisagreement(t *testing.T) {
	root, out := sitetest.Fixture(t, repoRoot)
	if code, stdout, stderr := runVerb(t, "reference", "-root", root, "-out", out, "-machine", "Test CPU", "simclr"); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	var o strings.Builder
	c := &command{stdout: &o, out: out}
	refs := filepath.Join(root, results.ReferenceDir)
	if ok, err := c.compareRun("simclr", refs); !ok || err != nil || !strings.Contains(o.String(), "reproduced") {
		t.Errorf("the run against itself: %v %v\n%s", ok, err, o.String())
	}
	sitetest.RewriteRun(t, out, "simclr", func(r *results.Run) { r.Metrics.KNNTop1 += 0.2 })
	o.Reset()
	if ok, err := c.compareRun("simclr", refs); ok || err != nil || !strings.Contains(o.String(), "NOT reproduced") || !strings.Contains(o.String(), "DIFFERS") {
		t.Errorf("planted disagreement: %v %v\n%s", ok, err, o.String())
	}
	sitetest.RewriteRun(t, out, "simclr", func(r *results.Run) { r.Config["epochs"] = 99.0 })
	if _, err := c.compareRun("simclr", refs); err == nil || !strings.Contains(err.Error(), "other settings") {
		t.Errorf("other settings: %v", err)
	}
}

// README.md and docs/*.md hold the tables `go run run.go docs` writes from
// reference/: a reference kept without regenerating them fails here.
func TestDocsMatchTheReferences(t *testing.T) {
	code, stdout, stderr := runVerb(t, "docs", "-root", repoRoot, "-check")
	if code != 0 || !strings.Contains(stdout, "match the reference runs") {
		t.Errorf("exit %d: %s%s", code, stdout, stderr)
	}
}

// The page a fresh clone builds, every section from the reference runs,
// stays within its weight budget, and shows the neighbours the reference
// runs keep, one figure per method and dataset.
func TestFreshClonePageWeight(t *testing.T) {
	rep, err := site.Build(site.Config{Root: repoRoot, Out: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("fresh-clone page: %d KB, %d experiments with results, %d thumbnails", rep.Bytes>>10, rep.WithResults, rep.Thumbnails)
	if rep.Bytes > site.PageBudget {
		t.Errorf("the page weighs %d KB, over its budget of %d KB", rep.Bytes>>10, site.PageBudget>>10)
	}
	kept, err := filepath.Glob(filepath.Join(repoRoot, results.ReferenceDir, "*", results.NeighboursFile))
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(rep.Path)
	if err != nil {
		t.Fatal(err)
	}
	shown := map[string]bool{} // one figure per experiment and dataset: the first run's
	for _, f := range kept {
		r, err := results.ReadRun(filepath.Join(filepath.Dir(f), "run.json"))
		if err != nil {
			t.Fatal(err)
		}
		shown[r.Experiment+" on "+r.Dataset.Name] = true
	}
	if n := strings.Count(string(page), `class="neighbours" data-atlas=`); n != len(shown) {
		t.Errorf("%d neighbours figures for %d experiments and datasets whose reference runs keep them", n, len(shown))
	}
}

// embed refuses what it cannot do before starting anything: no such run, a
// run without its checkpoint, two sources at once, an unknown split.
func TestEmbedRefuses(t *testing.T) {
	root, out := sitetest.Fixture(t, repoRoot)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"nosuch"}, "no run nosuch"},
		{[]string{"simclr"}, "has no checkpoint"},
		{[]string{"simclr", "-split", "test", "-images", "x"}, "one of -split, -images and -dataset"},
		{[]string{"simclr", "-split", "val"}, "test or train"},
		{nil, "name one run"},
	} {
		code, _, stderr := runVerb(t, append([]string{"embed", "-root", root, "-out", out}, c.args...)...)
		if code == 0 || !strings.Contains(stderr, c.want) {
			t.Errorf("embed %v: exit %d, %q (want %q)", c.args, code, stderr, c.want)
		}
	}
}
