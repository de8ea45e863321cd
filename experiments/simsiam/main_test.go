package main

import (
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/experiment/experimenttest"
)

func TestQuickPresetEndToEnd(t *testing.T) { experimenttest.QuickRun(t, spec()) }

// Every method trains on the real Fashion-MNIST, one gray channel (a short
// smoke run: the measured figures come from the fashion preset).
func TestFashionMNIST(t *testing.T) { experimenttest.FashionSmoke(t, spec()) }

// Every setting of the method's own, changed, names a run of its own.
func TestSettingsNameRuns(t *testing.T) { experimenttest.SettingsNameRuns(t, spec(), nil) }
