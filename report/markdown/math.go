package markdown

import (
	"bytes"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/mega-ssl/mega/report/mathml"
)

// KindMath is the node kind of $…$ and $$…$$ spans.
var KindMath = ast.NewNodeKind("Math")

// Math is a TeX formula: inline ($…$) or display ($$…$$).
type Math struct {
	ast.BaseInline
	TeX     string
	Display bool
}

// Kind implements ast.Node.
func (n *Math) Kind() ast.NodeKind { return KindMath }

// Dump implements ast.Node.
func (n *Math) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"TeX": n.TeX}, nil)
}

// mathParser finds $…$ and $$…$$. As in Pandoc, an inline formula's opening
// $ is followed by a non-space and its closing $ preceded by a non-space and
// not followed by a digit, so "costs $5 or $6" stays text. Display formulas
// may span lines.
type mathParser struct{}

func (mathParser) Trigger() []byte { return []byte{'$'} }

func (mathParser) Parse(_ ast.Node, block text.Reader, _ parser.Context) ast.Node {
	line, _ := block.PeekLine()
	display := len(line) > 1 && line[1] == '$'
	open := 1
	if display {
		open = 2
	}
	if !display && (len(line) < 2 || util.IsSpace(line[1])) {
		return nil
	}
	l, pos := block.Position()
	block.Advance(open)
	var tex bytes.Buffer
	for {
		line, _ := block.PeekLine()
		if line == nil {
			block.SetPosition(l, pos)
			return nil
		}
		for i := 0; i < len(line); i++ {
			c := line[i]
			if c == '\\' && i+1 < len(line) {
				tex.WriteByte(c)
				tex.WriteByte(line[i+1])
				i++
				continue
			}
			if c != '$' {
				if c != '\n' && c != '\r' {
					tex.WriteByte(c)
				}
				continue
			}
			if display {
				if i+1 < len(line) && line[i+1] == '$' {
					block.Advance(i + 2)
					return &Math{TeX: string(bytes.TrimSpace(tex.Bytes())), Display: true}
				}
				tex.WriteByte(c)
				continue
			}
			prevSpace := i == 0 || util.IsSpace(line[i-1])
			nextDigit := i+1 < len(line) && line[i+1] >= '0' && line[i+1] <= '9'
			if prevSpace || nextDigit || tex.Len() == 0 {
				block.SetPosition(l, pos)
				return nil
			}
			block.Advance(i + 1)
			return &Math{TeX: tex.String()}
		}
		if !display { // inline math stays on one line
			block.SetPosition(l, pos)
			return nil
		}
		tex.WriteByte(' ')
		block.AdvanceLine()
	}
}

// mathRenderer writes Math nodes as MathML.
type mathRenderer struct{}

func (mathRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindMath, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		m := n.(*Math)
		out, err := mathml.Convert(m.TeX, m.Display)
		if err != nil {
			return ast.WalkStop, err
		}
		_, _ = w.WriteString(out)
		return ast.WalkSkipChildren, nil
	})
}
