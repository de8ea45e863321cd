// Package mathml converts the subset of TeX math that the report's narrative
// uses into MathML Core, which browsers render natively. The page then shows
// NT-Xent, InfoNCE, the KL divergence or the Barlow Twins objective with no
// script, no font download and no network.
//
// No maintained Go library converts TeX to MathML (the KaTeX and MathJax ports
// are JavaScript), so this is written here. It is deliberately strict: a
// command it does not know is an error naming the command, so a typo in the
// narrative fails the build instead of rendering garbage.
package mathml

import (
	"fmt"
	"html"
	"strings"
)

// Convert renders the TeX source tex (without its $ delimiters) as a <math>
// element; display selects block (display="block") or inline layout.
func Convert(tex string, display bool) (string, error) {
	p := &parser{src: []rune(tex)}
	nodes, err := p.sequence(0)
	if err != nil {
		return "", fmt.Errorf("math %q: %w", tex, err)
	}
	if p.pos < len(p.src) {
		return "", fmt.Errorf("math %q: unexpected %q at offset %d", tex, string(p.src[p.pos]), p.pos)
	}
	var b strings.Builder
	b.WriteString(`<math xmlns="http://www.w3.org/1998/Math/MathML"`)
	if display {
		b.WriteString(` display="block"`)
	}
	fmt.Fprintf(&b, ` alttext="%s">`, html.EscapeString(tex))
	writeRow(&b, nodes)
	b.WriteString(`</math>`)
	return b.String(), nil
}

// node is one MathML element: tag with attributes, and either text or children.
type node struct {
	tag, attrs, text string
	kids             []*node
}

func leaf(tag, text string) *node { return &node{tag: tag, text: text} }

func (n *node) write(b *strings.Builder) {
	b.WriteString("<" + n.tag + n.attrs + ">")
	if n.kids == nil {
		b.WriteString(html.EscapeString(n.text))
	}
	for _, k := range n.kids {
		k.write(b)
	}
	b.WriteString("</" + n.tag + ">")
}

func writeRow(b *strings.Builder, nodes []*node) {
	if len(nodes) == 1 {
		nodes[0].write(b)
		return
	}
	row(nodes).write(b)
}

func row(nodes []*node) *node {
	if nodes == nil {
		nodes = []*node{}
	}
	return &node{tag: "mrow", kids: nodes}
}

// group wraps several nodes in an mrow so that they are one argument.
func group(nodes []*node) *node {
	if len(nodes) == 1 {
		return nodes[0]
	}
	return row(nodes)
}
