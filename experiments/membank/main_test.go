package main

import (
	"strings"
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/experiment/experimenttest"
)

func TestQuickPresetEndToEnd(t *testing.T) { experimenttest.QuickRun(t, spec()) }

// The bank is saved with the checkpoints: a resumed run continues with its
// memories as if it had not stopped.
func TestResumeKeepsBank(t *testing.T) {
	experimenttest.ResumeMatches(t, spec(), []string{"/bank/bank", "/bank/seen"})
}

// Settings the bank cannot serve are refused before training, naming the flag.
func TestCheckBankRefusesBadFlags(t *testing.T) {
	defer func(p string, n int, m, tau float64) { positive, negatives, momentum, temperature = p, n, m, tau }(positive, negatives, momentum, temperature)
	for _, c := range []struct {
		positive    string
		negatives   int
		momentum, t float64
		flag        string
	}{{"views", 4096, 0.5, 0.2, "-positive"}, {"memory", 0, 0.5, 0.2, "-negatives"}, {"memory", 4096, 1, 0.2, "-bank-momentum"}, {"memory", 4096, 0.5, 0, "-temperature"}} {
		positive, negatives, momentum, temperature = c.positive, c.negatives, c.momentum, c.t
		if err := checkBank(6000, 128); err == nil || !strings.Contains(err.Error(), c.flag) {
			t.Errorf("%+v: error %v, want one naming %s", c, err, c.flag)
		}
	}
	positive, negatives, momentum, temperature = "view", 4096, 0.5, 0.2
	if err := checkBank(6000, 128); err != nil {
		t.Errorf("-positive view: %v", err)
	}
	if name, _ := variant(); name != "viewpositive" {
		t.Errorf("-positive view runs as variant %q, want viewpositive", name)
	}
}

// Every method trains on the real Fashion-MNIST, one gray channel (a short
// smoke run: the measured figures come from the fashion preset).
func TestFashionMNIST(t *testing.T) { experimenttest.FashionSmoke(t, spec()) }
