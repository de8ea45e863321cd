// Package backendtest gives tests the Go backend, the one that runs
// everywhere (CI has no PJRT plugin), in one line.
package backendtest

import (
	"testing"

	"github.com/gomlx/compute"

	"github.com/mega-ssl/mega/gomlxssl/backend"
)

// Go is a new Go backend, configured as the experiments' is (backend.NewGo);
// a test that cannot have one stops there.
func Go(tb testing.TB) compute.Backend {
	tb.Helper()
	be, err := backend.NewGo("")
	if err != nil {
		tb.Fatalf("Go backend: %v", err)
	}
	return be
}
