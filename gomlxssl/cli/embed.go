package cli

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/mega-ssl/mega/gomlxssl/results"
)

// embed is the embed verb: the trained encoder of a run under OUT embeds
// images — the run's test or training split, a dataset's whole test split,
// or every image of a folder — into a CSV and a .npy, through the run's own
// experiment (`go run ./experiments/NAME ITS-FLAGS -embed …`), which loads
// its last checkpoint.
func (c *command) embed(args []string) error {
	fs := c.flags("embed")
	split := fs.String("split", "", "embed the run's own split: test or train (the default: test)")
	images := fs.String("images", "", "embed every PNG/JPEG image under this folder (recursively), resized as the run's images")
	dataset := fs.String("dataset", "", "embed this dataset's whole test split (its images shaped as the run's: fashion-mnist for a Fashion-MNIST run)")
	outFile := fs.String("o", "", "write FILE.csv and FILE.npy (default OUT/RUN/embed-SOURCE)")
	name, err := c.runName(fs, args, "embed RUN [-split test|-images DIR|-dataset NAME] [-o FILE]")
	if err != nil {
		return err
	}
	source := "test"
	switch given := btoi(*split != "") + btoi(*images != "") + btoi(*dataset != ""); {
	case given > 1:
		return fmt.Errorf("give one of -split, -images and -dataset")
	case *split != "":
		if *split != "test" && *split != "train" {
			return fmt.Errorf("-split %q: test or train", *split)
		}
		source = *split
	case *images != "":
		abs, err := filepath.Abs(*images)
		if err != nil {
			return err
		}
		source = abs
	case *dataset != "":
		source = "dataset:" + *dataset
	}
	mode := []string{"-embed", source}
	if *outFile != "" {
		abs, err := filepath.Abs(*outFile)
		if err != nil {
			return err
		}
		mode = append(mode, "-embed-out", abs)
	}
	return c.throughRun(name, "embedding", mode)
}

// export is the export verb: the trained encoder of a run under OUT
// written to a folder — encoder.safetensors (PyTorch's names and layouts)
// and encoder.json — through the run's own experiment (-export).
func (c *command) export(args []string) error {
	fs := c.flags("export")
	dst := fs.String("o", "", "the folder to write encoder.safetensors and encoder.json to (default OUT/RUN/export)")
	name, err := c.runName(fs, args, "export RUN [-o DIR]")
	if err != nil {
		return err
	}
	to := *dst
	if to == "" {
		to = filepath.Join(c.out, name, "export")
	}
	abs, err := filepath.Abs(to)
	if err != nil {
		return err
	}
	return c.throughRun(name, "exporting", []string{"-export", abs})
}

// throughRun runs the experiment of run name under OUT with the flags it
// ran with and mode (-embed …, -export …), which loads its last checkpoint
// instead of training; what says what it does, for its error.
func (c *command) throughRun(name, what string, mode []string) error {
	dir := filepath.Join(c.out, name)
	r, err := results.ReadRun(filepath.Join(dir, "run.json"))
	if err != nil {
		return fmt.Errorf("no run %s under %s (go run run.go list shows them): %w", name, c.out, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "checkpoint")); err != nil {
		return fmt.Errorf("%s has no checkpoint: its trained encoder is not on disk (train it again: go run ./experiments/%s %s)", dir, r.Experiment, strings.Join(r.Args, " "))
	}
	cmdArgs := []string{"run", "./experiments/" + r.Experiment}
	for _, a := range r.Args {
		if !strings.HasPrefix(a, "-out=") && !strings.HasPrefix(a, "-baselines=") {
			cmdArgs = append(cmdArgs, a)
		}
	}
	cmdArgs = append(append(cmdArgs, "-out", c.out), mode...)
	fmt.Fprintf(c.stderr, "run.go: go %s\n", strings.Join(cmdArgs, " "))
	if err := c.goCommand(cmdArgs, 10*time.Second).Run(); err != nil {
		return fmt.Errorf("%s with %s: %w", what, name, err)
	}
	return nil
}

// runName parses a verb's flags around the one run it names (before,
// between or after them), refusing none or several.
func (c *command) runName(fs *flag.FlagSet, args []string, usage string) (string, error) {
	var name string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	if err := c.parse(fs, args); err != nil {
		return "", err
	}
	if name == "" && fs.NArg() > 0 {
		name = fs.Arg(0)
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return "", errUsage
		}
	}
	if fs.NArg() > 0 || name == "" {
		return "", fmt.Errorf("name one run under %s (such as simclr or simclr-fashion-mnist): go run run.go %s", c.out, usage)
	}
	return name, nil
}

// goCommand is `go ARGS` from the repository root, its output the verb's;
// Ctrl-C reaches it as an interrupt, and it has wait to stop (writing what
// it must) before it is killed.
func (c *command) goCommand(args []string, wait time.Duration) *exec.Cmd {
	cmd := exec.CommandContext(c.ctx, "go", args...)
	cmd.Dir = c.root
	cmd.Stdout, cmd.Stderr = c.stdout, c.stderr
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = wait
	return cmd
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
