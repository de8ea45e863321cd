package experimenttest

import (
	"flag"
	"slices"
	"strconv"
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/experiment"
)

// SettingsNameRuns checks that every one of the method's own flags, set to
// another value than its default, sends the run to a directory of its own
// (its plan's Dir), so that trying a setting never overwrites the main run the
// report and the comparisons read. Numbers are doubled (or 0 → 1), booleans
// flipped; alts gives the other value of a string flag, or "" for a flag
// that does not change what the run learns.
func SettingsNameRuns(t *testing.T, spec experiment.Spec, alts map[string]string) {
	t.Helper()
	shared := map[string]bool{}
	sharedFS := flag.NewFlagSet("shared", flag.ContinueOnError)
	experiment.RegisterFlags(sharedFS)
	sharedFS.VisitAll(func(f *flag.Flag) { shared[f.Name] = true })
	fs := flag.NewFlagSet(spec.Name, flag.ContinueOnError)
	opts := experiment.Flags(spec, fs)
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	main := planDir(t, spec, opts, fs)
	fs.VisitAll(func(f *flag.Flag) {
		if shared[f.Name] {
			return
		}
		alt, given := alts[f.Name]
		switch {
		case given && alt == "":
			return
		case given:
		case experiment.IsBoolFlag(f):
			alt = strconv.FormatBool(f.DefValue != "true")
		default:
			if n, err := strconv.Atoi(f.DefValue); err == nil {
				alt = strconv.Itoa(max(2*n, 1))
			} else if x, err := strconv.ParseFloat(f.DefValue, 64); err == nil {
				if x == 0 {
					x = 0.25
				}
				alt = strconv.FormatFloat(2*x, 'g', -1, 64)
			} else {
				t.Errorf("-%s (default %q): give SettingsNameRuns another value to try", f.Name, f.DefValue)
				return
			}
		}
		if err := fs.Set(f.Name, alt); err != nil {
			t.Errorf("-%s %s: %v", f.Name, alt, err)
			return
		}
		if dir := planDir(t, spec, opts, fs); dir == main {
			t.Errorf("-%s %s writes to %s, the main run's directory: name the setting in the method's variant", f.Name, alt, dir)
		}
		// A flag the method's Variant names is declared so, and only
		// then: otherwise the run would be named after it twice.
		if spec.Variant != nil {
			if name, _ := spec.Variant(); (name != "") != slices.Contains(spec.VariantFlags, f.Name) {
				t.Errorf("-%s %s: the method's Variant names it %q, and Spec.VariantFlags %v: list there the flags Variant names", f.Name, alt, name, spec.VariantFlags)
			}
		}
		if err := fs.Set(f.Name, f.DefValue); err != nil {
			t.Fatal(err)
		}
	})
}

// planDir is the directory of the run the options fs parsed for spec plan.
func planDir(t *testing.T, spec experiment.Spec, opts *experiment.Options, fs *flag.FlagSet) string {
	t.Helper()
	p, err := experiment.NewPlan(spec, opts, fs)
	if err != nil {
		t.Fatal(err)
	}
	return p.Dir
}
