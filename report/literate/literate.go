// Package literate splits a literate Go program into prose and code, the way
// docco and Go by Example do: a block of `//` comment lines that starts in
// column 0 is Markdown prose, and the code after it, up to the next such
// block, is the code that prose explains. Comments indented inside code (in a
// function body) stay in the code. The first "# Heading" of the file's prose
// is its title.
//
// It reads Go source as text and imports nothing from GoMLX, so the report
// builds in a second while an experiment trains.
package literate

import (
	"bufio"
	"bytes"
	"regexp"
	"strings"
)

// Section is a run of prose followed by the code it explains. Either may be
// empty: a file can open with code, and prose can close it.
type Section struct {
	Prose string // Markdown, comment markers removed
	Code  string // Go source, verbatim, without leading or trailing blank lines
}

// Doc is a parsed literate program.
type Doc struct {
	// Title is the text of the first "# " heading in the prose ("" if none);
	// that heading line is removed from its section's prose.
	Title    string
	Sections []Section
}

// directive matches comment lines that are tool directives, not prose.
var directive = regexp.MustCompile(`^//(go:|line |export |extern |nolint)`)

// Parse splits src into sections.
func Parse(src []byte) Doc {
	var doc Doc
	var prose, code []string
	flush := func() {
		if len(prose) == 0 && strings.TrimSpace(strings.Join(code, "\n")) == "" {
			code = code[:0]
			return
		}
		doc.Sections = append(doc.Sections, Section{Prose: markdown(prose), Code: trimBlank(code)})
		prose, code = nil, nil
	}
	inProse := false
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		isProse := strings.HasPrefix(line, "//") && !directive.MatchString(line)
		switch {
		case isProse && !inProse:
			flush()
			prose = append(prose, line)
			inProse = true
		case isProse:
			prose = append(prose, line)
		default:
			if inProse {
				// A Go doc comment — the comment right above a declaration,
				// opening with the name it declares — belongs to the code.
				var doc []string
				prose, doc = splitDocComment(prose, line)
				code = append(code, doc...)
			}
			inProse = false
			code = append(code, line)
		}
	}
	flush()
	doc.Sections = joinCode(doc.Sections)
	for i := range doc.Sections {
		title, rest, ok := cutTitle(doc.Sections[i].Prose)
		if ok {
			doc.Title, doc.Sections[i].Prose = title, rest
			break
		}
	}
	return doc
}

// joinCode appends the code of a section without prose (a doc comment and
// its declaration, after other code) to the section before it: one fold of
// code under the prose that explains it, not several in a row.
func joinCode(sections []Section) []Section {
	var out []Section
	for _, s := range sections {
		if s.Prose == "" && len(out) > 0 {
			last := &out[len(out)-1]
			last.Code = strings.Trim(last.Code+"\n\n"+s.Code, "\n")
			continue
		}
		out = append(out, s)
	}
	return out
}

// declared matches a top-level declaration and captures the name it
// declares: "func (c *config) head() …" → head, "type config struct" →
// config.
var declared = regexp.MustCompile(`^(?:func\s+(?:\([^)]*\)\s*)?|type\s+|var\s+|const\s+)([A-Za-z_][A-Za-z0-9_]*)`)

// splitDocComment moves the doc comment of the declaration on line — the
// last paragraph of prose, when it opens with the declared name ("// head
// classifies…" above "func (c *config) head()") — from prose to code: it
// documents the code, it is not the notebook's prose.
func splitDocComment(prose []string, line string) (rest, doc []string) {
	m := declared.FindStringSubmatch(line)
	if m == nil {
		return prose, nil
	}
	start := len(prose)
	for start > 0 && strings.TrimSpace(prose[start-1]) != "//" {
		start--
	}
	if start == len(prose) {
		return prose, nil
	}
	first := strings.Fields(strings.TrimPrefix(prose[start], "//"))
	if len(first) == 0 || strings.TrimRight(first[0], ",:") != m[1] {
		return prose, nil
	}
	rest = prose[:start]
	for len(rest) > 0 && strings.TrimSpace(rest[len(rest)-1]) == "//" {
		rest = rest[:len(rest)-1] // the blank comment line that parted them
	}
	return rest, append([]string{}, prose[start:]...)
}

// markdown removes the comment markers: "// text" → "text", "//" → "".
// gofmt indents list items in doc comments (" 1. item", "  - item") and their
// continuation lines; Markdown reads those as the same lists, so the
// indentation is kept, except that a tab after "//" (gofmt's code blocks) is
// turned into four spaces.
func markdown(lines []string) string {
	out := make([]string, len(lines))
	for i, l := range lines {
		l = strings.TrimPrefix(l, "//")
		switch {
		case strings.HasPrefix(l, "\t"):
			l = "    " + l[1:]
		case strings.HasPrefix(l, " "):
			l = l[1:]
		}
		out[i] = strings.TrimRight(l, " \t")
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

func trimBlank(lines []string) string {
	return strings.Trim(strings.Join(lines, "\n"), "\n")
}

// cutTitle finds a "# Heading" line in prose and returns it and the prose without it.
func cutTitle(prose string) (title, rest string, ok bool) {
	lines := strings.Split(prose, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "# ") {
			rest := append(append([]string{}, lines[:i]...), lines[i+1:]...)
			return strings.TrimSpace(l[2:]), strings.TrimSpace(strings.Join(rest, "\n")), true
		}
	}
	return "", prose, false
}
