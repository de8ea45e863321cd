package experiment

import (
	"context"
	"flag"
	"path/filepath"
	"strings"
	"testing"
)

// mustPlan is NewPlan for options a test parsed, failing the test on error.
func mustPlan(t *testing.T, spec Spec, o *Options, fs *flag.FlagSet) *Plan {
	t.Helper()
	p, err := NewPlan(spec, o, fs)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// planOf parses args (with -out out) for spec and plans the run.
func planOf(t *testing.T, spec Spec, args ...string) *Plan {
	t.Helper()
	fs := flag.NewFlagSet(spec.Name, flag.ContinueOnError)
	o := Flags(spec, fs)
	if err := fs.Parse(append([]string{"-out", "out"}, args...)); err != nil {
		t.Fatal(err)
	}
	return mustPlan(t, spec, o, fs)
}

// A method's own epochs and batch fill the flags left unset; -preset-budget
// and explicit flags keep them from doing so. Planning leaves the parsed
// options as they were, says where each setting came from, and plans the
// same options the same way twice.
func TestPlanResolves(t *testing.T) {
	spec := Spec{Name: "m", Title: "M", DefaultEpochs: 60, DefaultBatch: 16}
	for _, c := range []struct {
		args          []string
		epochs, batch int
		epochsFrom    Source
		preset        string
	}{
		{nil, 60, 16, FromMethod, "default"},
		{[]string{"-preset-budget"}, 25, 128, FromPreset("default"), "default"},
		{[]string{"-epochs", "7", "-batch", "32"}, 7, 32, FromFlag, "default"},
		{[]string{"-preset", "quick"}, 4, 16, FromPreset("quick"), "quick"}, // own epochs belong to the default preset only
		{[]string{"-preset", "quick", "-preset-budget"}, 4, 64, FromPreset("quick"), "quick"},
		{[]string{"-dataset", "fashion-mnist"}, 10, 16, FromPreset("fashion"), "fashion"}, // the data's own preset
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		o := Flags(spec, fs)
		if err := fs.Parse(c.args); err != nil {
			t.Fatal(err)
		}
		before := *o
		r := mustPlan(t, spec, o, fs)
		if r.Epochs != c.epochs || r.Batch != c.batch || r.From["epochs"] != c.epochsFrom || r.Preset != c.preset {
			t.Errorf("%q: %d epochs (from %q) of batch %d at preset %s, want %d (from %q) of %d at %s", c.args, r.Epochs, r.From["epochs"],
				r.Batch, r.Preset, c.epochs, c.epochsFrom, c.batch, c.preset)
		}
		if *o != before {
			t.Errorf("%q: planning changed the parsed options: %+v", c.args, *o)
		}
		if again := mustPlan(t, spec, o, fs); again.Budget() != r.Budget() || again.Dir != r.Dir {
			t.Errorf("%q: planned twice, %q in %s then %q in %s", c.args, r.Budget(), r.Dir, again.Budget(), again.Dir)
		}
	}
}

// A run on another encoder than the method's default is a variant of its
// own, named after the encoder; the default encoder, named or not, is not.
func TestPlanNamesTheEncoder(t *testing.T) {
	conv := Spec{Name: "mocov3", Title: "MoCo v3"}
	vit := Spec{Name: "mae", Title: "MAE", Encoder: "vit-96-4-3"}
	checkNames(t, []nameCase{
		{conv, nil, "mocov3", "MoCo v3"},
		{conv, []string{"-encoder", "convnet-16-32-64-128"}, "mocov3", "MoCo v3"},
		{conv, []string{"-encoder", "vit-96-4-3"}, "mocov3-vit-96-4-3", "MoCo v3 (vit-96-4-3)"},
		{conv, []string{"-encoder", "vit-96-4-3", "-dataset", "fashion-mnist"}, "mocov3-vit-96-4-3-fashion-mnist", "MoCo v3 (vit-96-4-3) on Fashion-MNIST"},
		{vit, []string{"-encoder", "vit-96-4-3"}, "mae", "MAE"},
		{vit, []string{"-encoder", "vit-96-4-3-mean"}, "mae-vit-96-4-3-mean", "MAE (vit-96-4-3-mean)"},
	})
}

// nameCase is a run's flags and the directory and title they name.
type nameCase struct {
	spec       Spec
	args       []string
	dir, title string
}

// checkNames checks each case's directory and title (checkName).
func checkNames(t *testing.T, cases []nameCase) {
	t.Helper()
	for _, c := range cases {
		checkName(t, c.spec, c.args, c.dir, c.title)
	}
}

// checkName checks the directory and title of spec's run with args.
func checkName(t *testing.T, spec Spec, args []string, dir, title string) {
	t.Helper()
	p := planOf(t, spec, args...)
	if p.Dir != filepath.Join("out", dir) || p.Title != title {
		t.Errorf("%s %v: %s, %q; want out/%s, %q", spec.Name, args, p.Dir, p.Title, dir, title)
	}
	if seeded := p.WithSeed(3); !strings.HasSuffix(seeded.Dir, "-seed3") || !strings.HasSuffix(seeded.Title, "(seed 3)") || p.Seed == 3 {
		t.Errorf("%s %v at seed 3: %s, %q", spec.Name, args, seeded.Dir, seeded.Title)
	}
}

// A run with -epochs keeps its own directory, and the preset's epochs keep
// the plain one; -preset-budget on a method with a budget of its own names
// the run after the epochs or batch it changed (the compare group's memory
// bank is membank-25ep, as -epochs 25 names it), and so do -batch and -lr
// where they are not the method's own, so that no such run replaces the
// default run; so do a preset other than the data's own (the quick
// preset's smoke run) and split sizes given by flag.
func TestPlanNamesTheBudget(t *testing.T) {
	membank := Spec{Name: "membank", Title: "Memory bank", DefaultEpochs: 60}
	byol := Spec{Name: "byol", Title: "BYOL", DefaultBatch: 16}
	simclr := Spec{Name: "simclr", Title: "SimCLR"}
	checkNames(t, []nameCase{
		{simclr, nil, "simclr", "SimCLR"},
		{simclr, []string{"-dataset", "fashion-mnist"}, "simclr-fashion-mnist", "SimCLR on Fashion-MNIST"},
		{simclr, []string{"-dataset", "fashion-mnist", "-epochs", "50"}, "simclr-50ep-fashion-mnist", "SimCLR (50 epochs) on Fashion-MNIST"},
		{simclr, []string{"-epochs", "7", "-seed", "2"}, "simclr-7ep-seed2", "SimCLR (7 epochs) (seed 2)"},
		{simclr, []string{"-epochs", "1"}, "simclr-1ep", "SimCLR (1 epoch)"},
		{membank, nil, "membank", "Memory bank"},
		{membank, []string{"-preset-budget"}, "membank-25ep", "Memory bank (25 epochs)"},
		{membank, []string{"-epochs", "25"}, "membank-25ep", "Memory bank (25 epochs)"},
		{membank, []string{"-preset-budget", "-epochs", "30"}, "membank-30ep", "Memory bank (30 epochs)"},
		{membank, []string{"-preset-budget", "-dataset", "fashion-mnist"}, "membank-fashion-mnist", "Memory bank on Fashion-MNIST"},
		{byol, []string{"-preset-budget"}, "byol-batch128", "BYOL (batch 128)"},
		{byol, []string{"-preset-budget", "-batch", "64"}, "byol-batch64", "BYOL (batch 64)"},
		{byol, []string{"-preset-budget", "-batch", "16"}, "byol", "BYOL"},
		{byol, []string{"-batch", "128"}, "byol-batch128", "BYOL (batch 128)"},
		{simclr, []string{"-batch", "128"}, "simclr", "SimCLR"},
		{simclr, []string{"-batch", "64", "-seed", "2"}, "simclr-batch64-seed2", "SimCLR (batch 64) (seed 2)"},
		{simclr, []string{"-epochs", "50", "-batch", "64"}, "simclr-50ep-batch64", "SimCLR (50 epochs) (batch 64)"},
		{simclr, []string{"-preset", "quick", "-batch", "64"}, "simclr-quick", "SimCLR (quick preset)"},
		{simclr, []string{"-preset", "default"}, "simclr", "SimCLR"},
		{simclr, []string{"-preset", "fashion"}, "simclr-fashion-mnist", "SimCLR on Fashion-MNIST"},
		{simclr, []string{"-dataset", "fashion-mnist", "-preset", "fashion"}, "simclr-fashion-mnist", "SimCLR on Fashion-MNIST"},
		{simclr, []string{"-dataset", "fashion-mnist", "-preset", "default"}, "simclr-default-fashion-mnist", "SimCLR (default preset) on Fashion-MNIST"},
		{simclr, []string{"-preset", "quick", "-dataset", "fashion-mnist", "-train", "512", "-test", "256"},
			"simclr-quick-train512-test256-fashion-mnist", "SimCLR (quick preset, 512 training images, 256 test images) on Fashion-MNIST"},
		{simclr, []string{"-train", "1000", "-test", "1000"}, "simclr-train1000", "SimCLR (1000 training images)"},
		{simclr, []string{"-preset", "quick", "-train", "2048"}, "simclr-quick", "SimCLR (quick preset)"},
		{membank, []string{"-preset", "quick"}, "membank-quick", "Memory bank (quick preset)"},
		{simclr, []string{"-lr", "0.001"}, "simclr-lr0.001", "SimCLR (LR 0.001)"},
		{simclr, []string{"-lr", "0.005"}, "simclr", "SimCLR"},
		{byol, []string{"-preset-budget", "-seed", "2"}, "byol-batch128-seed2", "BYOL (batch 128) (seed 2)"},
	})
}

// -export and -embed refuse what they cannot do before loading anything:
// an encoder that does not export yet, a run that has not been trained.
func TestEmbedAndExportRefuse(t *testing.T) {
	spec := Spec{Name: "m", Title: "M"}
	p := planOf(t, spec, "-encoder", "vit-96-4-3", "-export", t.TempDir(), "-out", t.TempDir())
	if err := Export(context.Background(), p); err == nil || !strings.Contains(err.Error(), "cannot be exported yet") {
		t.Errorf("a ViT's export: %v", err)
	}
	p = planOf(t, spec, "-embed", "test", "-out", t.TempDir())
	if err := Embed(context.Background(), p); err == nil || !strings.Contains(err.Error(), "has no checkpoint") {
		t.Errorf("embedding an untrained run: %v", err)
	}
}
