package site

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/mega-ssl/mega/gomlxssl/results"
	"github.com/mega-ssl/mega/report/sitetest"
)

// mocoFixture is the report's fixture with MoCo's notebook and a sample run
// of it beside SimCLR's: two methods of Table 1.
func mocoFixture(t *testing.T) (root, out string) {
	t.Helper()
	root, out = fixture(t)
	src, err := os.ReadFile(filepath.Join(repoRoot, "experiments", "moco", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "experiments", "moco"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "experiments", "moco", "main.go"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	sitetest.WriteSampleResults(t, out, "moco", "MoCo")
	return root, out
}

// buildTable1 builds the report and returns it with its one Table 1 (on
// the shapes).
func buildTable1(t *testing.T, root, out string) (page, *html.Node) {
	t.Helper()
	rep, err := Build(Config{Root: root, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	p := parsePage(t, rep.Path)
	tables := p.all(func(n *html.Node) bool { c, _ := attr(n, "class"); return n.Data == "table" && c == "compare table1" })
	if len(tables) != 1 {
		t.Fatalf("%d Table 1s, want one (shapes)", len(tables))
	}
	return p, tables[0]
}

// Table 1: each method's fine-tuned figures beside the same encoder trained
// from scratch and the talk's published row, a sentence that says from the
// figures whether pre-training wins, and the label-efficiency chart as data.
func TestTable1AndLabelEfficiency(t *testing.T) {
	root, out := mocoFixture(t)
	r, err := results.ReadRun(filepath.Join(out, "moco", "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	r.Experiment = "moco"
	r.Scores = results.Scores{
		{Key: "finetune_1pct", Title: "1% labels: fine-tuned", Kind: "fine-tuned", Fraction: 0.01, Labels: 60, Value: 0.150, Test: 1000, Protocol: "p1"},
		{Key: "finetune_10pct", Title: "10% labels: fine-tuned", Kind: "fine-tuned", Fraction: 0.1, Labels: 600, Value: 0.377, Test: 1000, Protocol: "p10"},
	}
	if err := results.WriteJSON(filepath.Join(out, "moco", "run.json"), r); err != nil {
		t.Fatal(err)
	}
	p, table := buildTable1(t, root, out)
	tt := text(table)
	for _, want := range []string{"1% labels: fine-tuned", "10% labels: fine-tuned", "MoCo", "SimCLR", "31.2%", "15.0%",
		"supervised from scratch (the same encoder)", "20.1%", "70.2%", "73.36", "40.00", "published"} {
		if !strings.Contains(tt, want) {
			t.Errorf("Table 1 lacks %q:\n%s", want, tt)
		}
	}
	claims := p.all(func(n *html.Node) bool { c, _ := attr(n, "class"); return n.Data == "p" && c == "claim" })
	if len(claims) < 2 {
		t.Fatalf("%d claim sentences, want one per fraction and the note", len(claims))
	}
	// SimCLR 31.2 against 20.1 from scratch on 1,000 test images: a win;
	// MoCo 15.0 against 20.1: a loss (both beyond their intervals).
	one := text(claims[0])
	for _, want := range []string{"With 60 labelled images (1% labels)", "against the same encoder trained from scratch on them (20.1%)",
		"wins for 1 of the 2 methods and loses for 1 of the 2 methods", "SimCLR +11.1", "MoCo -5.1"} {
		if !strings.Contains(one, want) {
			t.Errorf("the 1%% claim lacks %q:\n%s", want, one)
		}
	}
	figs := p.all(func(n *html.Node) bool { _, ok := attr(n, "data-labels"); return n.Data == "figure" && ok })
	if len(figs) != 1 {
		t.Fatalf("%d label-efficiency charts, want 1", len(figs))
	}
	v, _ := attr(figs[0], "data-labels")
	var spec chartSpec
	if err := json.Unmarshal([]byte(v), &spec); err != nil {
		t.Fatal(err)
	}
	if !spec.XLog || !slices.Equal(spec.XTicks, []int{1, 10, 100}) || len(spec.Lines) != 3 {
		t.Fatalf("the chart: %+v", spec)
	}
	if l := spec.Lines[2]; !l.Dash || !slices.Equal(l.X, []int{1, 10, 100}) || !slices.Equal(l.Y, []float64{20.1, 37.6, 70.2}) {
		t.Errorf("the baseline's line: %+v", l)
	}
	if l := spec.Lines[0]; l.Dash || !slices.Equal(l.X, []int{1, 10}) {
		t.Errorf("a method's line: %+v", l)
	}
}

// A protocol is data: a figure run.json carries with a key and a title no
// code knows reaches the leaderboard, Table 1 and the citations.
func TestNewProtocolNeedsNoCode(t *testing.T) {
	root, out := fixture(t)
	path := filepath.Join(out, "simclr", "run.json")
	r, err := results.ReadRun(path)
	if err != nil {
		t.Fatal(err)
	}
	r.Scores = append(r.Scores, results.Score{Key: "sparse_5pct", Title: "5% labels: sparse probe", Kind: "sparse probe",
		Fraction: 0.05, Labels: 300, Value: 0.4321, Test: 1000, Protocol: "a protocol added later"})
	if err := results.WriteJSON(path, r); err != nil {
		t.Fatal(err)
	}
	rep, err := Build(Config{Root: root, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	p := parsePage(t, rep.Path)
	lb := p.all(func(n *html.Node) bool { c, _ := attr(n, "class"); return n.Data == "table" && c == "leaderboard" })
	if len(lb) == 0 || !strings.Contains(text(lb[0]), "5% labels: sparse probe") || !strings.Contains(text(lb[0]), "43.2%") {
		t.Error("the leaderboard has no column for the new protocol")
	}
	t1 := p.all(func(n *html.Node) bool { c, _ := attr(n, "class"); return n.Data == "table" && c == "compare table1" })
	if len(t1) == 0 || !strings.Contains(text(t1[0]), "5% labels: sparse probe") {
		t.Error("Table 1 has no column for the new protocol")
	}
	b := &builder{runs: map[string]*results.Run{"simclr": r}, seeds: map[string]*results.Seeds{}}
	if got := b.cite("[@simclr sparse-5pct] and [@simclr scratch-finetune-1pct]", "x.md"); !strings.Contains(got, "43.2") || !strings.Contains(got, "20.1") {
		t.Errorf("citing the protocols' figures: %q", got)
	}
}

// The networks from scratch show the mean ± sd over seeds of whichever
// method has the most seeds (every run of a model seed shares them), not
// the first method's single run.
func TestTable1BaselinesOverSeeds(t *testing.T) {
	root, out := mocoFixture(t)
	agg := &results.Seeds{Experiment: "simclr", Title: "SimCLR", Seeds: []uint64{1, 2}, Dirs: []string{"simclr", "simclr-seed2"}, DataSeed: 1,
		Metrics: map[string]results.Spread{"scratch:finetune_1pct": results.SpreadOf([]float64{0.20, 0.24})}}
	if err := results.WriteJSON(filepath.Join(out, "simclr", results.SeedsFile), agg); err != nil {
		t.Fatal(err)
	}
	p, table := buildTable1(t, root, out)
	rows := p.allIn(table, func(n *html.Node) bool {
		return n.Data == "tr" && strings.HasPrefix(text(n), "supervised from scratch (the same encoder)")
	})
	if len(rows) != 1 || !strings.Contains(text(rows[0]), "22.0%") {
		t.Errorf("the from-scratch row over SimCLR's two seeds: %d rows, %q", len(rows), func() string {
			if len(rows) > 0 {
				return text(rows[0])
			}
			return ""
		}())
	}
	claims := p.all(func(n *html.Node) bool { c, _ := attr(n, "class"); return n.Data == "p" && c == "claim" })
	if len(claims) == 0 || !strings.Contains(text(claims[0]), "trained from scratch on them (22.0 ±") {
		t.Errorf("the claim does not cite the baseline over seeds: %d claims", len(claims))
	}
}

// A gain over seeds carries the 95% interval of the mean paired difference
// (t on n−1 degrees of freedom), not the differences' standard deviation:
// three seeds each a point or two ahead are not yet a win; without paired
// seeds, the two figures' half-widths combine.
func TestGainInterval(t *testing.T) {
	g := gainOf("m", figure{seeds: []float64{0.80, 0.82, 0.81}}, figure{seeds: []float64{0.79, 0.80, 0.80}})
	sd := 0.01 / math.Sqrt(3) // of the differences 1, 2, 1 points
	if want := 4.302653 * sd / math.Sqrt(3); !g.paired || math.Abs(g.diff-0.04/3) > 1e-12 || math.Abs(g.unc-want) > 1e-6 {
		t.Errorf("paired gain %+v, want %.4f ± %.6f", g, 0.04/3, want)
	}
	if a, b := verdict([]gain{g}); a != 0 || b != 0 {
		t.Errorf("a gain inside its interval counted: %d ahead, %d behind", a, b)
	}
	u := gainOf("m", figure{value: 0.8, half: 0.03}, figure{value: 0.75, half: 0.04})
	if u.paired || math.Abs(u.unc-0.05) > 1e-12 {
		t.Errorf("unpaired gain %+v, want ± 0.05", u)
	}
	if a, _ := verdict([]gain{{diff: 0.051, unc: 0.05}}); a != 1 {
		t.Error("a gain beyond its interval not counted")
	}
}
