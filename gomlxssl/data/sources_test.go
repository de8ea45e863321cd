package data

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Every dataset's name is written as a string once, in sources.go: the
// loader, the flags' help, the presets, the augmentation, the runs' names
// and titles, the benchmark and the report read it from the Source (tests
// may spell it out).
func TestDatasetNamesWrittenOnce(t *testing.T) {
	names := map[string]bool{}
	for _, s := range Sources() {
		names[s.Name] = true
	}
	where := map[string][]string{}
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "out") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if v, err := strconv.Unquote(lit.Value); err == nil && names[v] {
					rel, _ := filepath.Rel(root, path)
					where[v] = append(where[v], rel)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for name := range names {
		if got := where[name]; len(got) != 1 || got[0] != filepath.Join("gomlxssl", "data", "sources.go") {
			t.Errorf("dataset name %q is written in %v: write it once, in gomlxssl/data/sources.go, and read it from there", name, got)
		}
	}
}

// -dataset's help lists every dataset; a name no Source has is refused,
// naming the ones there are, and is its own title.
func TestSources(t *testing.T) {
	help := Help()
	for _, s := range Sources() {
		if !strings.Contains(help, s.Name+" (") || s.Title == "" || s.Load == nil {
			t.Errorf("%s: help %q, title %q, loader %v", s.Name, help, s.Title, s.Load != nil)
		}
	}
	if _, err := SourceNamed("nosuch"); err == nil || !strings.Contains(err.Error(), "fashion-mnist") {
		t.Errorf("unknown dataset: %v", err)
	}
	if Title("fashion-mnist") != "Fashion-MNIST" || Title("folder:mine") != "folder:mine" {
		t.Errorf("titles: %q, %q", Title("fashion-mnist"), Title("folder:mine"))
	}
	if s, _ := SourceNamed("mnist"); !s.NoFlip || s.Preset != "fashion" {
		t.Errorf("mnist: %+v", s)
	}
}
