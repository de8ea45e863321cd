// Package cli implements the verbs of run.go: report, watch, serve, run,
// list, verify, reference and bench. Each verb parses its own flags; every one takes -out DIR.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/mega-ssl/mega/experiments"
	"github.com/mega-ssl/mega/gomlxssl/results"
	"github.com/mega-ssl/mega/report/livereload"
	"github.com/mega-ssl/mega/report/rebuild"
	"github.com/mega-ssl/mega/report/site"
	"github.com/mega-ssl/mega/report/watch"
)

type verb struct {
	name, args, help string
	run              func(c *command, args []string) error
}

var verbs []verb

func init() {
	verbs = []verb{
		{"report", "", "build OUT/index.html from the experiments and their results", (*command).report},
		{"watch", "[-serve] [-port N]", "rebuild the report on every change; with -serve, serve it with live reload", (*command).watch},
		{"serve", "[-port N]", "watch -serve: rebuild, serve OUT on 127.0.0.1 and reload open pages", (*command).serve},
		{"run", "NAME...|all|GROUP [-- FLAGS]", "run experiments (FLAGS go to each, e.g. -- -preset quick), then build the report; groups: " + groupHelp(), (*command).runExperiments},
		{"list", "", "list the experiments and whether each has results (yours, else the repository's reference runs)", (*command).list},
		{"verify", "NAME...|GROUP [-- FLAGS]", "run experiments (add -resume to FLAGS to read a finished run again) and compare each, figure by figure, with its reference run; exit status 1 where a figure falls outside its 95% band", (*command).verify},
		{"embed", "RUN [-split test|train] [-images DIR] [-dataset NAME] [-o FILE]", "embed images with a run's trained encoder (its last checkpoint): its test split by default, a folder of images or a dataset's test split; writes FILE.csv and FILE.npy (numpy's format)", (*command).embed},
		{"export", "RUN [-o DIR]", "write a run's trained encoder to DIR (default OUT/RUN/export): encoder.safetensors with PyTorch's names and layouts, and encoder.json (architecture, input, normalisation); gomlxssl/models/torch/mega_encoder.py loads it", (*command).export},
		{"docs", "[-check]", "rewrite the generated tables of README.md and docs/*.md from the reference runs (-check: fail where they differ)", (*command).docs},
		{"reference", "[-machine CPU] RUN...|-all", "keep complete runs under OUT (simclr, simclr-fashion-mnist) as the repository's reference runs, in reference/", (*command).reference},
		{"bench", "[-quick] [-no-step] [-no-peers]", "measure throughput (training step, augmentation, kNN, linear probe, t-SNE, report build) beside PyTorch and scikit-learn; writes OUT/bench.json", (*command).bench},
	}
}

// command carries a verb's environment.
type command struct {
	stdout, stderr io.Writer
	root, out      string
	// ready, if set, is told the server's address once it listens (tests).
	ready func(addr string)
	// ctx ends the long-running verbs (tests cancel it; users press Ctrl-C).
	ctx context.Context
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: go run run.go VERB [-out DIR] [flags]")
	fmt.Fprintln(w, "\nverbs:")
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	for _, v := range verbs {
		fmt.Fprintf(tw, "  %s %s\t%s\n", v.name, v.args, v.help)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nEvery verb takes -out DIR (default out) and runs from the repository root.")
	fmt.Fprintln(w, "Run `go run run.go VERB -h` for a verb's flags.")
}

// Main runs the verb named by args[0] and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, args, &command{stdout: stdout, stderr: stderr, ctx: ctx})
}

func run(ctx context.Context, args []string, c *command) int {
	c.ctx = ctx
	if len(args) == 0 {
		usage(c.stderr)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(c.stdout)
		return 0
	}
	for _, v := range verbs {
		if v.name != args[0] {
			continue
		}
		err := v.run(c, args[1:])
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			return 2
		}
		fmt.Fprintf(c.stderr, "run.go %s: %v\n", v.name, err)
		return 1
	}
	fmt.Fprintf(c.stderr, "run.go: unknown verb %q\n\n", args[0])
	usage(c.stderr)
	return 2
}

var errUsage = errors.New("usage")

// flags returns a flag set for verb with -out (and -root, for tests and for
// running from elsewhere) bound to c.
func (c *command) flags(verb string) *flag.FlagSet {
	fs := flag.NewFlagSet("run.go "+verb, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.StringVar(&c.out, "out", "out", "results directory; the report is OUT/index.html")
	fs.StringVar(&c.root, "root", ".", "repository root (where experiments/ and templates/ are)")
	return fs
}

func (c *command) parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if _, err := os.Stat(filepath.Join(c.root, "experiments")); err != nil {
		return fmt.Errorf("no experiments/ under %s: run from the repository root (or pass -root)", c.root)
	}
	if !filepath.IsAbs(c.out) {
		c.out = filepath.Join(c.root, c.out)
	}
	return nil
}

func (c *command) siteConfig() site.Config {
	return site.Config{Root: c.root, Out: c.out, Log: c.stderr}
}

func (c *command) build() error {
	rep, err := site.Build(c.siteConfig())
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "wrote %s (%d KB) in %.2f s: %d experiment(s), %d with results",
		rep.Path, rep.Bytes/1024, rep.Elapsed.Seconds(), rep.Experiments, rep.WithResults)
	if n := len(rep.Warnings); n > 0 {
		fmt.Fprintf(c.stdout, ", %d warnings", n)
	}
	fmt.Fprintln(c.stdout)
	return nil
}

func (c *command) report(args []string) error {
	fs := c.flags("report")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return c.build()
}

// groupHelp lists the groups for run's help, from groupNames so that a new
// group cannot be missing from it: the talk's comparison first, then the rest.
func groupHelp() string {
	names := []string{"compare (the talk's four contrastive methods)"}
	for _, n := range experiments.GroupNames() {
		if n != "compare" {
			names = append(names, n)
		}
	}
	return strings.Join(names, ", ")
}

func (c *command) list(args []string) error {
	fs := c.flags("list")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return c.printList(nil)
}

// printList prints each experiment (only those named, when names is not
// empty) and each of its variants, with its status and accuracies.
func (c *command) printList(names []string) error {
	exps, err := site.Experiments(c.root, c.out)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(c.stdout, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "EXPERIMENT\tSTATUS\tkNN\tLINEAR\t1% kNN\t1% LINEAR\tFEW LABELS\tEPOCHS\tFINISHED\tCOMMAND")
	for _, e := range exps {
		if len(names) > 0 && !slices.Contains(names, e.Name) {
			continue
		}
		for _, run := range append([]*site.Experiment{e}, e.Variants...) {
			knn, lin, knn1, lin1, few, ep, fin := "—", "—", "—", "—", "—", "—", "—"
			cmd := site.Command(e.Name)
			if r := run.Run; r != nil {
				if !r.Unlabelled { // no labels: no kNN to report
					knn = fmt.Sprintf("%.1f%%", 100*r.Metrics.KNNTop1)
				}
				if r.LinearProbed() { // a run still training has no linear probe yet
					lin = fmt.Sprintf("%.1f%%", 100*r.Metrics.LinearTop1)
				}
				if r.Metrics.OnePctLabels > 0 {
					knn1 = fmt.Sprintf("%.1f%%", 100*r.Metrics.KNNTop1OnePct)
					lin1 = fmt.Sprintf("%.1f%%", 100*r.Metrics.LinearTop1OnePct)
				}
				if len(r.Scores) > 0 { // every protocol's figure, by its title: "1% fine-tuned 79.1%, …"
					each := make([]string, len(r.Scores))
					for i, s := range r.Scores {
						each[i] = fmt.Sprintf("%s %.1f%%", s.Short(), 100*s.Value)
					}
					few = strings.Join(each, ", ")
				}
				ep = fmt.Sprint(r.Metrics.Epochs)
				fin = r.Finished.Local().Format("2006-01-02 15:04")
				// The flags it ran with, so that the command reproduces
				// it (the compare group's -preset-budget, a variant's own).
				cmd = site.Command(e.Name, r.Args...)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", run.Name, run.Status(), knn, lin, knn1, lin1, few, ep, fin, cmd)
			if run.RunErr != nil {
				fmt.Fprintf(tw, "\t(%v)\n", run.RunErr)
			}
			if agg := run.Seeds; agg != nil { // the mean ± sd over its seeds, below the first seed's row
				spread := func(key string) string {
					if s, ok := agg.Metrics[key]; ok {
						return fmt.Sprintf("%.1f±%.1f%%", 100*s.Mean, 100*s.SD)
					}
					return "—"
				}
				var fewSeeds []string
				for _, k := range agg.ScoreKeys() {
					s, _ := agg.Scores.Get(k)
					fewSeeds = append(fewSeeds, s.Short()+" "+spread(k))
				}
				fmt.Fprintf(tw, "  mean of seeds %s\t%d seeds\t%s\t%s\t%s\t%s\t%s\t%s\t\t%s\n", results.SeedList(agg.Seeds), len(agg.Seeds),
					spread("knn_top1"), spread("linear_top1"), spread("knn_top1_1pct"), spread("linear_top1_1pct"), strings.Join(fewSeeds, ", "), ep, site.SeedsCommand(e.Name, run))
			}
		}
	}
	return tw.Flush()
}

func (c *command) serve(args []string) error { return c.watch(append([]string{"-serve"}, args...)) }

func (c *command) watch(args []string) error {
	fs := c.flags("watch")
	serve := fs.Bool("serve", false, "serve OUT on 127.0.0.1 with live reload")
	port := fs.Int("port", 8080, "port on 127.0.0.1 to serve on (0: any free port)")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	if err := os.MkdirAll(c.out, 0o755); err != nil {
		return err
	}
	hub := livereload.NewHub()
	b := &rebuild.Builder{
		Build: c.build,
		Done: func(n int, err error) {
			if err != nil {
				fmt.Fprintf(c.stderr, "run.go watch: build %d failed (the last good page stays): %v\n", n, err)
			}
			hub.Publish(n, err)
		},
	}
	b.Trigger()
	b.Wait()
	absOut, _ := filepath.Abs(c.out)
	skip := func(p string) bool {
		abs, _ := filepath.Abs(p)
		rel, err := filepath.Rel(absOut, abs)
		if err != nil || strings.HasPrefix(rel, "..") {
			return filepath.Base(p) == ".git"
		}
		// Our own output, caches and checkpoints are not inputs.
		first := strings.Split(filepath.ToSlash(rel), "/")[0]
		return rel == "index.html" || first == ".cache" || filepath.Base(p) == "checkpoint" ||
			strings.Contains(filepath.ToSlash(rel), "/checkpoint/")
	}
	w, err := watch.New([]string{filepath.Join(c.root, "experiments"), filepath.Join(c.root, "templates"), c.out}, watch.Config{Skip: skip})
	if err != nil {
		return err
	}
	defer w.Close()
	if *serve {
		h, err := livereload.Handler(c.out, hub)
		if err != nil {
			return err
		}
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
		if err != nil {
			return fmt.Errorf("listen on 127.0.0.1:%d: %w (try -port 0)", *port, err)
		}
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = srv.Serve(ln) }()
		defer srv.Close()
		fmt.Fprintf(c.stdout, "serving http://%s/ (live reload); Ctrl-C stops\n", ln.Addr())
		if c.ready != nil {
			c.ready(ln.Addr().String())
		}
	} else {
		fmt.Fprintln(c.stdout, "watching experiments/, templates/ and", c.out, "; Ctrl-C stops")
		if c.ready != nil {
			c.ready("")
		}
	}
	for {
		select {
		case <-c.ctx.Done():
			b.Wait()
			return nil
		case batch := <-w.Changes:
			sort.Strings(batch)
			if len(batch) > 3 {
				batch = append(batch[:3], fmt.Sprintf("and %d more", len(batch)-3))
			}
			fmt.Fprintf(c.stderr, "run.go watch: changed %s\n", strings.Join(batch, ", "))
			b.Trigger()
		case err := <-w.Errors:
			fmt.Fprintf(c.stderr, "run.go watch: %v\n", err)
		}
	}
}
