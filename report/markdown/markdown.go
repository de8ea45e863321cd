// Package markdown renders the report's Markdown — the talk-level narrative
// files and the prose of literate experiments — with goldmark, into pieces of
// one page that share a single outline: unique heading ids across every
// document, numbered sections and figures, a table of contents, TeX math as
// MathML, images inlined as data: URIs (the page is self-contained), and code
// highlighted by chroma with CSS classes.
//
// The table-of-contents, figure and math extensions for goldmark are not
// served by the module proxy; these small extenders are written here
// (structure.go, math.go, ids.go).
package markdown

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// Page is the shared state of one page being built from several documents.
type Page struct {
	outline outline
}

// NewPage starts a page.
func NewPage() *Page { return &Page{outline: outline{ids: NewIDs()}} }

// Config says how to render one document into the page.
type Config struct {
	// Shift is added to every heading level: 1 makes a "# Title" an <h2>.
	Shift int
	// Dir is where relative image paths are looked up.
	Dir string
	// Name prefixes footnote ids, so footnotes of several documents do not clash,
	// and names the document in errors.
	Name string
}

// Render converts one Markdown document. Errors name the document: an
// unknown TeX command, a missing or external image.
func (p *Page) Render(src []byte, o Config) (template.HTML, error) {
	prefix := Slug(o.Name) + "-"
	md := goldmark.New(
		goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.TaskList,
			extension.NewFootnote(extension.WithFootnoteIDPrefix(prefix))),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithInlineParsers(util.Prioritized(mathParser{}, 150)),
			parser.WithASTTransformers(util.Prioritized(&structure{page: &p.outline, shift: o.Shift}, 100)),
		),
		goldmark.WithRendererOptions(renderer.WithNodeRenderers(
			util.Prioritized(mathRenderer{}, 100),
			util.Prioritized(structureRenderer{}, 100),
			util.Prioritized(&mediaRenderer{dir: o.Dir}, 100),
		)),
	)
	var buf bytes.Buffer
	ctx := parser.NewContext(parser.WithIDs(p.outline.ids))
	if err := md.Convert(src, &buf, parser.WithContext(ctx)); err != nil {
		return "", fmt.Errorf("%s: %w", o.Name, err)
	}
	return template.HTML(buf.String()), nil // goldmark escapes text and omits raw HTML
}

// Heading numbers and records a heading that a template writes itself (an
// experiment's title), with a unique id made from idBase ("" : from text).
func (p *Page) Heading(level int, idBase, text string) Heading {
	if idBase == "" {
		idBase = text
	}
	return p.outline.heading(level, p.outline.ids.Unique(Slug(idBase)), text)
}

// ID reserves a unique id derived from text.
func (p *Page) ID(text string) string { return p.outline.ids.Unique(Slug(text)) }

// Figure numbers a figure that a template writes itself.
func (p *Page) Figure() (id string, number int) { return p.outline.figure() }

// TOC is the table of contents so far.
func (p *Page) TOC() []Heading { return p.outline.toc }

// mediaRenderer writes images as data: URIs and fenced code with chroma.
type mediaRenderer struct{ dir string }

func (m *mediaRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindImage, m.image)
	reg.Register(ast.KindFencedCodeBlock, m.code)
}

func (m *mediaRenderer) image(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	img := n.(*ast.Image)
	uri, err := DataURI(m.dir, string(img.Destination))
	if err != nil {
		return ast.WalkStop, err
	}
	fmt.Fprintf(w, `<img src="%s" alt="%s">`, uri, util.EscapeHTML([]byte(plainText(img, src))))
	return ast.WalkSkipChildren, nil
}

func (m *mediaRenderer) code(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	cb := n.(*ast.FencedCodeBlock)
	var code strings.Builder
	for i := 0; i < cb.Lines().Len(); i++ {
		seg := cb.Lines().At(i)
		code.Write(seg.Value(src))
	}
	lang := ""
	if l := cb.Language(src); l != nil {
		lang = string(l)
	}
	h, err := Highlight(code.String(), lang)
	if err != nil {
		return ast.WalkStop, err
	}
	_, _ = w.WriteString(string(h))
	return ast.WalkSkipChildren, nil
}

var mimeTypes = map[string]string{
	".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
	".gif": "image/gif", ".webp": "image/webp",
}

// DataURI reads the image at dir/dest and returns it as a data: URI. External
// addresses are refused: the page must open with the network off.
func DataURI(dir, dest string) (string, error) {
	if strings.Contains(dest, "://") || strings.HasPrefix(dest, "//") {
		return "", fmt.Errorf("image %q is external; the report is self-contained, so put the file beside the document", dest)
	}
	mime, ok := mimeTypes[strings.ToLower(filepath.Ext(dest))]
	if !ok {
		return "", fmt.Errorf("image %q: unknown type (want .svg, .png, .jpg, .gif or .webp)", dest)
	}
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(dest)))
	if err != nil {
		return "", fmt.Errorf("image %q: %w", dest, err)
	}
	if mime == "image/svg+xml" {
		return svgURI(b), nil
	}
	return "data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(b), nil
}

// svgEscaper makes SVG text a data: URI that a double-quoted HTML attribute
// holds as is: the URI's own escape and fragment marks, the attribute's
// quote and character references are percent-encoded, and line breaks and
// tabs, which a URL parser strips (joining attributes), become spaces.
var svgEscaper = strings.NewReplacer("%", "%25", "#", "%23", `"`, "%22", "&", "%26", "\r\n", " ", "\n", " ", "\t", " ")

// svgURI is an SVG as a UTF-8 data: URI: its text as it is, a quarter
// smaller than base64 (an image grid's PNG stays base64 inside it). Write
// it into an attribute verbatim (Src), not through html/template's URL
// normaliser, which would percent-encode every space.
func svgURI(svg []byte) string {
	return "data:image/svg+xml;charset=utf-8," + svgEscaper.Replace(compactChart(minifySVG(photosAsJPEG(string(svg)))))
}

// svgDefaults are what gonum/plot's SVGs repeat on every text and the
// preamble an embedded SVG does not need.
var svgDefaults = strings.NewReplacer("font-variant:normal;", "", "font-weight:normal;", "", "font-style:normal;", "",
	"<!-- Generated by SVGo and Plotinum VG -->\n", "", "<?xml version=\"1.0\"?>\n", "")

var fontFamily = regexp.MustCompile(`font-family:([^;"]+);`)

// minifySVG drops what a chart repeats without need: the default font
// properties on every text, the preamble, and — when every text has the
// same one — the font family, said once in a style sheet instead.
func minifySVG(svg string) string {
	svg = svgDefaults.Replace(svg)
	families := fontFamily.FindAllStringSubmatch(svg, -1)
	if len(families) < 2 {
		return svg
	}
	for _, f := range families[1:] {
		if f[1] != families[0][1] {
			return svg
		}
	}
	at := styleAt(svg)
	if at < 0 {
		return svg
	}
	return svg[:at] + "<style>text{font-family:" + families[0][1] + "}</style>" + fontFamily.ReplaceAllString(svg[at:], "")
}

// styleAt is where a style sheet goes in svg: right after its <svg …> tag;
// -1 when it has none.
func styleAt(svg string) int {
	open := strings.Index(svg, "<svg")
	end := strings.Index(svg[max(open, 0):], ">")
	if open < 0 || end < 0 {
		return -1
	}
	return open + end + 1
}

// Src is the attribute src="uri" for a data: URI from DataURI, for a
// template to write as is.
func Src(uri string) template.HTMLAttr {
	return template.HTMLAttr(`src="` + uri + `"`)
}
