package experiment

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

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
		for _, p := range Presets {
			fmt.Fprintf(flag.CommandLine.Output(), "  %-8s %s\n", p.Name, p.Description)
		}
		fmt.Fprintf(flag.CommandLine.Output(), "\nWhat %s trains with at each preset (experiment.Resolve; flags override, run.json records the result):\n%s",
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
	runs, agg, err := RunSeeds(ctx, spec, opts, flag.CommandLine)
	for _, run := range runs {
		fmt.Print(Summary(run))
	}
	if agg != nil {
		fmt.Print(SeedsSummary(agg))
	}
	switch {
	case errors.Is(err, train.ErrInterrupted):
		dir, _, _ := spec.RunDir(*opts)
		fmt.Fprintf(os.Stderr, "%s: interrupted; partial results kept in %s; continue with -resume\n", spec.Name, dir)
		os.Exit(130)
	case err != nil:
		fmt.Fprintf(os.Stderr, "%s: %v\n", spec.Name, err)
		os.Exit(1)
	}
}
