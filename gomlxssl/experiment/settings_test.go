package experiment

import (
	"flag"
	"path/filepath"
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/augment"
)

// knobs is a method's config with two settings: its Variant names Beta
// alone; Temperature is left to settingsVariant.
type knobs struct{ Temperature, Beta float64 }

func (k *knobs) Flags(fs *flag.FlagSet) {
	fs.Float64Var(&k.Temperature, "temperature", k.Temperature, "τ")
	fs.Float64Var(&k.Beta, "beta", k.Beta, "β")
}

func (k *knobs) Check(int, int) error { return nil }

// A setting given by flag that changes what the method learns names the
// run — the method's own flags, whether or not its Variant names them, and
// the augmentation's and optimiser's — while the same value as the
// method's own leaves it the main run.
func TestPlanNamesTheSettings(t *testing.T) {
	spec := func(withVariant bool) Spec {
		k := &knobs{Temperature: 0.2, Beta: 1}
		s := Spec{Name: "simclr", Title: "SimCLR", Augment: augment.SimCLRShapes(), Config: k}
		if withVariant {
			s.VariantFlags = []string{"beta"}
			s.Variant = func() (string, string) {
				if k.Beta == 1 {
					return "", ""
				}
				return "debiased", "Debiased"
			}
		}
		return s
	}
	for _, c := range []struct {
		variant    bool
		args       []string
		dir, title string
	}{
		{false, nil, "simclr", "SimCLR"},
		{false, []string{"-temperature", "0.2", "-crop-min", "0.4", "-optimizer", "adam"}, "simclr", "SimCLR"},
		{false, []string{"-temperature", "0.5"}, "simclr-temperature0.5", "SimCLR (temperature 0.5)"},
		{false, []string{"-crop-min", "0.2", "-blur", "0.5"}, "simclr-crop0.2-blur0.5", "SimCLR (crops from 0.2, blur p 0.5)"},
		{false, []string{"-optimizer", "sgd", "-wd", "0", "-dataset", "fashion-mnist"}, "simclr-sgd-wd0-fashion-mnist",
			"SimCLR (SGD, weight decay 0) on Fashion-MNIST"},
		{true, []string{"-beta", "0"}, "simclr-debiased", "Debiased"},
		{true, []string{"-beta", "0", "-temperature", "0.5", "-seed", "2"}, "simclr-debiased-temperature0.5-seed2",
			"Debiased (temperature 0.5) (seed 2)"},
		{true, []string{"-temperature", "0.5"}, "simclr-temperature0.5", "SimCLR (temperature 0.5)"},
	} {
		checkName(t, spec(c.variant), c.args, c.dir, c.title)
	}
	// A setting the method's Check sized to the data (MoCo's queue on a small
	// training set), not given on the command line, is still the main run.
	s := spec(false)
	fs := flag.NewFlagSet(s.Name, flag.ContinueOnError)
	o := Flags(s, fs)
	if err := fs.Parse([]string{"-out", "out"}); err != nil {
		t.Fatal(err)
	}
	s.Config.(*knobs).Temperature = 0.1
	if p := mustPlan(t, s, o, fs); p.Dir != filepath.Join("out", "simclr") {
		t.Errorf("a setting sized by the method, not given: %s, want out/simclr", p.Dir)
	}
}
