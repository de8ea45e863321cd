package literate

import (
	"os"
	"strings"
	"testing"
)

const sample = `//go:build ignore

// # A sample
//
// Intro prose with a list, as gofmt leaves it:
//
//  1. **first** item that
//     continues here
//  2. second
package main

import "fmt"

// ## Loss
//
// $$\ell = -\log p$$
func loss() {
	// An indented comment stays in the code.
	fmt.Println("x")
}

func main() { loss() }
`

func TestParseSample(t *testing.T) {
	doc := Parse([]byte(sample))
	if doc.Title != "A sample" {
		t.Errorf("title %q", doc.Title)
	}
	if len(doc.Sections) != 3 {
		for i, s := range doc.Sections {
			t.Logf("section %d: prose %q code %q", i, s.Prose, s.Code)
		}
		t.Fatalf("%d sections, want 3 (directive code, intro, loss)", len(doc.Sections))
	}
	if doc.Sections[0].Prose != "" || doc.Sections[0].Code != "//go:build ignore" {
		t.Errorf("a build directive is code, not prose: %+v", doc.Sections[0])
	}
	intro := doc.Sections[1]
	if !strings.HasPrefix(intro.Prose, "Intro prose") || strings.Contains(intro.Prose, "# A sample") {
		t.Errorf("intro prose %q", intro.Prose)
	}
	if !strings.Contains(intro.Prose, "\n 1. **first** item that\n    continues here\n 2. second") {
		t.Errorf("list lost its shape: %q", intro.Prose)
	}
	if !strings.HasPrefix(intro.Code, "package main") {
		t.Errorf("intro code %q", intro.Code)
	}
	last := doc.Sections[2]
	if !strings.HasPrefix(last.Prose, "## Loss") || !strings.Contains(last.Prose, `$$\ell = -\log p$$`) {
		t.Errorf("loss prose %q", last.Prose)
	}
	if !strings.Contains(last.Code, "\t// An indented comment stays in the code.") || !strings.HasSuffix(last.Code, "func main() { loss() }") {
		t.Errorf("loss code %q", last.Code)
	}
}

// The real SimCLR experiment parses into its talk-level parts, and nothing of
// its code is lost: every non-prose line appears in some section's code.
func TestParseSimCLR(t *testing.T) {
	src, err := os.ReadFile("../../experiments/simclr/main.go")
	if err != nil {
		t.Fatal(err)
	}
	doc := Parse(src)
	if !strings.HasPrefix(doc.Title, "SimCLR") {
		t.Errorf("title %q", doc.Title)
	}
	var headings []string
	var code strings.Builder
	for _, s := range doc.Sections {
		for _, l := range strings.Split(s.Prose, "\n") {
			if strings.HasPrefix(l, "## ") {
				headings = append(headings, l[3:])
			}
		}
		code.WriteString(s.Code + "\n")
	}
	for _, want := range []string{"The knobs", "The model and the loss", "Augmentation", "Running it"} {
		if !strings.Contains(strings.Join(headings, "|"), want) {
			t.Errorf("no section %q in %v", want, headings)
		}
	}
	for _, l := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(l, "//") || strings.TrimSpace(l) == "" {
			continue
		}
		if !strings.Contains(code.String(), l) {
			t.Errorf("code line lost: %q", l)
		}
	}
}

// A Go doc comment right above a declaration, opening with the declared
// name, stays with the code (one fold with the code before it when no prose
// parts them); prose above a declaration that does not name it is the
// notebook's prose.
func TestDocCommentsStayWithTheCode(t *testing.T) {
	src := "// # T\n//\n// The method's head.\n//\n// head classifies the tiles.\nfunc (c *config) head() int { return 1 }\n\n" +
		"// Prose about the next function.\nfunc other() {}\n\n// config holds the knobs.\ntype config struct{}\n"
	doc := Parse([]byte(src))
	if len(doc.Sections) != 2 {
		t.Fatalf("%d sections: %+v", len(doc.Sections), doc.Sections)
	}
	if s := doc.Sections[0]; s.Prose != "The method's head." || !strings.HasPrefix(s.Code, "// head classifies the tiles.\nfunc (c *config) head()") {
		t.Errorf("first section: prose %q, code %q", s.Prose, s.Code)
	}
	if s := doc.Sections[1]; s.Prose != "Prose about the next function." {
		t.Errorf("second section's prose %q", s.Prose)
	}
	// The last doc comment has no prose of its own: its code joins the
	// fold above it.
	if s := doc.Sections[1]; !strings.HasSuffix(s.Code, "func other() {}\n\n// config holds the knobs.\ntype config struct{}") {
		t.Errorf("second section's code %q", s.Code)
	}
}
