package main

import (
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/experiment/experimenttest"
)

// The quick preset trains on 2,048 images, so the queue is 1,024 keys.
func TestQuickPresetEndToEnd(t *testing.T) { experimenttest.QuickRun(t, spec(), "-queue", "1024") }
