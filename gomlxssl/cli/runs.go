package cli

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/mega-ssl/mega/experiments"
	"github.com/mega-ssl/mega/report/site"
)

// runExperiments is the run verb: each experiment named, or every one, or a
// group, through `go run` one after another, then the report rebuilt (and a
// group's table printed).
func (c *command) runExperiments(args []string) error {
	names, flagArgs, rest := splitRunArgs(args)
	if err := c.parse(c.flags("run"), flagArgs); err != nil {
		return err
	}
	groupName, group, err := c.resolveGroup(names)
	if err != nil {
		return err
	}
	start := time.Now()
	for _, g := range group {
		if err := c.runOne(g, rest); err != nil {
			return err
		}
	}
	if groupName != "" {
		fmt.Fprintf(c.stdout, "\n%s: %d runs in %s\n", groupName, len(group), time.Since(start).Round(time.Second))
		var names []string
		for _, g := range group {
			if !slices.Contains(names, g.Name) {
				names = append(names, g.Name)
			}
		}
		if err := c.printList(names); err != nil {
			return err
		}
	}
	return c.build()
}

// splitRunArgs splits run's arguments into the experiments' names, run's
// own flags (before or after the names) and the flags after "--", which go
// to every experiment.
func splitRunArgs(args []string) (names, flagArgs, rest []string) {
	for i := 0; i < len(args); i++ {
		if args[i] == "--" {
			rest = args[i+1:]
			args = args[:i]
			break
		}
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			names = append(names, a)
			continue
		}
		flagArgs = append(flagArgs, a)
		// -out DIR and -root DIR take the next argument as their value.
		if name := strings.TrimLeft(a, "-"); (name == "out" || name == "root") && i+1 < len(args) {
			i++
			flagArgs = append(flagArgs, args[i])
		}
	}
	return names, flagArgs, rest
}

// resolveGroup is what run's names ask for: every experiment ("all"), a
// group by its name, or the experiments named; an unknown name is refused,
// listing the experiments and the groups.
func (c *command) resolveGroup(names []string) (string, []experiments.Member, error) {
	exps, err := site.Experiments(c.root, c.out)
	if err != nil {
		return "", nil, err
	}
	known := map[string]bool{}
	var all []string
	for _, e := range exps {
		known[e.Name] = true
		all = append(all, e.Name)
	}
	var group []experiments.Member
	groupName := ""
	switch {
	case len(names) == 1 && names[0] == "all":
		group = runs(all...)
	case len(names) == 1 && experiments.Groups()[names[0]] != nil:
		groupName, group = names[0], experiments.Groups()[names[0]]
	case len(names) == 0:
		return "", nil, fmt.Errorf("name the experiments to run (or all, or a group: %s): %s", strings.Join(experiments.GroupNames(), ", "), strings.Join(all, ", "))
	default:
		group = runs(names...)
	}
	sort.Strings(all)
	for _, g := range group {
		if !known[g.Name] {
			return "", nil, fmt.Errorf("no experiment %q (experiments: %s; groups: %s)", g.Name, strings.Join(all, ", "), strings.Join(experiments.GroupNames(), ", "))
		}
	}
	return groupName, group, nil
}

// runOne runs one member of a group through `go run`, with the flags after
// "--" (rest); on an error or Ctrl-C it rebuilds the report with what there is.
func (c *command) runOne(g experiments.Member, rest []string) error {
	cmdArgs := c.memberArgs(g, rest)
	fmt.Fprintf(c.stderr, "run.go run: go %s\n", strings.Join(cmdArgs, " "))
	// Ctrl-C reaches the experiment too (same process group); give it
	// time to write its partial results before it is killed.
	if err := c.goCommand(cmdArgs, 30*time.Second).Run(); err != nil {
		if c.ctx.Err() != nil {
			_ = c.build()
			return fmt.Errorf("interrupted during %s; partial results kept, report rebuilt", g.Name)
		}
		_ = c.build()
		return fmt.Errorf("experiment %s: %w (report rebuilt with what there is)", g.Name, err)
	}
	return nil
}

// memberArgs is the go command line that runs member g with the flags after
// "--" (rest) into OUT.
func (c *command) memberArgs(g experiments.Member, rest []string) []string {
	return append(append([]string{"run", "./experiments/" + g.Name, "-out", c.out}, g.Args...), rest...)
}

// runs is a run of each experiment named, with no flags of its own.
func runs(names ...string) []experiments.Member {
	out := make([]experiments.Member, len(names))
	for i, n := range names {
		out[i] = experiments.Member{Name: n}
	}
	return out
}
