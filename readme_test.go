package main

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/cli"
)

// readmeCommandsAndDirs returns every command a document prints: the lines of its
// code blocks and its inline code spans that start with "go run" or
// "go test", without their trailing comments. Spans that name a command
// without being one (a bare "go run run.go", a template with NAME or FLAGS)
// are left out. With them, for each command whose comment names a run's
// directory ("→ out/simclr-quick/", "writes out/simclr/"), that directory's
// name.
func readmeCommandsAndDirs(readme string) ([]string, map[string]string) {
	var cmds []string
	dirs := map[string]string{}
	add := func(c string) {
		c = strings.TrimSpace(c)
		comment := ""
		if i := strings.Index(c, " #"); i >= 0 {
			c, comment = strings.TrimSpace(c[:i]), c[i:]
		}
		if m := regexp.MustCompile(`out/([a-z0-9.-]+)/`).FindStringSubmatch(comment); m != nil && strings.HasPrefix(c, "go run ./experiments/") {
			dirs[c] = m[1]
		}
		if !strings.HasPrefix(c, "go run ") && !strings.HasPrefix(c, "go test ") {
			return
		}
		if c == "go run run.go" || regexp.MustCompile(`\b[A-Z]{3,}\b`).MatchString(c) {
			return
		}
		if !slices.Contains(cmds, c) {
			cmds = append(cmds, c)
		}
	}
	inBlock := false
	for _, line := range strings.Split(readme, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inBlock = !inBlock
			continue
		}
		if inBlock {
			add(line)
			continue
		}
		for _, m := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(line, -1) {
			add(m[1])
		}
	}
	return cmds, dirs
}

// TestREADMECommands runs every command the README and docs/*.md print, as
// printed, so that a documented command that breaks (or a new one without a
// rule here) fails the suite:
//   - go run ./experiments/NAME FLAGS: the experiment with those flags and
//     -dry-run, which parses them, loads the data and runs the method's checks
//     (MoCo's queue against the quick preset's 2,048 images…), then stops
//     before training; results would go to a temporary -out;
//   - go run run.go list|report|verify: run for real on an empty -out;
//   - go run run.go docs: run with -check (the docs must already match);
//   - go run run.go run GROUP [-- FLAGS]: the group with -dry-run added to
//     its flags (each experiment is started through `go run`, as printed);
//   - go run run.go serve|watch|bench|embed|export: long-running or needing a
//     trained run, so their flags are checked (-h);
//   - the staticcheck line: the one .ci/run runs;
//   - go test ./...: this suite itself; any other go test line runs with
//     -run XXX (benchmarks once).
func TestREADMECommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every experiment")
	}
	docs, _ := filepath.Glob("docs/*.md")
	var cmds []string
	dirs := map[string]string{} // the run's directory a command's comment names
	for _, doc := range append([]string{"README.md"}, docs...) {
		raw, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		found, where := readmeCommandsAndDirs(string(raw))
		for _, c := range found {
			if !slices.Contains(cmds, c) {
				cmds = append(cmds, c)
			}
		}
		maps.Copy(dirs, where)
	}
	if len(cmds) < 20 {
		t.Fatalf("found %d commands in the README and docs/: the extraction is broken", len(cmds))
	}
	// Every experiment built at once (one go command shares the work).
	bin := t.TempDir()
	if out, err := exec.Command("go", "build", "-o", bin+string(filepath.Separator), "./experiments/...").CombinedOutput(); err != nil {
		t.Fatalf("go build ./experiments/...: %v\n%s", err, out)
	}
	build := func(name string) (string, error) {
		path := filepath.Join(bin, name)
		if _, err := os.Stat(path); err != nil {
			return "", fmt.Errorf("no experiment %s: %w", name, err)
		}
		return path, nil
	}
	for _, c := range cmds {
		t.Run(c, func(t *testing.T) {
			args := strings.Fields(c)
			out := t.TempDir()
			switch {
			case args[1] == "run" && strings.HasPrefix(args[2], "./experiments/"):
				path, err := build(strings.TrimPrefix(args[2], "./experiments/"))
				if err != nil {
					t.Fatal(err)
				}
				cmd := exec.Command(path, append(args[3:], "-dry-run", "-out", out)...)
				b, err := cmd.CombinedOutput()
				if err != nil || !bytes.Contains(b, []byte("dry run:")) {
					t.Errorf("%s: %v\n%s", c, err, b)
				}
				if d, ok := dirs[c]; ok && !bytes.Contains(b, []byte("results would go to "+filepath.Join(out, d)+"\n")) {
					t.Errorf("%s: its comment says out/%s/, the run says:\n%s", c, d, b)
				}
			case args[1] == "run" && args[2] == "run.go":
				runVerb(t, c, args[3:], out)
			case strings.HasPrefix(c, "go run honnef.co/go/tools/cmd/staticcheck@"):
				// The linter, as CI runs it: the same line is in .ci/run.
				ci, err := os.ReadFile(".ci/run")
				if err != nil || !strings.Contains(string(ci), "\n"+c+"\n") {
					t.Errorf("%s: .ci/run does not run it as printed (%v)", c, err)
				}
			case c == "go test ./...":
				// This suite.
			case args[1] == "test":
				extra := []string{"-run", "XXX"}
				if slices.ContainsFunc(args, func(a string) bool { return strings.HasPrefix(a, "-bench") }) {
					extra = append(extra, "-benchtime", "1x")
				}
				if b, err := exec.Command("go", append(append([]string{"test"}, extra...), args[2:]...)...).CombinedOutput(); err != nil {
					t.Errorf("%s: %v\n%s", c, err, b)
				}
			default:
				t.Errorf("README command %q has no rule in TestREADMECommands: add one", c)
			}
		})
	}
}

// runVerb runs a run.go command line (args after "run.go") with -out out.
func runVerb(t *testing.T, c string, args []string, out string) {
	t.Helper()
	if len(args) == 0 {
		t.Fatalf("%s: no verb", c)
	}
	var stdout, stderr bytes.Buffer
	verb, rest := args[0], args[1:]
	var line []string
	switch verb {
	case "list", "report", "verify":
		// verify runs for real: a quick run compared with its reference.
		line = append([]string{verb, "-out", out}, rest...)
	case "docs":
		// Checked, not written: the checked-in docs must already match.
		line = append([]string{verb, "-check"}, rest...)
	case "run":
		names, flags := rest, []string{}
		if i := slices.Index(rest, "--"); i >= 0 {
			names, flags = rest[:i], rest[i+1:]
		}
		line = append(append(append([]string{"run", "-out", out}, names...), "--"), append(flags, "-dry-run")...)
	case "serve", "watch", "bench", "embed", "export":
		// Long-running, or needing a trained run: the flags are checked.
		line = append([]string{verb}, append(rest, "-h")...)
	default:
		t.Fatalf("README command %q: verb %q has no rule in TestREADMECommands", c, verb)
	}
	if code := cli.Main(line, &stdout, &stderr); code != 0 {
		t.Errorf("%s (run as run.go %s): exit %d\n%s%s", c, strings.Join(line, " "), code, stdout.String(), stderr.String())
	}
}
