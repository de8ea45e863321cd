package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mega-ssl/mega/gomlxssl/atomicfile"
	"github.com/mega-ssl/mega/report/site"
)

// docs is the docs verb: the generated blocks of README.md and docs/*.md
// (<!-- generated: KIND ARGS --> … <!-- end generated -->) rewritten from
// the reference runs; with -check, nothing is written and the verb fails
// where a file differs from what it would write.
func (c *command) docs(args []string) error {
	fs := c.flags("docs")
	check := fs.Bool("check", false, "write nothing; fail where a document's generated blocks differ from the reference runs")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	files, err := filepath.Glob(filepath.Join(c.root, "docs", "*.md"))
	if err != nil {
		return err
	}
	files = append([]string{filepath.Join(c.root, "README.md")}, files...)
	var stale []string
	blocks := 0
	for _, f := range files {
		old, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		updated, names, err := site.GenerateDocs(c.root, old)
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		blocks += len(names)
		if bytes.Equal(old, updated) {
			continue
		}
		rel, _ := filepath.Rel(c.root, f)
		stale = append(stale, rel)
		if !*check {
			if err := atomicfile.Write(f, updated); err != nil {
				return err
			}
		}
	}
	switch {
	case *check && len(stale) > 0:
		return fmt.Errorf("generated blocks differ from the reference runs in %s: run go run run.go docs", strings.Join(stale, ", "))
	case *check:
		fmt.Fprintf(c.stdout, "%d generated blocks match the reference runs\n", blocks)
	default:
		fmt.Fprintf(c.stdout, "%d generated blocks; rewrote %d files\n", blocks, len(stale))
	}
	return nil
}
