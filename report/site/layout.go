package site

import (
	"fmt"
	"html/template"
	"path/filepath"

	"github.com/mega-ssl/mega/report/markdown"
)

// layout is the page as the narratives place it: its sections in order,
// the experiments placed (in page order), and what each placed experiment
// and variant is called, where it is, and in which part of the talk.
type layout struct {
	b        *builder
	byName   map[string]*Experiment
	sections []sectionView
	placed   []*Experiment
	anchors  map[string]string
	titles   map[string]string
	families map[string]string // the part of the talk an experiment is placed in
	family   string            // the part being laid out
}

// newLayout starts the page's layout of the experiments exps, and indexes
// their runs and seeds by directory name for the narratives' citations.
func (b *builder) newLayout(exps []*Experiment) *layout {
	l := &layout{b: b, byName: map[string]*Experiment{}, anchors: map[string]string{}, titles: map[string]string{}, families: map[string]string{}}
	for _, e := range exps {
		l.byName[e.Name] = e
		for _, r := range append([]*Experiment{e}, e.Variants...) {
			if r.Run != nil {
				b.runs[filepath.Base(r.Dir)] = r.Run
				if r.Reference != nil {
					b.references[filepath.Base(r.Dir)] = r.Reference
				}
				if r.Seeds != nil {
					b.seeds[filepath.Base(r.Dir)] = r.Seeds
				}
			}
		}
	}
	return l
}

// section lays out one narrative: its Markdown, rendered, and its
// directives' parts, in order.
func (l *layout) section(n narrative, table map[string]directive) error {
	var sec sectionView
	l.family = n.title()
	for i, p := range n.parts {
		if p.directive == "" {
			html, err := l.b.page.Render([]byte(l.b.citeProse(p.markdown, n.file)), markdown.Config{Shift: 1,
				Dir: filepath.Join(l.b.cfg.Root, "templates", "narrative"), Name: fmt.Sprintf("%s-%d", n.file, i)})
			if err != nil {
				return err
			}
			sec.Parts = append(sec.Parts, partView{HTML: html})
			continue
		}
		if err := table[p.directive].place(l, &sec, p); err != nil {
			return fmt.Errorf("%s:%d: @%s: %w", n.file, p.line, p.directive, err)
		}
	}
	l.sections = append(l.sections, sec)
	return nil
}

// experiment places an experiment directive's experiment (one whose
// source does not exist yet is left out).
func (l *layout) experiment(sec *sectionView, p narrativePart) error {
	e, ok := l.byName[p.arg]
	if !ok {
		return nil
	}
	if l.anchors[e.Name] != "" {
		return fmt.Errorf("experiment %s is placed twice", e.Name)
	}
	return l.add(sec, e)
}

// add places experiment e's section in sec.
func (l *layout) add(sec *sectionView, e *Experiment) error {
	v, err := l.b.experimentView(e)
	if err != nil {
		return err
	}
	l.placed = append(l.placed, e)
	l.anchors[e.Name], l.titles[e.Name] = v.Heading.ID, v.Title
	l.families[e.Name] = l.family
	if e.Run != nil && e.Run.Title != "" {
		l.titles[e.Name] = e.Run.Title // the short name, for panels
	}
	for i, vr := range e.Variants {
		l.anchors[vr.Name], l.titles[vr.Name] = v.Variants[i].ID, vr.Run.Title
		l.families[vr.Name] = l.family
	}
	sec.Parts = append(sec.Parts, partView{Experiment: v})
	return nil
}

// others gives the experiments no narrative places a section of their own.
func (l *layout) others(exps []*Experiment) error {
	var others sectionView
	for _, e := range exps {
		if l.anchors[e.Name] != "" {
			continue
		}
		if len(others.Parts) == 0 {
			h := l.b.page.Heading(2, "", "Other experiments")
			others.Parts = append(others.Parts, partView{HTML: template.HTML(fmt.Sprintf(`<h2 id="%s"><span class="secno">%s</span> Other experiments</h2>`, h.ID, h.Number))})
		}
		l.family = "other"
		if err := l.add(&others, e); err != nil {
			return err
		}
	}
	if len(others.Parts) > 0 {
		l.sections = append(l.sections, others)
	}
	return nil
}

// fill completes the parts of directives that cover every placed
// experiment (the comparison, Table 1, the t-SNE grid), now that the page
// order is known.
func (l *layout) fill(table map[string]directive) error {
	for si := range l.sections {
		for pi := range l.sections[si].Parts {
			p := &l.sections[si].Parts[pi]
			if d, ok := table[p.kind]; ok && d.fill != nil {
				if err := d.fill(l, p); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
