package site

import (
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/mega-ssl/mega/gomlxssl/results"
	"github.com/mega-ssl/mega/report/literate"
	"github.com/mega-ssl/mega/report/markdown"
)

// Experiment is one experiments/<name>/main.go and what its last run left
// under the output directory.
type Experiment struct {
	Name   string // the experiment's name; <name>-<variant> for a variant
	Source string // path of main.go
	Dir    string // OUT/<name>
	Run    *results.Run
	// RunErr says why run.json could not be read (nil when it simply does not exist yet).
	RunErr error
	// Variants are the experiment's other runs, under OUT/<name>-<variant>/
	// (Siamese pairs from views, hard negatives with β = 0), in name order.
	Variants []*Experiment
	// Seeds is the aggregate of the runs of several seeds that this run is
	// the first of (seeds.json; nil when it has none). Covered marks another
	// seed of a run on disk (simclr-seed2 beside simclr), held in its
	// aggregate or still to be: the leaderboard and the comparisons show the
	// first seed's run with the aggregate, not each seed; the experiment's
	// section lists them all.
	Seeds   *results.Seeds
	Covered bool
	// Reference is set when the run is the repository's reference run
	// (reference/<name>/), shown because the reader has none of their own.
	Reference *results.Reference
	// Ref is the reference run beside the reader's own run of the same name
	// (nil where there is none).
	Ref *Experiment
}

// Runs are the experiment's main run and its variants that have results.
func (e *Experiment) Runs() []*Experiment {
	var out []*Experiment
	for _, r := range append([]*Experiment{e}, e.Variants...) {
		if r.Run != nil && !r.Covered {
			out = append(out, r)
		}
	}
	return out
}

// Status is "not run", or the run's status ("complete", "partial",
// "failed"), with "collapsed" for a run whose embeddings collapsed.
func (e *Experiment) Status() string {
	switch {
	case e.RunErr != nil:
		return "unreadable"
	case e.Run == nil:
		return "not run"
	case e.Run.Collapsed:
		return e.Run.Status + ", collapsed"
	case e.Reference != nil && e.Run.Status == results.StatusComplete:
		return "reference"
	}
	return e.Run.Status
}

// Experiments lists experiments/*/main.go under root, sorted by name, with
// the results of each: the reader's own under out, else the repository's
// reference run (root/reference/<name>/), marked as such. With out empty,
// only the reference runs.
func Experiments(root, out string) ([]*Experiment, error) {
	mains, err := filepath.Glob(filepath.Join(root, "experiments", "*", "main.go"))
	if err != nil {
		return nil, err
	}
	sort.Strings(mains)
	refs := filepath.Join(root, results.ReferenceDir)
	var exps []*Experiment
	for _, m := range mains {
		name := filepath.Base(filepath.Dir(m))
		e := runIn(out, refs, name, m)
		if e.Variants, err = variants(e, out, refs); err != nil {
			return nil, err
		}
		if err := readSeeds(e); err != nil {
			return nil, err
		}
		exps = append(exps, e)
	}
	return exps, nil
}

// runIn is the run in directory name: the reader's own under out, with the
// reference of the same name beside it (Ref), or else the reference itself
// (Reference set, read from refs).
func runIn(out, refs, name, source string) *Experiment {
	e := &Experiment{Name: name, Source: source, Dir: filepath.Join(out, name)}
	if out != "" {
		e.Run, e.RunErr = results.ReadRun(filepath.Join(e.Dir, "run.json"))
		if errors.Is(e.RunErr, fs.ErrNotExist) {
			e.Run, e.RunErr = nil, nil
		}
	}
	ref := &Experiment{Name: name, Source: source, Dir: filepath.Join(refs, name)}
	var err error
	if ref.Run, err = results.ReadRun(filepath.Join(ref.Dir, "run.json")); err != nil {
		return e
	}
	if ref.Reference, err = results.ReadReference(filepath.Join(ref.Dir, results.ReferenceFile)); err != nil {
		return e // not a reference run: a folder without its note is not shown as one
	}
	if e.Run == nil && e.RunErr == nil {
		return ref
	}
	e.Ref = ref
	// The reference's spread over seeds widens the band within which the
	// reader's run agrees with it (results.Compare); unreadable, it is left out.
	ref.Seeds, _ = results.ReadAggregate(ref.Dir)
	return e
}

// variants finds the runs under OUT/<name>-*/ (and the references'
// reference/<name>-*/) whose run.json names them a variant of e. A
// directory that does not say so (another experiment's, or an unreadable
// run.json) is not e's.
func variants(e *Experiment, out, refs string) ([]*Experiment, error) {
	var names []string
	for _, dir := range []string{out, refs} {
		if dir == "" {
			continue
		}
		files, err := filepath.Glob(filepath.Join(dir, e.Name+"-*", "run.json"))
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if n := filepath.Base(filepath.Dir(f)); !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	// By directory, so that a run precedes its other seeds (simclr-fashion-mnist
	// before simclr-fashion-mnist-seed2).
	sort.Strings(names)
	var vs []*Experiment
	for _, n := range names {
		v := runIn(out, refs, n, e.Source)
		if v.Run == nil || v.Run.Experiment != e.Name || v.Run.Variant == "" || n != e.Name+"-"+v.Run.Variant {
			continue
		}
		vs = append(vs, v)
	}
	return vs, nil
}

// experimentView is what the "experiment" template shows.
type experimentView struct {
	Name, Title, Status string
	// StatusClass styles the heading's status: the status itself, or
	// "elsewhere" for an experiment run only as variants (on other data).
	StatusClass    string
	Heading        markdown.Heading
	ResultsID      string
	Command, Quick string
	// Source is the notebook's path in the repository, SourceHref a link to
	// it relative to the page.
	Source, SourceHref string
	Sections           []literateView
	HasRun             bool
	Results            runView
	// Variants are the experiment's other runs, each with its results.
	Variants []variantView
	Warnings []string
}

// runView is the results block of one run.
type runView struct {
	// Origin says whose run it is: a reference, or the reader's own
	// against its reference.
	Origin   *originView
	Meta     []keyValue
	Protocol string
	Metrics  []metricRow
	// Measures are the method's own measurements (pretext accuracy, active
	// units, covered classes…).
	Measures []measureView
	Figures  []figureView
	// Neighbours is the run's nearest-neighbours figure, if it has one.
	Neighbours *neighboursView
	// Files are the run's data: run.json, metrics.csv, embeddings.csv.
	Files []link
}

type measureView struct{ Name, Value, Note string }

// variantView is a variant's results block, after the main run's.
type variantView struct {
	Title, ID, Command string
	// Folded, when set, is the summary of a run shown folded: another seed
	// of a run whose aggregate the page shows.
	Folded  string
	Results runView
}

type literateView struct {
	Prose template.HTML
	Code  template.HTML
	// Lines says how long the code is: "1 line", "12 lines".
	Lines string
}

type keyValue struct{ Key, Value string }

type metricRow struct {
	Name  string
	Cells []cell
	Ours  bool
}

type figureView struct {
	ID     string
	Number int
	// Part letters the panels of one numbered figure drawn as several
	// (a t-SNE grid per dataset: 7a, 7b); empty for a single one.
	Part string
	// Src is the image's src attribute, a data: URI (markdown.Src).
	Src template.HTMLAttr
	// Chart is set for a drawn chart (an SVG without pixels), which dark
	// mode shows inverted; image grids and photos keep their colours.
	Chart   bool
	Caption string
	Alt     string
	// Drawn, set instead of Src, is the data-chart attribute of a chart the
	// page's script draws (runChart).
	Drawn template.HTMLAttr
	// Same is an earlier figure that shows the same images (the same
	// augmented views of another method): this one refers to it instead of
	// repeating them.
	Same *figureView
}

// Command is how to run an experiment (with a run's recorded flags) so that
// its results land in the reader's out/, as a shell command line (arguments
// quoted where the shell would split them).
func Command(name string, extra ...string) string {
	// No -out: the command is the reader's, who runs it in their checkout
	// (a report built from another directory does not print its path).
	args := []string{"go", "run", "./experiments/" + name}
	var quoted []string
	for _, a := range append(args, extra...) {
		if strings.HasPrefix(a, "-out=") || strings.HasPrefix(a, "-baselines=") {
			continue // where a run wrote (older runs recorded these): the reader's own place
		}
		if strings.ContainsAny(a, " \t'\"$&;|<>()*?") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		quoted = append(quoted, a)
	}
	return strings.Join(quoted, " ")
}

func (b *builder) experimentView(e *Experiment) (*experimentView, error) {
	src, err := os.ReadFile(e.Source)
	if err != nil {
		return nil, err
	}
	doc := literate.Parse(src)
	title := doc.Title
	if title == "" {
		title = e.Name
	}
	v := &experimentView{Name: e.Name, Title: title, Status: e.Status(),
		Command: Command(e.Name, seedsArgs(e, nil)...), Quick: Command(e.Name, "-preset", "quick")}
	v.StatusClass = strings.ReplaceAll(v.Status, " ", "-")
	if e.Run == nil && e.RunErr == nil && len(e.Variants) > 0 {
		// "not run" over a section with results on Fashion-MNIST misleads:
		// say where it ran instead.
		v.Status, v.StatusClass = "variants only", "elsewhere"
		var data []string
		for _, vr := range e.Variants {
			if d := results.DatasetTitle(vr.Run.Dataset.Name); vr.Run.Variant == vr.Run.Dataset.Name && !slices.Contains(data, d) {
				data = append(data, d)
			}
		}
		if len(data) > 0 {
			v.Status = "run on " + strings.Join(data, ", ")
		}
	}
	v.Heading = b.page.Heading(3, e.Name, title)
	rel, _ := filepath.Rel(b.cfg.Root, e.Source)
	v.Source, v.SourceHref = filepath.ToSlash(rel), b.href(e.Source)
	for i, s := range doc.Sections {
		prose, err := b.page.Render([]byte(b.citeProse(s.Prose, e.Source)), markdown.Config{Shift: 2, Dir: filepath.Dir(e.Source), Name: fmt.Sprintf("%s-%d", e.Name, i)})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.ToSlash(rel), err)
		}
		lv := literateView{Prose: prose}
		if s.Code != "" {
			if lv.Code, err = markdown.Highlight(s.Code, "go"); err != nil {
				return nil, err
			}
			lv.Lines = plural(strings.Count(s.Code, "\n")+1, "line", "lines")
		}
		v.Sections = append(v.Sections, lv)
	}
	v.ResultsID = b.page.ID(e.Name + "-results")
	shown := map[string]bool{} // the datasets whose neighbours the section shows
	switch {
	case e.RunErr != nil:
		v.Warnings = append(v.Warnings, fmt.Sprintf("could not read %s: %v", filepath.Join(e.Dir, "run.json"), e.RunErr))
	case e.Run != nil:
		v.HasRun = true
		v.Results, v.Warnings = b.runResults(e, v.Status, v.Warnings)
		v.Results.Neighbours, v.Warnings = b.neighboursOnce(e, shown, v.Warnings)
	}
	for _, vr := range e.Variants {
		vv := variantView{Title: vr.Run.Title, ID: b.page.ID(vr.Name + "-results"),
			Command: Command(e.Name, seedsArgs(vr, vr.Run.Args)...)}
		if averaged(e, vr) && vr.Run.Status == results.StatusComplete { // one of the seeds a row above averages: folded, its figures in the summary
			m := vr.Run.Metrics
			vv.Folded = fmt.Sprintf("kNN %s, linear %s; one of the seeds averaged above", pct(m.KNNTop1), pct(m.LinearTop1))
		}
		vv.Results, v.Warnings = b.runResults(vr, (&Experiment{Run: vr.Run}).Status(), v.Warnings)
		if vv.Folded == "" {
			vv.Results.Neighbours, v.Warnings = b.neighboursOnce(vr, shown, v.Warnings)
		}
		v.Variants = append(v.Variants, vv)
	}
	for _, w := range v.Warnings {
		b.warn(e.Name + ": " + w)
	}
	return v, nil
}

// runResults is the results block of run e (its status given), appending
// what could not be shown to warnings.
func (b *builder) runResults(e *Experiment, status string, warnings []string) (runView, []string) {
	r := e.Run
	v := runView{Origin: origin(e), Files: b.dataFiles(e.Dir), Meta: runMeta(r, status), Protocol: r.Protocol, Metrics: metricRows(e)}
	m := r.Metrics
	if m.PretextAccuracy != nil {
		v.Measures = append(v.Measures, measureView{Name: "pretext-task accuracy", Value: pct(*m.PretextAccuracy),
			Note: "the task the method trains on, scored on the test split"})
	}
	for _, ms := range r.Measures {
		v.Measures = append(v.Measures, measureView{Name: ms.Name, Value: strconv.FormatFloat(ms.Value, 'g', 4, 64), Note: ms.Note})
	}
	rows, _ := results.ReadMetrics(filepath.Join(e.Dir, "metrics.csv")) // read once for the run's drawn charts; unreadable: its SVGs
	for _, f := range r.Figures {
		if drawn, ok := runChart(f.File, r, rows, e.Seeds); ok {
			id, n := b.page.Figure()
			v.Figures = append(v.Figures, figureView{ID: id, Number: n, Drawn: drawn, Caption: f.Caption, Alt: f.Caption})
			continue
		}
		if same, ok := b.sameImages(filepath.Join(e.Dir, f.File)); ok { // drawn once per policy and data
			v.Figures = append(v.Figures, figureView{Same: same, Caption: f.Caption})
			continue
		}
		fv, err := b.figure(e.Dir, f.File, f.Caption)
		if err != nil {
			warnings = append(warnings, err.Error())
			continue
		}
		b.seenImages(filepath.Join(e.Dir, f.File), fv)
		v.Figures = append(v.Figures, fv)
	}
	return v, warnings
}
