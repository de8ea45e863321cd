package main

import (
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/experiment/experimenttest"
	"github.com/mega-ssl/mega/gomlxssl/losses"
)

// The paper's weights with the default projector (D = 16) learn in the quick
// minute: the linear probe must beat the random-init encoder's. The default
// settings are named after the preset alone.
func TestQuickPresetEndToEnd(t *testing.T) {
	r, _ := experimenttest.QuickRun(t, spec())
	if r.Variant != "quick" {
		t.Errorf("the default settings ran as variant %q, want the quick preset's run", r.Variant)
	}
}

// The runs the notebook measures land in their own directories: another
// projector width, the loss without its covariance term, other weights.
func TestVariantNames(t *testing.T) {
	for _, c := range []struct {
		w          losses.VICRegWeights
		dim        int
		name, text string
	}{
		{losses.DefaultVICReg(), 16, "", ""},
		{losses.DefaultVICReg(), 512, "d512", "VICReg (D = 512)"},
		{losses.VICRegWeights{Invariance: 25, Variance: 25}, 512, "nocov-d512", "VICReg without its covariance term (ν = 0, D = 512)"},
		{losses.VICRegWeights{Invariance: 25, Variance: 25}, 16, "nocov", "VICReg without its covariance term (ν = 0)"},
		{losses.VICRegWeights{Invariance: 5, Variance: 25, Covariance: 1}, 16, "lambda5-mu25-nu1", "VICReg (λ = 5, μ = 25, ν = 1)"},
	} {
		cfg := defaults()
		cfg.Weights, cfg.Projector.Out = c.w, c.dim
		if name, title := cfg.variant(); name != c.name || title != c.text {
			t.Errorf("weights %+v, D = %d: variant %q %q, want %q %q", c.w, c.dim, name, title, c.name, c.text)
		}
	}
}

// Every method trains on the real Fashion-MNIST, one gray channel (a short
// smoke run: the measured figures come from the fashion preset).
func TestFashionMNIST(t *testing.T) { experimenttest.FashionSmoke(t, spec()) }

// Every setting of the method's own, changed, names a run of its own.
func TestSettingsNameRuns(t *testing.T) { experimenttest.SettingsNameRuns(t, spec(), nil) }
