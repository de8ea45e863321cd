package main

import (
	"strings"
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/experiment/experimenttest"
)

func TestQuickPresetEndToEnd(t *testing.T) { experimenttest.QuickRun(t, spec()) }

// Settings the loss cannot train with are refused before anything trains.
func TestCheck(t *testing.T) {
	for _, bad := range []func(c *config){
		func(c *config) { c.StudentTemp = 0 },
		func(c *config) { c.TeacherTemp = -1 },
		func(c *config) { c.TeacherWarmup = 1.5 },
		func(c *config) { c.CentreMomentum = 2 },
		func(c *config) { c.Momentum = -0.1 },
		func(c *config) { c.Head.Prototypes = 1 },
		func(c *config) { c.Head.Bottleneck = 0 },
	} {
		c := defaults()
		bad(&c)
		if err := c.Check(6000, 128); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}

// Every method trains on the real Fashion-MNIST, one gray channel (a short
// smoke run: the measured figures come from the fashion preset).
func TestFashionMNIST(t *testing.T) { experimenttest.FashionSmoke(t, spec()) }

// Multi-crop trains end to end (one short epoch), as a variant of its own,
// and is refused on a ViT, whose position embeddings fit one image size.
func TestLocalCrops(t *testing.T) {
	r, _ := experimenttest.QuickRunContract(t, spec(), "-local-crops", "2", "-epochs", "1", "-train", "512", "-knn-train", "512")
	if r.Variant != "local2-1ep-quick-train512" || r.Config["local-crops"] != float64(2) { // -epochs 1, the preset and -train are part of the name too
		t.Errorf("variant %q, local-crops %v: want local2-1ep-quick-train512 and 2", r.Variant, r.Config["local-crops"])
	}
	err := experimenttest.QuickRunError(t, spec(), "-local-crops", "2", "-encoder", "vit-48-2-3")
	if err == nil || !strings.Contains(err.Error(), "convnet") {
		t.Errorf("local crops on a ViT: %v, want an error naming a convnet", err)
	}
}

// Every setting of the method's own, changed, names a run of its own.
func TestSettingsNameRuns(t *testing.T) { experimenttest.SettingsNameRuns(t, spec(), nil) }
