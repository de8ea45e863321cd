// Package site builds the report: one self-contained HTML page, out/index.html,
// that retells the talk in its order. The talk-level narrative comes from
// templates/narrative/*.md, each experiment's section from its literate
// experiments/<name>/main.go and the results it left under out/<name>/, and
// the page from templates/page.html, style.css and script.js.
//
// It reads files and never imports GoMLX, so the report builds in well under
// a second, even while an experiment trains.
package site

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/mega-ssl/mega/gomlxssl/atomicfile"
	"github.com/mega-ssl/mega/gomlxssl/results"
	"github.com/mega-ssl/mega/report/markdown"
	"github.com/mega-ssl/mega/templates"
)

// Config says where the report reads from and writes to.
type Config struct {
	// Root is the repository root: experiments/ and templates/ are read from
	// it. Default ".".
	Root string
	// Out is the results directory, also where index.html goes. Default "out".
	Out string
	// Templates overrides where the page template, assets and narrative come
	// from. Default: Root/templates when it exists (so edits show up without
	// recompiling), else the copy embedded in the binary.
	Templates fs.FS
	// Log receives progress lines and warnings (nil: discarded).
	Log io.Writer
}

// Report says what a build did.
type Report struct {
	Path        string // the page written
	Bytes       int
	Elapsed     time.Duration
	Experiments int // experiments on the page
	WithResults int // experiments with a run, on any data
	// WithReference are those of WithResults shown from the repository's
	// reference runs only.
	WithReference int
	// Thumbnails are the images the neighbours figures show, each once.
	Thumbnails int
	Warnings   []string
}

// PageBudget is the most the page may weigh, in bytes, with every
// experiment's reference results on it (every image inlined: one file to
// read or pass on). Build warns past it; a test holds the repository's
// reference runs to it.
const PageBudget = 2 << 20

// Build writes OUT/index.html atomically. A Markdown or template error fails
// the build (and leaves the previous page in place); a missing or unreadable
// result is a warning shown in the page.
func Build(cfg Config) (*Report, error) {
	start := time.Now()
	if cfg.Root == "" {
		cfg.Root = "."
	}
	if cfg.Out == "" {
		cfg.Out = filepath.Join(cfg.Root, "out")
	}
	if cfg.Templates == nil {
		cfg.Templates = TemplatesFS(cfg.Root)
	}
	b := &builder{cfg: cfg, page: markdown.NewPage(), report: &Report{}}
	html, err := b.build()
	if err != nil {
		return nil, err
	}
	b.report.Path = filepath.Join(cfg.Out, "index.html")
	b.report.Bytes = len(html)
	if len(html) > PageBudget {
		b.warn(fmt.Sprintf("the page weighs %.1f MB, over its budget of %d MB", float64(len(html))/(1<<20), PageBudget>>20))
	}
	if err := atomicfile.Write(b.report.Path, html); err != nil {
		return nil, err
	}
	b.report.Elapsed = time.Since(start)
	return b.report, nil
}

// TemplatesFS is root/templates on disk when it exists, else the embedded copy.
func TemplatesFS(root string) fs.FS {
	dir := filepath.Join(root, "templates")
	if st, err := os.Stat(filepath.Join(dir, "page.html")); err == nil && !st.IsDir() {
		return os.DirFS(dir)
	}
	return templates.FS
}

type builder struct {
	cfg    Config
	page   *markdown.Page
	report *Report
	// runs are the runs on disk by directory name (simclr,
	// simclr-fashion-mnist), for the prose's citations.
	runs map[string]*results.Run
	// seeds are the aggregates over seeds by the first seed's directory
	// name (simclr for simclr, simclr-seed2, …).
	seeds map[string]*results.Seeds
	// references are the runs among runs that are the repository's
	// reference runs, by directory name: a citation of one links to it,
	// saying so.
	references map[string]*results.Reference
	// images are the figures drawn so far by the pixels they embed
	// (sameImages).
	images map[string]*figureView
	// atlases hold the thumbnails of the neighbours figures, one per dataset.
	atlases atlases
}

func (b *builder) warn(msg string) {
	b.report.Warnings = append(b.report.Warnings, msg)
	b.logf("warning: %s", msg)
}

func (b *builder) logf(format string, args ...any) {
	if b.cfg.Log != nil {
		fmt.Fprintf(b.cfg.Log, "report: "+format+"\n", args...)
	}
}

// pageData is what templates/page.html renders.
type pageData struct {
	Title, Subtitle, Generated string
	// Leaderboards are the results at a glance, under the title.
	Leaderboards []*leaderboardView
	TOC          []markdown.Heading
	Sections     []sectionView
	CSS          template.CSS
	JS           template.JS
	Counts       string
}

type sectionView struct{ Parts []partView }

// partView is one block of a section: rendered Markdown, an experiment, the
// comparison table, or the t-SNE grid.
type partView struct {
	HTML       template.HTML
	Experiment *experimentView
	Comparison *comparisonView
	TSNE       *tsneView
	// Comparisons and TSNEs are what a comparison or t-SNE directive
	// shows: one table and one grid per dataset, so that runs on other data
	// never share a table or a best mark.
	Comparisons []*comparisonView
	TSNEs       []*tsneView
	Sweep       *tsneView
	Bench       *benchView
	// Labels are what a labels directive shows: the talk's Table 1 with
	// the label-efficiency chart, one per dataset.
	Labels []*labelsView
	// labelsFigure is the label-efficiency chart's figure id and number.
	labelsFigure [2]string
	// names are the experiments a comparison or t-SNE directive covers
	// (none: every placed one).
	names []string
	// kind is the directive that placed the part, for the ones filled once
	// the page order is known (directive.fill).
	kind string
}

type tsneView struct {
	Figure  *figureView
	Missing string // why there is no grid
}

// runsOf lists the runs (main runs, then each one's variants) of the placed
// experiments named, in the names' order; every placed one when names is
// empty. A name with no experiment yet is left out, as @experiment does,
// and so is a run on data without labels, which no table can compare.
func runsOf(placed []*Experiment, names []string) []*Experiment {
	picked := placed
	if len(names) > 0 {
		picked = nil
		for _, n := range names {
			if i := slices.IndexFunc(placed, func(e *Experiment) bool { return e.Name == n }); i >= 0 {
				picked = append(picked, placed[i])
			}
		}
	}
	var runs []*Experiment
	for _, e := range picked {
		for _, r := range e.Runs() {
			if !r.Run.Unlabelled { // nothing to compare without labels: its own section shows it
				runs = append(runs, r)
			}
		}
	}
	return runs
}

// datasetRuns are the runs of one dataset, in page order.
type datasetRuns struct {
	name string
	runs []*Experiment
}

// byDataset groups runs by their data, in the order the data first appear
// (an experiment's main run, on its own data, comes first).
func byDataset(runs []*Experiment) []datasetRuns {
	var groups []datasetRuns
	for _, e := range runs {
		if e.Run == nil {
			continue
		}
		i := slices.IndexFunc(groups, func(g datasetRuns) bool { return g.name == e.Run.Dataset.Name })
		if i < 0 {
			groups, i = append(groups, datasetRuns{name: e.Run.Dataset.Name}), len(groups)
		}
		groups[i].runs = append(groups[i].runs, e)
	}
	return groups
}

func (b *builder) build() ([]byte, error) {
	table := directives()
	narratives, err := readNarratives(b.cfg.Templates, table)
	if err != nil {
		return nil, err
	}
	exps, err := Experiments(b.cfg.Root, b.cfg.Out)
	if err != nil {
		return nil, err
	}
	b.runs, b.seeds, b.images = map[string]*results.Run{}, map[string]*results.Seeds{}, map[string]*figureView{}
	b.references = map[string]*results.Reference{}
	b.atlases = atlases{}
	l := b.newLayout(exps)
	for _, n := range narratives {
		if err := l.section(n, table); err != nil {
			return nil, err
		}
	}
	if err := l.others(exps); err != nil {
		return nil, err
	}
	if err := l.fill(table); err != nil {
		return nil, err
	}
	return b.render(l)
}

// render writes the page of layout l: the leaderboards, the counts, the
// outline, the styles and script, through templates/page.html.
func (b *builder) render(l *layout) ([]byte, error) {
	tfs := b.cfg.Templates
	data := pageData{Sections: l.sections}
	placed := l.placed
	data.Leaderboards = leaderboards(runsOf(placed, nil), l.anchors, l.families)
	for _, e := range placed { // on any data: a run on Fashion-MNIST only is a variant
		runs := append([]*Experiment{e}, e.Variants...)
		if slices.ContainsFunc(runs, func(v *Experiment) bool { return v.Run != nil }) {
			b.report.WithResults++
			if !slices.ContainsFunc(runs, func(v *Experiment) bool { return v.Run != nil && v.Reference == nil }) {
				b.report.WithReference++
			}
		}
	}
	b.report.Experiments = len(placed)
	data.TOC = b.page.TOC()
	if len(data.Leaderboards) > 0 { // first on the page, unnumbered: not one of the talk's sections
		data.TOC = append([]markdown.Heading{{Level: 2, ID: "results-at-a-glance", Text: "Results at a glance"}}, data.TOC...)
	}
	data.Title = "Make Embeddings Great Again"
	data.Subtitle = "Self-supervised learning, retold as running Go code"
	data.Generated = time.Now().UTC().Format("2006-01-02 15:04 UTC")
	data.Counts = fmt.Sprintf("%s, %d with results", plural(b.report.Experiments, "experiment", "experiments"), b.report.WithResults)
	if n := b.report.WithReference; n > 0 {
		data.Counts += fmt.Sprintf(" (%d from the repository's reference runs only)", n)
	}
	css, err := fs.ReadFile(tfs, "style.css")
	if err != nil {
		return nil, err
	}
	js, err := fs.ReadFile(tfs, "script.js")
	if err != nil {
		return nil, err
	}
	sheets, err := b.atlases.css()
	if err != nil {
		return nil, err
	}
	for _, a := range b.atlases.list {
		b.report.Thumbnails += len(a.tiles)
	}
	data.CSS = template.CSS(string(css) + "\n" + markdown.CSS(`:root[data-theme="dark"]`) +
		"\n@media (prefers-color-scheme: dark) {\n" + markdown.DarkCSS(`:root:not([data-theme="light"])`) + "}\n" + sheets)
	data.JS = template.JS(js)
	t, err := template.New("page.html").ParseFS(tfs, "page.html")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	var out bytes.Buffer
	if err := t.Execute(&out, data); err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	return out.Bytes(), nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
