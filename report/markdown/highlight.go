package markdown

import (
	"bytes"
	"html/template"
	"regexp"
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
)

// formatter writes the tokens only: Highlight wraps them in its own
// <pre class="chroma"><code>, without chroma's two spans around every line
// (a flex box for line highlighting, which the report does not use).
var formatter = chromahtml.New(chromahtml.WithClasses(true), chromahtml.TabWidth(4), chromahtml.PreventSurroundingPre(true))

// plain are the token types that both styles draw in the text's own colour
// (whitespace, punctuation, other names): written as text, with no span
// each, they style nothing and were half of a notebook's HTML.
var plain = map[chroma.TokenType]bool{chroma.Whitespace: true, chroma.Punctuation: true, chroma.NameOther: true, chroma.Name: true}

// Highlight renders code in the language lang ("go", "sh"…; unknown or empty
// is plain text) as a <pre class="chroma"> with CSS classes; CSS styles them.
func Highlight(code, lang string) (template.HTML, error) {
	key := highlightKey{code, lang}
	highlighted.Lock()
	h, ok := highlighted.m[key]
	highlighted.Unlock()
	if ok { // the watcher rebuilds the page on every save: most code is unchanged
		return h, nil
	}
	h, err := highlight(code, lang)
	if err != nil {
		return h, err
	}
	highlighted.Lock()
	defer highlighted.Unlock()
	if highlighted.m == nil || len(highlighted.m) >= maxHighlighted { // edits leave old listings behind: start afresh
		highlighted.m = map[highlightKey]template.HTML{}
	}
	highlighted.m[key] = h
	return h, nil
}

// highlightKey names a highlighted listing in highlighted, the process's
// cache of them; maxHighlighted bounds it (a page has a few hundred).
type highlightKey struct{ code, lang string }

const maxHighlighted = 2000

var highlighted struct {
	sync.Mutex
	m map[highlightKey]template.HTML
}

func highlight(code, lang string) (template.HTML, error) {
	lexer := lexers.Get(lang)
	if lexer == nil {
		lexer = lexers.Fallback
	}
	it, err := lexer.Tokenise(nil, code)
	if err != nil {
		return "", err
	}
	var tokens []chroma.Token
	for t := it(); t != chroma.EOF; t = it() {
		if plain[t.Type] {
			t.Type = chroma.Text
		}
		if n := len(tokens); n > 0 && tokens[n-1].Type == t.Type { // one span (or none) per run of one type
			tokens[n-1].Value += t.Value
			continue
		}
		tokens = append(tokens, t)
	}
	var buf bytes.Buffer
	buf.WriteString(`<pre class="chroma"><code>`)
	if err := formatter.Format(&buf, styles.Get("github"), chroma.Literator(tokens...)); err != nil {
		return "", err
	}
	buf.WriteString("</code></pre>")
	return template.HTML(buf.String()), nil
}

var selector = regexp.MustCompile(`(?m)^(/\*.*?\*/ )?(\.chroma|\.bg)`)

// The two style sheets chroma writes, once: they never change.
var (
	lightCSS = sync.OnceValue(func() string { return styleCSS("github") })
	darkCSS  = sync.OnceValue(func() string { return styleCSS("github-dark") })
)

func styleCSS(name string) string {
	var b bytes.Buffer
	_ = formatter.WriteCSS(&b, styles.Get(name))
	return b.String()
}

// CSS is the highlighting style sheet: GitHub's colours, and GitHub Dark's
// under each of darkSelectors (a selector for the page root in dark mode,
// such as `:root[data-theme="dark"]`).
func CSS(darkSelectors ...string) string {
	var b strings.Builder
	b.WriteString(lightCSS())
	for _, sel := range darkSelectors {
		b.WriteString(DarkCSS(sel))
	}
	return b.String()
}

// DarkCSS is only the dark rules, under selector (for a media query).
func DarkCSS(sel string) string {
	return selector.ReplaceAllString(darkCSS(), "$1"+sel+" $2")
}
