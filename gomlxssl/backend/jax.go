package backend

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// JAX's pip packages jax-cuda12-pjrt and jax-cuda13-pjrt ship a PJRT CUDA
// plugin, site-packages/jax_plugins/xla_cudaNN/xla_cuda_plugin.so, with the
// NVIDIA libraries it loads in site-packages/nvidia/ (found through its RPATH).
// go-xla does not look there (it wants pjrt_c_api_cuda_plugin.so in its own
// directories), so on a GPU machine with JAX and no go-xla install
// "-backend xla:cuda" would fail although a working plugin is on disk. Checked
// on an NVIDIA H200 with jax-cuda13-pjrt 0.11.2 (docs/performance.md, "On a
// GPU"). No library finds JAX's plugin for us, so this file globs for it.

// pythonSitePackages lists the directories where pip puts packages, for the
// usual installs: the system's, /usr/local's, the user's, an active virtual
// or conda environment's, and virtual environments under /opt.
func pythonSitePackages() []string {
	home, _ := os.UserHomeDir()
	var roots []string
	for _, env := range []string{"VIRTUAL_ENV", "CONDA_PREFIX"} {
		if p := os.Getenv(env); p != "" {
			roots = append(roots, p)
		}
	}
	roots = append(roots, "/usr", "/usr/local", filepath.Join(home, ".local"), "/opt/*", "/opt/*/.venv", "/opt/conda")
	var dirs []string
	for _, r := range roots {
		for _, sub := range []string{"site-packages", "dist-packages"} {
			m, _ := filepath.Glob(filepath.Join(r, "lib", "python3*", sub))
			dirs = append(dirs, m...)
		}
	}
	return dirs
}

// jaxCUDAPlugin returns JAX's PJRT CUDA plugin in the first of dirs that has
// one (the newest CUDA where a directory has several), or "".
func jaxCUDAPlugin(dirs []string) string {
	for _, d := range dirs {
		m, _ := filepath.Glob(filepath.Join(d, "jax_plugins", "xla_cuda*", "xla_cuda_plugin.so"))
		if len(m) == 0 {
			continue
		}
		slices.SortFunc(m, func(a, b string) int { return cudaMajor(b) - cudaMajor(a) })
		return m[0]
	}
	return ""
}

// cudaMajor reads NN from ".../xla_cudaNN/xla_cuda_plugin.so" (0 if absent).
func cudaMajor(plugin string) int {
	n := 0
	for _, c := range strings.TrimPrefix(filepath.Base(filepath.Dir(plugin)), "xla_cuda") {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// jaxEnv returns the environment a JAX plugin needs and does not have yet:
// XLA_FLAGS naming the directory that holds bin/ptxas (JAX's own nvidia/cuda_nvcc
// package beside the plugin, else the system's CUDA), and GOPJRT_CUDA_CHECKS=0
// where the NVIDIA libraries sit where the plugin's RPATH finds them, because
// go-xla looks for them one level too high and warns about a working setup.
// getenv and exists are os.Getenv and a file test, replaced in tests.
func jaxEnv(plugin string, getenv func(string) string, exists func(string) bool) map[string]string {
	env := map[string]string{}
	nvidia := filepath.Join(filepath.Dir(filepath.Dir(filepath.Dir(plugin))), "nvidia")
	if !strings.Contains(getenv("XLA_FLAGS"), "--xla_gpu_cuda_data_dir") {
		for _, dir := range []string{filepath.Join(nvidia, "cuda_nvcc"), "/usr/local/cuda"} {
			if exists(filepath.Join(dir, "bin", "ptxas")) {
				env["XLA_FLAGS"] = strings.TrimSpace(getenv("XLA_FLAGS") + " --xla_gpu_cuda_data_dir=" + dir)
				break
			}
		}
	}
	if getenv("GOPJRT_CUDA_CHECKS") == "" && exists(nvidia) {
		env["GOPJRT_CUDA_CHECKS"] = "0"
	}
	return env
}

// fileExists reports whether path exists.
func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
