package site

import (
	"path/filepath"
	"regexp"
	"slices"
	"strconv"

	"github.com/mega-ssl/mega/gomlxssl/results"
)

// Seeds: which runs of an experiment are other seeds of one run, their
// aggregate (seeds.json), and the command that reproduces it.

// readSeeds reads the aggregate of each of e's runs that has one and marks
// the other seeds' runs it holds as covered, and so any run of a seed other
// than the first whose first seed's run is on disk (simclr-seed2 while
// simclr's -seeds 3 trains: its aggregate is written after the last seed).
func readSeeds(e *Experiment) error {
	all := append([]*Experiment{e}, e.Variants...)
	for _, r := range all {
		first := seedSuffix.ReplaceAllString(filepath.Base(r.Dir), "")
		if first != filepath.Base(r.Dir) && slices.ContainsFunc(all, func(x *Experiment) bool { return filepath.Base(x.Dir) == first && x.Run != nil }) {
			r.Covered = true
		}
	}
	for _, r := range all {
		if r.Run == nil {
			continue
		}
		agg, err := results.ReadAggregate(r.Dir)
		if err != nil {
			return err
		}
		if agg == nil {
			continue
		}
		r.Seeds = agg
		for _, d := range agg.Dirs[1:] {
			if i := slices.IndexFunc(all, func(x *Experiment) bool { return filepath.Base(x.Dir) == d }); i >= 0 {
				all[i].Covered = true
			}
		}
	}
	return nil
}

// seedSuffix ends the directory of a run of a seed other than the first
// (Plan.WithSeed: simclr-seed2).
var seedSuffix = regexp.MustCompile(`-seed[0-9]+$`)

// SeedsCommand is the command that reproduces the aggregate of run e of
// experiment name (its flags and -seeds N); "" when e has no aggregate.
func SeedsCommand(name string, e *Experiment) string {
	if e.Seeds == nil || e.Run == nil {
		return ""
	}
	return Command(name, seedsArgs(e, e.Run.Args)...)
}

// averaged reports whether run r of experiment e is a seed other than the
// first in an aggregate of e's runs (not one still training, whose
// aggregate is not written yet).
func averaged(e, r *Experiment) bool {
	for _, x := range append([]*Experiment{e}, e.Variants...) {
		if x.Seeds != nil && x != r && slices.Contains(x.Seeds.Dirs, filepath.Base(r.Dir)) {
			return true
		}
	}
	return false
}

// seedsArgs are a run's flags, with the seeds that reproduce its aggregate
// when it has one (a run records neither -seed nor -seeds among its flags).
func seedsArgs(e *Experiment, args []string) []string {
	if e.Seeds == nil {
		return args
	}
	args = slices.Clone(args)
	if first := e.Seeds.Seeds[0]; first != 1 {
		args = append(args, "-seed", strconv.FormatUint(first, 10))
	}
	return append(args, "-seeds", strconv.Itoa(len(e.Seeds.Seeds)))
}
