package site

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/mega-ssl/mega/gomlxssl/results"
)

// A directive is one kind of generated block a narrative places with a
// line "@NAME ARGS" (narrative.go): how its arguments are read, how its
// part is placed in the page's flow, and — for a block that covers the
// experiments placed anywhere on the page — how it is filled once the page
// order is known. docs/architecture.md says how to add one.
type directive struct {
	// usage is its form, for the errors that name it ("@sweep NAME").
	usage string
	// args checks the arguments (fields after the name) and keeps them in p.
	args func(p *narrativePart, fields []string) error
	// place adds the directive's part to sec, where it stands in the flow.
	place func(l *layout, sec *sectionView, p narrativePart) error
	// fill, if set, completes the part once every experiment is placed.
	fill func(l *layout, part *partView) error
}

// directives are the report's directives, by name.
func directives() map[string]directive {
	return map[string]directive{
		"experiment": {usage: "@experiment NAME", args: oneName, place: (*layout).experiment},
		"comparison": {usage: "@comparison [NAME…]", args: anyNames, fill: (*layout).comparisons,
			place: func(l *layout, sec *sectionView, p narrativePart) error {
				sec.Parts = append(sec.Parts, partView{Comparison: &comparisonView{}, names: p.names, kind: "comparison"})
				return nil
			}},
		"labels": {usage: "@labels NAME…", args: someNames, fill: (*layout).labels,
			place: func(l *layout, sec *sectionView, p narrativePart) error {
				id, num := l.b.page.Figure()
				sec.Parts = append(sec.Parts, partView{names: p.names, labelsFigure: [2]string{id, fmt.Sprint(num)}, kind: "labels"})
				return nil
			}},
		"tsne": {usage: "@tsne [NAME…]", args: anyNames, fill: (*layout).tsnes,
			place: func(l *layout, sec *sectionView, p narrativePart) error {
				id, num := l.b.page.Figure()
				sec.Parts = append(sec.Parts, partView{TSNE: &tsneView{Figure: &figureView{ID: id, Number: num}}, names: p.names, kind: "tsne"})
				return nil
			}},
		"sweep": {usage: "@sweep NAME", args: oneName,
			place: func(l *layout, sec *sectionView, p narrativePart) error {
				// After its experiment in the narrative, so drawn here, in page order.
				part := partView{names: []string{p.arg}}
				if err := l.b.sweep(&part, runsOf(l.placed, part.names)); err != nil {
					return err
				}
				sec.Parts = append(sec.Parts, part)
				return nil
			}},
		"bench": {usage: "@bench", args: noArgs,
			place: func(l *layout, sec *sectionView, p narrativePart) error {
				bv := l.b.benchView()
				bv.Eval = l.b.evalRows(l.anchors)
				sec.Parts = append(sec.Parts, partView{Bench: bv})
				return nil
			}},
	}
}

// directiveUsage lists every directive's form, for the error an unknown
// one gets.
func directiveUsage() string {
	var each []string
	for _, d := range directives() {
		each = append(each, d.usage)
	}
	sort.Strings(each)
	return strings.Join(each, ", ")
}

func oneName(p *narrativePart, fields []string) error {
	if len(fields) != 1 {
		return fmt.Errorf("want one experiment's name")
	}
	p.arg = fields[0]
	return nil
}

func anyNames(p *narrativePart, fields []string) error {
	p.names = fields
	return nil
}

func someNames(p *narrativePart, fields []string) error {
	if len(fields) == 0 {
		return fmt.Errorf("name the experiments it covers")
	}
	p.names = fields
	return nil
}

func noArgs(p *narrativePart, fields []string) error {
	if len(fields) > 0 {
		return fmt.Errorf("it takes no argument")
	}
	return nil
}

// comparisons fills a comparison directive's part: one table per dataset
// of the experiments it names (every placed one when none), with their
// per-epoch curves.
func (l *layout) comparisons(p *partView) error {
	command := "go run run.go run simclr"
	if len(p.names) > 0 {
		command = "go run run.go run " + strings.Join(p.names, " ")
	}
	groups := byDataset(runsOf(l.placed, p.names))
	for _, g := range groups {
		var missing []string // a method the directive names with no run on this data
		for _, n := range p.names {
			if !slices.ContainsFunc(g.runs, func(e *Experiment) bool { return e.Run.Experiment == n }) && l.titles[n] != "" {
				missing = append(missing, l.titles[n])
			}
		}
		c := comparison(g.runs, l.anchors, missing...)
		c.Command, c.Curves = command, curvesJSON(g.runs, l.titles)
		if len(groups) > 1 {
			c.Dataset = results.DatasetTitle(g.name)
		}
		p.Comparisons = append(p.Comparisons, c)
	}
	if len(groups) == 0 {
		p.Comparisons = []*comparisonView{{Columns: comparisonColumns, Command: command}}
	}
	return nil
}

// labels fills a labels directive's part: the talk's Table 1 per dataset.
func (l *layout) labels(p *partView) error {
	p.Labels = labelTables(runsOf(l.placed, p.names), l.anchors, p.names,
		labelsCommand(p.names), p.labelsFigure[0], p.labelsFigure[1])
	return nil
}

// tsnes fills a t-SNE directive's part: one grid per dataset, parts of one
// numbered figure.
func (l *layout) tsnes(p *partView) error {
	groups := byDataset(runsOf(l.placed, p.names))
	for gi, g := range groups {
		spec, panels, err := l.b.tsneGrid(g.runs, l.titles)
		if err != nil {
			return err
		}
		if panels == 0 {
			continue
		}
		f := *p.TSNE.Figure
		if len(groups) > 1 { // one numbered figure, a part per dataset
			f.ID, f.Part = fmt.Sprintf("%s-%s", f.ID, g.name), string(rune('a'+gi))
		}
		f.Drawn = spec
		on := ""
		if len(groups) > 1 {
			on = " on " + results.DatasetTitle(g.name)
		}
		f.Caption = fmt.Sprintf("t-SNE of the test-set representations h of %s%s, coloured by class. Perplexity %g, %d iterations, seed %d, Barnes-Hut θ = 0.5, computed in Go from each run's embeddings.csv; each panel draws at most %s of its points, evenly spaced through the file.",
			plural(panels, "method", "methods"), on, tsneConfig.Perplexity, tsneConfig.Iterations, tsneConfig.Seed, thousands(tsnePoints))
		f.Alt = "t-SNE grid of the methods' representations" + on
		p.TSNEs = append(p.TSNEs, &tsneView{Figure: &f})
	}
	if len(p.TSNEs) == 0 {
		p.TSNEs = []*tsneView{{Missing: "No experiment has written embeddings yet."}}
	}
	return nil
}
