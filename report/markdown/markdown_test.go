package markdown

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const doc = `# Contrastive learning

Intro with $\tau$ and a price of $5 or $6.[^1]

$$\ell = -\log \frac{a}{b}$$

## Loss

| method | kNN |
|---|---|
| SimCLR | 28.4 |

![The loss falls](loss.svg)

` + "```go\nfunc main() {}\n```" + `

[^1]: A footnote.
`

func TestRenderStructure(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "loss.svg"), []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), 0o644); err != nil {
		t.Fatal(err)
	}
	p := NewPage()
	a, err := p.Render([]byte(doc), Options{Shift: 1, Dir: dir, Name: "a"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.Render([]byte(doc), Options{Shift: 1, Dir: dir, Name: "b"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<h2 id="contrastive-learning"><span class="secno">1</span> Contrastive learning</h2>`,
		`<h3 id="loss"><span class="secno">1.1</span> Loss</h3>`,
		`<math xmlns="http://www.w3.org/1998/Math/MathML" alttext="\tau"><mi>τ</mi></math>`,
		`display="block"`,
		"a price of $5 or $6.",
		`<figure id="fig-1"><img src="data:image/svg+xml;charset=utf-8,<svg xmlns=%22http://www.w3.org/2000/svg%22/>"`,
		`<figcaption><span class="figno">Figure 1.</span> The loss falls</figcaption>`,
		`<table>`, `class="chroma"`, `id="a-fn:1"`,
	} {
		if !strings.Contains(string(a), want) {
			t.Errorf("first document lacks %s\n%s", want, a)
		}
	}
	for _, want := range []string{`<h2 id="contrastive-learning-2"><span class="secno">2</span>`, `<h3 id="loss-2"><span class="secno">2.1</span>`, `id="fig-2"`, `Figure 2.`, `id="b-fn:1"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("second document lacks %s\n%s", want, b)
		}
	}
	h := p.Heading(3, "", "SimCLR")
	if h.ID != "simclr" || h.Number != "2.2" {
		t.Errorf("template heading %+v", h)
	}
	var got []string
	for _, e := range p.TOC() {
		got = append(got, e.Number+" "+e.ID+" "+e.Text)
	}
	want := "1 contrastive-learning Contrastive learning|1.1 loss Loss|2 contrastive-learning-2 Contrastive learning|2.1 loss-2 Loss|2.2 simclr SimCLR"
	if strings.Join(got, "|") != want {
		t.Errorf("TOC\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
	if strings.Contains(string(a), "raw HTML omitted") {
		t.Error("raw HTML omitted")
	}
}

func TestRenderErrors(t *testing.T) {
	for src, want := range map[string]string{
		`$\nosuch x$`:                     `unknown command \nosuch`,
		"![x](missing.svg)":               `image "missing.svg"`,
		"![x](https://example.com/a.png)": "external",
		"![x](notes.txt)":                 "unknown type",
	} {
		_, err := NewPage().Render([]byte(src), Options{Dir: t.TempDir(), Name: "narrative/x.md"})
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "narrative/x.md") {
			t.Errorf("%s: error %v, want %q and the document's name", src, err, want)
		}
	}
}

func TestMultiLineDisplayMath(t *testing.T) {
	out, err := NewPage().Render([]byte("Before\n$$\na +\nb\n$$\nafter"), Options{Name: "m"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `alttext="a + b"`) {
		t.Errorf("multi-line display math: %s", out)
	}
}

func TestCSSHasDarkVariant(t *testing.T) {
	css := CSS(`:root[data-theme="dark"]`)
	if !strings.Contains(css, `.chroma .k`) || !strings.Contains(css, `:root[data-theme="dark"] .chroma .k`) {
		t.Errorf("CSS lacks light or dark keyword rules:\n%.600s", css)
	}
}
