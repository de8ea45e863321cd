package main

import (
	"strings"
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/experiment/experimenttest"
)

// A short run end to end on a narrow ViT (the default one is measured by
// the presets): the reconstructions and both errors are written. After one
// short epoch the encoder need not beat random init yet (QuickRunContract).
func TestQuickPresetEndToEnd(t *testing.T) {
	r, _ := experimenttest.QuickRunContract(t, spec(), "-encoder", "vit-48-2-3", "-epochs", "1", "-train", "1024", "-knn-train", "1024", "-supervised-epochs", "1")
	var errs int
	for _, m := range r.Measures {
		if strings.Contains(m.Name, "error") {
			errs++
		}
	}
	if errs != 2 || len(r.Figures) == 0 {
		t.Errorf("measures %v, figures %v: want both reconstruction errors and the figure", r.Measures, r.Figures)
	}
}

// Settings MAE cannot train with are refused before anything trains: a mask
// that hides all or nothing, a decoder whose width does not split into its
// heads, and an encoder without patches.
func TestCheck(t *testing.T) {
	for _, bad := range []func(c *config){
		func(c *config) { c.MaskRatio = 0 },
		func(c *config) { c.MaskRatio = 1 },
		func(c *config) { c.Decoder.Width = 40 },
		func(c *config) { c.Decoder.Heads = 3 },
		func(c *config) { c.Decoder.Depth = 0 },
	} {
		c := defaults()
		bad(&c)
		if err := c.Check(6000, 128); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	err := experimenttest.QuickRunError(t, spec(), "-encoder", "convnet-16-32-64-128")
	if err == nil || !strings.Contains(err.Error(), "vit-") {
		t.Errorf("a convnet encoder: %v, want an error that names the ViT flag", err)
	}
}

// MAE trains on the real Fashion-MNIST: 28-pixel garments in 49 patches.
func TestFashionMNIST(t *testing.T) {
	experimenttest.FashionSmoke(t, spec(), "-encoder", "vit-48-2-3")
}

// Every setting of the method's own, changed, names a run of its own.
func TestSettingsNameRuns(t *testing.T) { experimenttest.SettingsNameRuns(t, spec(), nil) }
