package main

import (
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/experiment/experimenttest"
)

func TestQuickPresetEndToEnd(t *testing.T) { experimenttest.QuickRun(t, spec()) }

// The bank is saved with the checkpoints: a resumed run continues with its
// memories as if it had not stopped.
func TestResumeKeepsBank(t *testing.T) {
	experimenttest.ResumeMatches(t, spec(), []string{"/bank/bank", "/bank/seen"})
}
