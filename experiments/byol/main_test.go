package main

import (
	"strings"
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/experiment/experimenttest"
)

func TestQuickPresetEndToEnd(t *testing.T) { experimenttest.QuickRun(t, spec()) }

// A base momentum outside [0, 1] is refused before training, naming the flag.
func TestCheckRefusesMomentumOutsideUnitInterval(t *testing.T) {
	defer func(m float64) { momentum = m }(momentum)
	for _, m := range []float64{-0.5, 1.01} {
		momentum = m
		if err := check(6000, 16); err == nil || !strings.Contains(err.Error(), "-momentum") {
			t.Errorf("-momentum %g: error %v, want one naming -momentum", m, err)
		}
	}
	for _, m := range []float64{0, 0.99, 1} {
		momentum = m
		if err := check(6000, 16); err != nil {
			t.Errorf("-momentum %g: %v", m, err)
		}
	}
}

// Every method trains on the real Fashion-MNIST, one gray channel (a short
// smoke run: the measured figures come from the fashion preset).
func TestFashionMNIST(t *testing.T) { experimenttest.FashionSmoke(t, spec()) }
