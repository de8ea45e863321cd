package cli

import (
	"os/exec"
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
