//go:build !cgo || noxla || !((linux && (amd64 || arm64)) || (darwin && arm64))

package backend

import (
	"errors"

	"github.com/gomlx/compute"
)

const xlaLinked = false

func disableAutoInstall()        {}
func installedPlugins() []string { return nil }
func newXLA(string) (compute.Backend, error) {
	return nil, errors.New("XLA backend not compiled in")
}
