// Package backend chooses the GoMLX compute backend an experiment runs on.
//
// GoMLX's own default tries XLA first and, with the XLA backend linked in, does
// not fall back: offline it fails while trying to download a PJRT plugin (and
// on a network that drops packets it can hang, because the download has no
// time-out). Here auto-install is always off: the default uses XLA only when a
// PJRT plugin is already installed and otherwise the pure-Go backend, and an
// explicit "xla:…" request fails at once, naming the missing plugin, when none
// is installed.
package backend

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/gomlx/compute"
)

// Info records which backend a run used.
type Info struct {
	// Name is the backend configuration actually used, e.g. "go" or "xla:cuda".
	Name string
	// Description is the backend's own description of itself.
	Description string
	// Note says how the backend was found when that is not obvious from
	// Name (JAX's CUDA plugin standing in for "xla:cuda"); empty otherwise.
	Note string
}

// New returns the backend for a -backend flag value:
//
//   - "" : $GOMLX_BACKEND when set, else XLA when a PJRT plugin is installed
//     locally (no download is ever attempted), else the Go backend.
//   - "go" or "go:<config>" : the pure-Go backend, one graph executor per
//     core and then <config> (NewGo).
//   - "xla", "xla:cpu", "xla:cuda", "xla:/abs/path/plugin.so" : the XLA backend
//     with an installed plugin; an error naming the missing plugin otherwise.
//     "xla:cuda" without go-xla's plugin uses JAX's (pip's jax-cudaNN-pjrt)
//     when one is installed, and says so in Info.Note.
func New(flagValue string) (compute.Backend, Info, error) {
	disableAutoInstall()
	config := flagValue
	if config == "" {
		config = os.Getenv(compute.ConfigEnvVar)
	}
	if config == "" {
		config = "go"
		if xlaLinked {
			if plugins := installedPlugins(); len(plugins) > 0 {
				config = "xla:" + plugins[0]
			}
		}
	}
	name, rest, _ := strings.Cut(config, ":")
	switch name {
	case "go":
		b, err := NewGo(rest)
		if err != nil {
			return nil, Info{}, fmt.Errorf("backend %q: %w", config, err)
		}
		return b, Info{Name: config, Description: b.Description()}, nil
	case "xla", "stablehlo":
		var note string
		if rest == "cuda" && xlaLinked && !installed(rest) {
			if p := jaxCUDAPlugin(pythonSitePackages()); p != "" {
				for k, v := range jaxEnv(p, os.Getenv, fileExists) {
					os.Setenv(k, v)
				}
				note = fmt.Sprintf("backend xla:cuda: using JAX's PJRT CUDA plugin %s (no go-xla plugin installed)", p)
				rest, config = p, name+":"+p
			}
		}
		if err := checkXLA(rest); err != nil {
			return nil, Info{}, err
		}
		b, err := newXLA(rest)
		if err != nil {
			return nil, Info{}, fmt.Errorf("backend %q: %w", config, err)
		}
		return b, Info{Name: config, Description: b.Description(), Note: note}, nil
	}
	return nil, Info{}, fmt.Errorf("unknown backend %q: want go, go:parallelism=N, xla:cpu, xla:cuda or xla:/abs/path/to/plugin.so", config)
}

// ErrPluginMissing is wrapped by the error New returns when XLA is asked for
// and its PJRT plugin is not installed.
var ErrPluginMissing = errors.New("PJRT plugin not installed")

// checkXLA fails fast, before anything tries to load or download a plugin.
func checkXLA(plugin string) error {
	if !xlaLinked {
		return fmt.Errorf("backend xla:%s: the XLA backend is not compiled into this binary (built with -tags noxla or CGO_ENABLED=0); rebuild without them, or use -backend go", plugin)
	}
	if filepath.IsAbs(plugin) {
		if _, err := os.Stat(plugin); err != nil {
			return fmt.Errorf("backend xla:%s: %w: %v", plugin, ErrPluginMissing, err)
		}
		return nil
	}
	if installed(plugin) {
		return nil
	}
	want := plugin
	if want == "" {
		want = "any"
	}
	return fmt.Errorf("backend xla:%s: %w: no %q PJRT plugin (pjrt_c_api_%s_plugin.so) in %s (found: %v).\n"+
		"Install one with network access: go run github.com/gomlx/go-xla/cmd/pjrt_installer@latest (see https://github.com/gomlx/go-xla#installing),\n"+
		"or point at a plugin file: -backend xla:/abs/path/to/xla_cuda_plugin.so (JAX's pip package jax-cuda13-pjrt ships one, and xla:cuda finds it in Python's site-packages),\n"+
		"or set PJRT_PLUGIN_LIBRARY_PATH to the directory holding it; -backend go runs offline everywhere",
		plugin, ErrPluginMissing, want, want, strings.Join(searchPaths(), ", "), installedPlugins())
}

// installed reports whether go-xla has a plugin named plugin ("" for any;
// "cuda" also matches versioned names such as cuda_12).
func installed(plugin string) bool {
	for _, p := range installedPlugins() {
		if plugin == "" || p == plugin || strings.HasPrefix(p, plugin+"_") {
			return true
		}
	}
	return false
}

// searchPaths lists where go-xla looks for plugins, for error messages.
func searchPaths() []string {
	if p := os.Getenv("PJRT_PLUGIN_LIBRARY_PATH"); p != "" {
		return strings.Split(p, ":")
	}
	home, _ := os.UserHomeDir()
	paths := []string{filepath.Join(home, ".local", "lib", "go-xla"), "/usr/local/lib/go-xla"}
	if runtime.GOOS == "darwin" {
		paths[0] = filepath.Join(home, "Library", "Application Support", "go-xla")
	}
	return append(paths, "$LD_LIBRARY_PATH")
}

// SIMDWarning is the start-up warning for a binary built without
// GOEXPERIMENT=simd that will run on the Go backend; it is empty when there is
// nothing to warn about.
func SIMDWarning(info Info) string {
	if SIMD || runtime.GOARCH != "amd64" || !strings.HasPrefix(info.Name, "go") {
		return ""
	}
	return "WARNING: built without GOEXPERIMENT=simd: the Go backend runs about 20x slower.\n" +
		"         Fix, for every shell from now on: go env -w GOTOOLCHAIN=auto GOEXPERIMENT=simd"
}
