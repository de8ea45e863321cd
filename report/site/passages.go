package site

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/mega-ssl/mega/gomlxssl/results"
)

// Prose never shows a placeholder. A passage — a paragraph, a table, or
// one item of a list — whose citations name a run that is not on disk (the
// reader's or a reference), or one not complete, is left out with what it
// concludes from them, and where passages in a row are left out, one line
// says so once and which runs would bring them back. The figures of a
// passage stand or fall together: a conclusion is never shown without the
// runs it rests on.

// listItem starts an item of a Markdown list.
var listItem = regexp.MustCompile(`^\s{0,3}(?:[-*+]|[0-9]+[.)])\s`)

// citeProse replaces the citations of md with their figures, leaving out
// the passages that cite runs the page does not have.
func (b *builder) citeProse(md, where string) string {
	var out, missing []string
	flush := func() {
		if len(missing) > 0 {
			out = append(out, missingNote(missing))
			missing = nil
		}
	}
	for _, block := range strings.Split(md, "\n\n") {
		if listItem.MatchString(block) {
			kept, gone := b.listItems(block)
			for _, g := range gone {
				if !slices.Contains(missing, g) {
					missing = append(missing, g)
				}
			}
			if kept == "" {
				continue
			}
			flush()
			out = append(out, b.cite(kept, where))
			continue
		}
		if gone := b.unresolved(block); len(gone) > 0 {
			_ = b.cite(block, where) // for its warnings: an unknown figure is one whether or not its run is here
			for _, g := range gone {
				if !slices.Contains(missing, g) {
					missing = append(missing, g)
				}
			}
			continue
		}
		flush()
		out = append(out, b.cite(block, where))
	}
	flush()
	return strings.Join(out, "\n\n")
}

// listItems keeps the items of list block whose citations resolve, and
// names the runs the others lack.
func (b *builder) listItems(block string) (kept string, missing []string) {
	var items []string
	for _, line := range strings.Split(block, "\n") {
		if listItem.MatchString(line) || len(items) == 0 {
			items = append(items, line)
			continue
		}
		items[len(items)-1] += "\n" + line
	}
	var keep []string
	for _, it := range items {
		if gone := b.unresolved(it); len(gone) > 0 {
			missing = append(missing, gone...)
			continue
		}
		keep = append(keep, it)
	}
	return strings.Join(keep, "\n"), missing
}

// unresolved lists the runs that citations in text name and the page lacks
// (absent, or not complete where the figure needs a finished run).
func (b *builder) unresolved(text string) []string {
	var gone []string
	for _, m := range citation.FindAllStringSubmatch(text, -1) {
		run, figure := m[1], m[2]
		r := b.runs[run]
		if (r == nil || (r.Status != results.StatusComplete && figure != "epochs")) && !slices.Contains(gone, run) {
			gone = append(gone, run)
		}
	}
	return gone
}

// missingNote is the one line that stands for the passages left out.
func missingNote(runs []string) string {
	names := make([]string, len(runs))
	for i, r := range runs {
		names[i] = "`" + r + "`"
	}
	return fmt.Sprintf("*A passage is left out here: it rests on runs this page does not have (%s). Each experiment's section gives the command that makes its runs.*",
		strings.Join(names, ", "))
}
