package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/mega-ssl/mega/experiments"
	"github.com/mega-ssl/mega/gomlxssl/results"
)

// errDisagrees ends verify with exit status 1: a figure fell outside its
// band — a regression of the science, not of the code.
var errDisagrees = errors.New("the run does not reproduce its reference")

// verify is the verify verb: each experiment named (or a group's) is run
// with the flags after "--" (add -resume to read a finished run again
// instead of training it anew), then compared, figure by figure, with the
// reference run of the same name under reference/.
func (c *command) verify(args []string) error {
	names, flagArgs, rest := splitRunArgs(args)
	if err := c.parse(c.flags("verify"), flagArgs); err != nil {
		return err
	}
	_, group, err := c.resolveGroup(names)
	if err != nil {
		return err
	}
	refs := filepath.Join(c.root, results.ReferenceDir)
	failed := 0
	for _, g := range group {
		dir, err := c.runDir(g, rest)
		if err != nil {
			return err
		}
		if _, err := os.Stat(filepath.Join(refs, dir, "run.json")); err != nil {
			return fmt.Errorf("no reference for %s under %s (%s): keep one with go run run.go reference %s", dir, refs, referenceNames(refs), dir)
		}
		if err := c.runOne(g, rest); err != nil {
			return err
		}
		ok, err := c.compareRun(dir, refs)
		if err != nil {
			return err
		}
		if !ok {
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("%w: %d of %d run(s)", errDisagrees, failed, len(group))
	}
	return nil
}

// resultsDir matches the line a dry run ends with.
var resultsDir = regexp.MustCompile(`(?m)results would go to (\S+)$`)

// runDir is the directory member g writes with flags rest, as its dry run
// says (the first seed's, with -seeds).
func (c *command) runDir(g experiments.Member, rest []string) (string, error) {
	cmdArgs := append(c.memberArgs(g, rest), "-dry-run")
	cmd := exec.CommandContext(c.ctx, "go", cmdArgs...)
	cmd.Dir = c.root
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go %s: %w\n%s", strings.Join(cmdArgs, " "), err, out.String())
	}
	m := resultsDir.FindStringSubmatch(out.String())
	if m == nil {
		return "", fmt.Errorf("go %s did not say where its results go:\n%s", strings.Join(cmdArgs, " "), out.String())
	}
	return filepath.Base(m[1]), nil
}

// compareRun prints run dir (under OUT) against its reference, figure by
// figure, and tells whether every figure agrees.
func (c *command) compareRun(dir, refs string) (bool, error) {
	own, err := results.ReadRun(filepath.Join(c.out, dir, "run.json"))
	if err != nil {
		return false, err
	}
	ref, err := results.ReadRun(filepath.Join(refs, dir, "run.json"))
	if err != nil {
		return false, err
	}
	note, err := results.ReadReference(filepath.Join(refs, dir, results.ReferenceFile))
	if err != nil {
		return false, err
	}
	if own.Status != results.StatusComplete {
		return false, fmt.Errorf("%s is %s: nothing to compare", filepath.Join(c.out, dir), own.Status)
	}
	if d := results.SettingsDiffer(own, ref); len(d) > 0 {
		return false, fmt.Errorf("%s was made with other settings than its reference: %s", dir, strings.Join(d, ", "))
	}
	agg, _ := results.ReadAggregate(filepath.Join(refs, dir)) // unreadable: the binomial band alone
	all := results.Compare(own, ref, agg)
	if len(all) == 0 {
		return false, fmt.Errorf("%s and its reference share no figure", dir)
	}
	fmt.Fprintf(c.stdout, "\n%s against its reference (%s):\n", dir, note.Where())
	off := 0
	for _, a := range all {
		fmt.Fprintf(c.stdout, "  %s\n", a)
		if !a.Agrees() {
			off++
		}
	}
	if off == 0 {
		fmt.Fprintf(c.stdout, "%s: reproduced, all %d figures within their 95%% bands\n", dir, len(all))
	} else {
		fmt.Fprintf(c.stdout, "%s: NOT reproduced, %d of %d figures outside their 95%% bands\n", dir, off, len(all))
	}
	return off == 0, nil
}

// referenceNames lists the references kept under refs.
func referenceNames(refs string) string {
	files, _ := filepath.Glob(filepath.Join(refs, "*", results.ReferenceFile))
	if len(files) == 0 {
		return "none kept"
	}
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(filepath.Dir(f)))
	}
	return "kept: " + strings.Join(names, ", ")
}
