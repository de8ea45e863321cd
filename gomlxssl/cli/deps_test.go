package cli

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// run.go, the report and the command line never import GoMLX: the report
// builds in a second while an experiment trains, and the verbs run the
// experiments as processes of their own.
func TestNoGoMLXBelowTheCommandLine(t *testing.T) {
	for _, pkgs := range [][]string{{"../../run.go"}, {"../../report/...", "."}} {
		out, err := exec.Command("go", append([]string{"list", "-deps", "-f", "{{.ImportPath}}"}, pkgs...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %v: %v\n%s", pkgs, err, out)
		}
		deps := strings.Fields(string(out))
		if len(deps) < 10 {
			t.Fatalf("go list %v: %d packages: the listing is broken", pkgs, len(deps))
		}
		for _, p := range deps {
			if strings.HasPrefix(p, "github.com/gomlx/") {
				t.Errorf("%v depends on %s", pkgs, p)
			}
		}
	}
}

// The PyTorch peers the bench verb runs by default are the repository's
// own, and they start (where Debian's python3-torch is installed).
func TestPeersInTheRepository(t *testing.T) {
	for _, script := range []string{"torch_simclr_step.py", "torch_simclr_train.py"} {
		path := filepath.Join(repoRoot, "gomlxssl", "bench", "peers", script)
		if _, err := os.Stat(path); err != nil {
			t.Fatal(err)
		}
		if exec.Command(python, "-c", "import torch").Run() != nil {
			continue // python3-torch absent: the peers are skipped, saying so, by the verb itself
		}
		if out, err := exec.Command(python, path, "-h").CombinedOutput(); err != nil || !strings.Contains(string(out), "usage:") {
			t.Errorf("%s -h: %v\n%s", script, err, out)
		}
	}
}

// The step's profile is measured for real: a CPU profile of the Fashion-MNIST
// encoder's step, split into kinds of work whose shares sum to 1, most of it
// in the matrix products and the passes the issue names.
func TestStepProfileMeasured(t *testing.T) {
	if testing.Short() {
		t.Skip("profiles 20 training steps")
	}
	c := &command{ctx: t.Context(), root: repoRoot}
	shares, err := c.stepProfile("BenchmarkStepFashion")
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, s := range shares {
		sum += s.Fraction
		t.Logf("%5.1f%% %s", 100*s.Fraction, s.Kind)
	}
	if math.Abs(sum-1) > 1e-9 || shares[0].Fraction < 0.2 || shares[len(shares)-1].Fraction > 0.5 {
		t.Errorf("shares %+v (sum %g)", shares, sum)
	}
}
