package experiment

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// One word per notion of configuration (docs/architecture.md, "Words"): the
// settings of one part are its Config, and Options is only the command line
// as parsed (this package's Options). A type named for settings in any other
// word — FooOptions, FooSettings, FooParams — fails here.
func TestOneWordForSettings(t *testing.T) {
	root := filepath.Join("..", "..")
	var bad []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "out") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			g, ok := decl.(*ast.GenDecl)
			if !ok || g.Tok != token.TYPE {
				continue
			}
			for _, s := range g.Specs {
				name := s.(*ast.TypeSpec).Name.Name
				rel, _ := filepath.Rel(root, path)
				if name == "Options" && filepath.ToSlash(filepath.Dir(rel)) == "gomlxssl/experiment" {
					continue
				}
				for _, word := range []string{"Options", "Opts", "Settings", "Params", "Conf", "Cfg"} {
					if strings.HasSuffix(strings.ToLower(name), strings.ToLower(word)) {
						bad = append(bad, rel+": type "+name)
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bad {
		t.Errorf("%s: a part's settings are its Config (docs/architecture.md, Words)", b)
	}
}
