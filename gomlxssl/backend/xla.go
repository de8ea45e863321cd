//go:build cgo && !noxla && ((linux && (amd64 || arm64)) || (darwin && arm64))

package backend

import (
	"github.com/gomlx/compute"
	"github.com/gomlx/go-xla/compute/xla"
)

const xlaLinked = true

// disableAutoInstall turns off go-xla's plugin download, which has no time-out.
func disableAutoInstall() { xla.EnableAutoInstall(false) }

// installedPlugins lists the PJRT plugins found locally, without downloading.
func installedPlugins() []string { return xla.GetAvailablePlugins() }

func newXLA(plugin string) (compute.Backend, error) { return xla.New(plugin) }
