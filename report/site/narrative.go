package site

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// A narrative file is Markdown for one section of the talk, read in the
// order of its file name (01-preliminary.md, 02-pretext.md…). Lines that
// are only a directive place generated blocks in the flow:
//
//	@experiment simclr   an experiment's section (narrative, code, results)
//	@comparison          the table of every method with results
//	@comparison a b …    the same, for the experiments named (and their variants)
//	@tsne                the t-SNE grid of every method with embeddings
//	@tsne a b …          the same, for the experiments named
//	@sweep name          a chart of an experiment's runs (main and variants):
//	                     the pretext task's accuracy beside the probes
//	@bench               the throughput table of OUT/bench.json (run.go bench)
//
// An experiment named there whose source does not exist yet is left out.
type narrative struct {
	file  string
	parts []narrativePart
}

// title is the narrative's first heading ("Contrastive learning"): the
// family of the experiments it places.
func (n narrative) title() string {
	for _, p := range n.parts {
		for _, line := range strings.Split(p.markdown, "\n") {
			if t, ok := strings.CutPrefix(line, "# "); ok {
				return strings.TrimSpace(t)
			}
		}
	}
	return ""
}

// narrativePart is either Markdown or a directive.
type narrativePart struct {
	markdown  string
	directive string // "experiment", "comparison", "tsne", "labels", "bench"
	arg       string
	names     []string // the experiments a comparison or t-SNE grid covers (none: all)
	line      int
}

// readNarratives reads every narrative/*.md of the templates, in name order.
func readNarratives(tfs fs.FS, table map[string]directive) ([]narrative, error) {
	names, err := fs.Glob(tfs, "narrative/*.md")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("templates: no narrative/*.md files")
	}
	sort.Strings(names)
	var out []narrative
	for _, name := range names {
		b, err := fs.ReadFile(tfs, name)
		if err != nil {
			return nil, err
		}
		n, err := parseNarrative(path.Join("templates", name), b, table)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

func parseNarrative(file string, src []byte, table map[string]directive) (narrative, error) {
	n := narrative{file: file}
	var md []string
	flush := func() {
		if s := strings.TrimSpace(strings.Join(md, "\n")); s != "" {
			n.parts = append(n.parts, narrativePart{markdown: s + "\n"})
		}
		md = nil
	}
	sc := bufio.NewScanner(bytes.NewReader(src))
	lineNo := 0
	inFence := false
	for sc.Scan() {
		lineNo++
		line := sc.Text()
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inFence = !inFence
		}
		if inFence || !strings.HasPrefix(line, "@") {
			md = append(md, line)
			continue
		}
		fields := strings.Fields(line[1:])
		if len(fields) == 0 {
			return n, fmt.Errorf("%s:%d: empty directive", file, lineNo)
		}
		p := narrativePart{directive: fields[0], line: lineNo}
		d, ok := table[fields[0]]
		if !ok {
			return n, fmt.Errorf("%s:%d: unknown directive @%s (want %s)", file, lineNo, fields[0], directiveUsage())
		}
		if err := d.args(&p, fields[1:]); err != nil {
			return n, fmt.Errorf("%s:%d: %v: %q", file, lineNo, err, d.usage)
		}
		flush()
		n.parts = append(n.parts, p)
	}
	flush()
	return n, sc.Err()
}
