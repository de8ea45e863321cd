package experiment

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/mega-ssl/mega/gomlxssl/results"
	"github.com/mega-ssl/mega/gomlxssl/train"
)

// Main is an experiment's entry point: it parses the flags, runs, prints a
// summary and exits — 0 on success, 130 after Ctrl-C (partial results kept,
// -resume continues), 1 on any error.
func Main(spec Spec) {
	opts := Flags(spec, flag.CommandLine)
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "%s: trains %s, evaluates it under the linear protocol and writes OUT/%s/.\n\nUsage: go run ./experiments/%s [flags]\n\nPresets:\n",
			spec.Name, spec.Title, spec.Name, spec.Name)
		for _, p := range Presets() {
			fmt.Fprintf(flag.CommandLine.Output(), "  %-8s %s\n", p.Name, p.Description)
		}
		fmt.Fprintf(flag.CommandLine.Output(), "\nWhat %s trains with at each preset (experiment.NewPlan; flags override, run.json records the result):\n%s",
			spec.Title, presetBudgets(spec))
		fmt.Fprintln(flag.CommandLine.Output(), "\nFlags:")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "%s: unexpected arguments %q (flags start with -; see -h)\n", spec.Name, flag.Args())
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	plan, err := NewPlan(spec, opts, flag.CommandLine)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", spec.Name, err)
		os.Exit(1)
	}
	if plan.Embed != "" || plan.Export != "" || plan.Neighbours {
		do, what := Embed, "embed "+plan.Embed
		switch {
		case plan.Export != "":
			do, what = Export, "export the encoder to "+plan.Export
		case plan.Neighbours:
			do, what = Neighbours, "write the nearest neighbours"
		}
		if plan.DryRun { // checked, nothing done: the mode needs the trained run
			fmt.Printf("dry run: %s with the encoder %s trained (its last checkpoint under %s)\n", what, plan.Title, plan.Dir)
			return
		}
		if err := do(ctx, plan); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", spec.Name, err)
			os.Exit(1)
		}
		return
	}
	dir := plan.Dir
	runs, agg, err := RunSeeds(ctx, plan)
	for _, run := range runs {
		fmt.Print(Summary(run))
	}
	if agg != nil {
		fmt.Print(SeedsSummary(agg))
	}
	switch {
	case errors.Is(err, train.ErrInterrupted):
		fmt.Fprintf(os.Stderr, "%s: interrupted; partial results kept in %s; continue with -resume\n", spec.Name, dir)
		os.Exit(130)
	case err != nil:
		fmt.Fprintln(os.Stderr, failure(spec.Name, dir, err, runs))
		os.Exit(1)
	case len(runs) > 0:
		fmt.Print(NextSteps(dir, opts.Out, len(runs)))
	}
}

// failure is the last line of a run that failed with err: the error itself,
// or, where the run's summary above has already printed it (a run that
// recorded its failure in run.json), only where that record is — an error
// is said once.
func failure(name, dir string, err error, runs []*results.Run) string {
	if n := len(runs); n > 0 && runs[n-1].Error != "" && strings.Contains(err.Error(), runs[n-1].Error) {
		return fmt.Sprintf("%s: failed with the error above; %s records it", name, filepath.Join(dir, "run.json"))
	}
	return fmt.Sprintf("%s: %v", name, err)
}

// NextSteps is what a finished run prints last: where its results are and
// the commands that show them.
func NextSteps(dir, out string, seeds int) string {
	where := dir + "/ (run.json, metrics.csv, the figures)"
	if seeds > 1 {
		where = fmt.Sprintf("%s/ and its other %d seeds' directories; their mean and spread in %s", dir, seeds-1, filepath.Join(dir, results.SeedsFile))
	}
	flags := ""
	if out != "out" {
		flags = " -out " + out
	}
	return fmt.Sprintf("\nResults: %s.\nNext: go run run.go report%s  (builds %s, with this run)\n      go run run.go list%s    (every run's figures side by side)\n",
		where, flags, filepath.Join(out, "index.html"), flags)
}

// presetBudgets is -h's table: what the method trains with at each preset
// when no other flag is given, with the settings that are the method's own.
func presetBudgets(spec Spec) string {
	var b strings.Builder
	for _, p := range Presets() {
		o := Options{Preset: p.Name, Warmup: -1}
		r, err := resolve(spec, o, func(f string) bool { return f == "preset" })
		if err != nil {
			continue
		}
		var own []string
		for _, f := range []string{"encoder", "epochs", "batch", "lr", "min-lr"} {
			if r.From[f] == FromMethod {
				own = append(own, f)
			}
		}
		line := r.Budget()
		if len(own) > 0 {
			line += " (the method's own: " + strings.Join(own, ", ") + ")"
		}
		fmt.Fprintf(&b, "  %-8s %s\n", p.Name, line)
	}
	if spec.DefaultEpochs > 0 || spec.DefaultBatch > 0 {
		b.WriteString("  -preset-budget trains for the preset's epochs and batch instead of the method's own.\n")
	}
	return b.String()
}
