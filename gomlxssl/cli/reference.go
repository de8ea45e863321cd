package cli

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/mega-ssl/mega/gomlxssl/results"
	"github.com/mega-ssl/mega/report/site"
)

// referenceBudget is the most the reference folder may hold: it lives in
// the repository, and every clone carries it.
const referenceBudget = 15 << 20

// reference is the reference verb: each run named (a directory under OUT)
// is copied to reference/<run>/ — what the report and `run.go list` read,
// its t-SNE layout instead of its embeddings, no checkpoint — with a note of
// where it ran and the command that makes it again. Only a complete run made
// from a clean commit is taken, with every seed of its aggregate.
func (c *command) reference(args []string) error {
	fs := c.flags("reference")
	machine := fs.String("machine", "", "the processor a run was made on, where its run.json does not record it (runs from before it did)")
	all := fs.Bool("all", false, "keep every run under OUT that can be a reference: complete, from a clean commit, not a quick-preset smoke test (another seed goes with its aggregate)")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	names := fs.Args()
	if *all {
		var err error
		if names, err = c.referableRuns(); err != nil {
			return err
		}
	}
	if len(names) == 0 {
		return fmt.Errorf("name the runs to keep as references (directories under %s, such as simclr or simclr-fashion-mnist), or -all", c.out)
	}
	refs := filepath.Join(c.root, results.ReferenceDir)
	for _, name := range names {
		if err := c.keepReference(name, refs, *machine); err != nil {
			return err
		}
	}
	size, err := dirSize(refs)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%s holds %.1f MB of %d MB\n", refs, float64(size)/(1<<20), referenceBudget>>20)
	if size > referenceBudget {
		return fmt.Errorf("%s is over its %d MB: drop a reference or its figures", refs, referenceBudget>>20)
	}
	return nil
}

// referableRuns lists the runs under OUT that -all keeps: complete, from a
// clean commit, not quick-preset smoke tests, and not a seed other than the
// first of an aggregate (it goes with that one).
func (c *command) referableRuns() ([]string, error) {
	files, err := filepath.Glob(filepath.Join(c.out, "*", "run.json"))
	if err != nil {
		return nil, err
	}
	var names []string
	covered := map[string]bool{}
	for _, f := range files {
		dir := filepath.Dir(f)
		r, err := referable(dir)
		if err != nil || fmt.Sprint(r.Config["preset"]) == "quick" {
			continue
		}
		if agg, _ := results.ReadAggregate(dir); agg != nil {
			for _, d := range agg.Dirs[1:] {
				covered[d] = true
			}
		}
		names = append(names, filepath.Base(dir))
	}
	kept := names[:0]
	for _, n := range names {
		if !covered[n] {
			kept = append(kept, n)
		}
	}
	return kept, nil
}

// keepReference copies run name (and the other seeds of its aggregate) into
// refs, replacing what was there under the same names.
func (c *command) keepReference(name, refs, machine string) error {
	agg, err := results.ReadAggregate(filepath.Join(c.out, name))
	if err != nil {
		return err
	}
	dirs := []string{name}
	if agg != nil {
		dirs = agg.Dirs
	}
	for i, d := range dirs {
		r, err := referable(filepath.Join(c.out, d))
		if err != nil {
			return err
		}
		cmd := site.Command(r.Experiment, r.Args...)
		if i == 0 && agg != nil { // the aggregate's command: its flags and -seeds N (site.SeedsCommand)
			cmd = site.SeedsCommand(r.Experiment, &site.Experiment{Run: r, Seeds: agg})
		}
		if err := c.copyRun(d, refs, r, cmd, machine, i == 0); err != nil {
			return err
		}
	}
	fmt.Fprintf(c.stdout, "kept %s as a reference (%d run(s))\n", name, len(dirs))
	return nil
}

// referable reads the run in dir and says why it cannot be a reference: not
// complete, or made from uncommitted code.
func referable(dir string) (*results.Run, error) {
	r, err := results.ReadRun(filepath.Join(dir, "run.json"))
	if err != nil {
		return nil, err
	}
	switch {
	case r.Status != results.StatusComplete:
		return nil, fmt.Errorf("%s is %s, not complete: finish it (-resume) before keeping it as a reference", dir, r.Status)
	case r.Git.Commit == "" || r.Git.Dirty:
		return nil, fmt.Errorf("%s was made from uncommitted code (commit %q, dirty %v): a reference must be reproducible from its commit", dir, r.Git.Commit, r.Git.Dirty)
	}
	return r, nil
}

// copyRun writes reference/<name>/ from OUT/<name>/ through a temporary
// folder renamed into place, so that a failed copy leaves the old reference;
// with its t-SNE layout and its nearest neighbours if first (the other
// seeds of an aggregate have no panel of their own).
func (c *command) copyRun(name, refs string, r *results.Run, command, machine string, first bool) error {
	src := filepath.Join(c.out, name)
	cpu := cmp.Or(r.Env.CPU, machine)
	if cpu == "" {
		return fmt.Errorf("%s: its run.json does not say which processor it ran on: say it with -machine", src)
	}
	if err := os.MkdirAll(refs, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(refs, "."+name+"-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	files := []string{"run.json", "metrics.csv", results.SeedsFile}
	for _, f := range r.Figures {
		files = append(files, f.File)
	}
	if first { // the other seeds' would never be shown
		files = append(files, results.NeighboursFile, results.ThumbnailsFile)
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(src, f))
		if errors.Is(err, fs.ErrNotExist) && (f == results.SeedsFile || f == "metrics.csv" || f == results.NeighboursFile || f == results.ThumbnailsFile) {
			continue // one seed; a run from before metrics.csv, or neighbours
		}
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(tmp, f), b, 0o644); err != nil {
			return err
		}
	}
	if _, err := os.Stat(filepath.Join(src, "embeddings.csv")); err == nil && first {
		if err := site.WriteLayout(src, filepath.Join(tmp, results.LayoutFile), filepath.Join(c.out, ".cache")); err != nil {
			return err
		}
	}
	note := results.Reference{Run: name, Command: command, Commit: r.Git.Commit, Finished: r.Finished, Copied: time.Now().UTC(),
		Machine: fmt.Sprintf("%s, %d cores, %s backend%s", cpu, r.Env.CPUs, cmp.Or(r.Env.Backend, "go"), simd(r.Env.SIMD))}
	if err := results.WriteJSON(filepath.Join(tmp, results.ReferenceFile), note); err != nil {
		return err
	}
	dst := filepath.Join(refs, name)
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}

func simd(on bool) string {
	if on {
		return " with SIMD"
	}
	return ""
}

// dirSize is the bytes of the files under dir.
func dirSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			n += info.Size()
		}
		return err
	})
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	return n, err
}
