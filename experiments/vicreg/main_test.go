package main

import (
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/experiment/experimenttest"
)

func TestQuickPresetEndToEnd(t *testing.T) { experimenttest.QuickRun(t, spec()) }
