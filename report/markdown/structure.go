package markdown

import (
	"fmt"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Heading is one entry of the page's table of contents.
type Heading struct {
	Level  int    // HTML level, 2 for the talk's sections
	ID     string // anchor
	Number string // "4.2"; "" for unnumbered levels
	Text   string
}

// outline numbers sections and figures across a whole page and collects its
// table of contents. Levels 2 and 3 are numbered ("4", "4.2") and listed;
// deeper headings get ids but no number.
type outline struct {
	ids      *IDs
	toc      []Heading
	counters [2]int
	figures  int
}

// heading numbers a heading of the given level and records it.
func (o *outline) heading(level int, id, txt string) Heading {
	h := Heading{Level: level, ID: id, Text: txt}
	switch level {
	case 2:
		o.counters[0]++
		o.counters[1] = 0
		h.Number = fmt.Sprint(o.counters[0])
	case 3:
		o.counters[1]++
		h.Number = fmt.Sprintf("%d.%d", o.counters[0], o.counters[1])
	}
	if level <= 3 {
		o.toc = append(o.toc, h)
	}
	return h
}

// figure numbers the next figure.
func (o *outline) figure() (id string, n int) {
	o.figures++
	return o.ids.Unique(fmt.Sprintf("fig-%d", o.figures)), o.figures
}

// KindSectionNumber and KindFigure are the node kinds the structure
// transformer adds.
var (
	KindSectionNumber = ast.NewNodeKind("SectionNumber")
	KindFigure        = ast.NewNodeKind("Figure")
)

// SectionNumber is the "4.2" in front of a numbered heading.
type SectionNumber struct {
	ast.BaseInline
	Number string
}

// Kind implements ast.Node.
func (n *SectionNumber) Kind() ast.NodeKind { return KindSectionNumber }

// Dump implements ast.Node.
func (n *SectionNumber) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// Figure is an image alone in its paragraph: a numbered figure whose caption
// is the image's title, or its alt text.
type Figure struct {
	ast.BaseBlock
	ID      string
	Number  int
	Caption string
}

// Kind implements ast.Node.
func (n *Figure) Kind() ast.NodeKind { return KindFigure }

// Dump implements ast.Node.
func (n *Figure) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// structure is the AST transformer that builds the page's outline: it shifts
// heading levels (an experiment's "## The knobs" sits below the talk's section
// and the experiment's title), numbers them and records the table of
// contents, and turns lone images into numbered figures.
type structure struct {
	page  *outline
	shift int
}

func (s *structure) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	src := reader.Source()
	var headings []*ast.Heading
	var figures []*ast.Paragraph
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			headings = append(headings, n)
		case *ast.Paragraph:
			if loneImage(n, src) != nil {
				figures = append(figures, n)
			}
		}
		return ast.WalkContinue, nil
	})
	for _, h := range headings {
		h.Level = min(h.Level+s.shift, 6)
		id, _ := h.AttributeString("id")
		idStr := ""
		if b, ok := id.([]byte); ok {
			idStr = string(b)
		}
		entry := s.page.heading(h.Level, idStr, plainText(h, src))
		if entry.Number != "" {
			h.InsertBefore(h, h.FirstChild(), &SectionNumber{Number: entry.Number})
		}
	}
	for _, p := range figures {
		img := loneImage(p, src)
		caption := string(img.Title)
		if caption == "" {
			caption = plainText(img, src)
		}
		id, num := s.page.figure()
		fig := &Figure{ID: id, Number: num, Caption: caption}
		p.RemoveChild(p, img)
		fig.AppendChild(fig, img)
		p.Parent().ReplaceChild(p.Parent(), p, fig)
	}
}

// loneImage returns the image that is the only content of p, or nil.
func loneImage(p *ast.Paragraph, src []byte) *ast.Image {
	var img *ast.Image
	for c := p.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Image:
			if img != nil {
				return nil
			}
			img = c
		case *ast.Text:
			if strings.TrimSpace(string(c.Value(src))) != "" {
				return nil
			}
		default:
			return nil
		}
	}
	return img
}

// plainText is the text of n's inline content, without markup.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Value(src))
			if c.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		case *Math:
			b.WriteString(c.TeX)
		case *ast.CodeSpan:
			for t := c.FirstChild(); t != nil; t = t.NextSibling() {
				if tx, ok := t.(*ast.Text); ok {
					b.Write(tx.Value(src))
				}
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}

// structureRenderer writes section numbers and figures.
type structureRenderer struct{}

func (structureRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindSectionNumber, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			fmt.Fprintf(w, `<span class="secno">%s</span> `, n.(*SectionNumber).Number)
		}
		return ast.WalkContinue, nil
	})
	reg.Register(KindFigure, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		f := n.(*Figure)
		if entering {
			fmt.Fprintf(w, `<figure id="%s">`, f.ID)
			return ast.WalkContinue, nil
		}
		fmt.Fprintf(w, `<figcaption><span class="figno">Figure %d.</span> %s</figcaption></figure>`+"\n", f.Number, util.EscapeHTML([]byte(f.Caption)))
		return ast.WalkContinue, nil
	})
}
