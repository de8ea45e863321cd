package backend

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestDefaultIsGoOffline(t *testing.T) {
	if os.Getenv("GOMLX_BACKEND") != "" || len(installedPlugins()) > 0 {
		t.Skip("a backend is configured or a PJRT plugin is installed here")
	}
	b, info, err := New("")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	if info.Name != "go" {
		t.Errorf("default backend %q, want go", info.Name)
	}
}

func TestXLAWithoutPluginFailsFast(t *testing.T) {
	if len(installedPlugins()) > 0 || jaxCUDAPlugin(pythonSitePackages()) != "" {
		t.Skip("a PJRT plugin is installed here")
	}
	for _, name := range []string{"xla:cuda", "xla:cpu", "xla:/nonexistent/xla_cuda_plugin.so"} {
		start := time.Now()
		_, _, err := New(name)
		if err == nil {
			t.Fatalf("%s: no error without a plugin", name)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s: took %v to fail", name, d)
		}
		if xlaLinked && !errors.Is(err, ErrPluginMissing) {
			t.Errorf("%s: error %v does not say the plugin is missing", name, err)
		}
		plugin := strings.TrimPrefix(name, "xla:")
		if !strings.Contains(err.Error(), plugin) {
			t.Errorf("%s: error %q does not name the plugin", name, err)
		}
	}
}

func TestUnknownBackend(t *testing.T) {
	if _, _, err := New("tpu9000"); err == nil || !strings.Contains(err.Error(), "tpu9000") {
		t.Errorf("want an error naming the unknown backend, got %v", err)
	}
}

// touch creates path and its directories.
func touch(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestJAXCUDAPlugin(t *testing.T) {
	empty, site := t.TempDir(), t.TempDir()
	if p := jaxCUDAPlugin([]string{empty}); p != "" {
		t.Errorf("found %q in an empty directory", p)
	}
	for _, v := range []string{"xla_cuda12", "xla_cuda13", "xla_cuda9"} {
		touch(t, filepath.Join(site, "jax_plugins", v, "xla_cuda_plugin.so"))
	}
	want := filepath.Join(site, "jax_plugins", "xla_cuda13", "xla_cuda_plugin.so")
	if p := jaxCUDAPlugin([]string{empty, site}); p != want {
		t.Errorf("got %q, want the newest CUDA's %q", p, want)
	}
}

func TestJAXEnv(t *testing.T) {
	site := t.TempDir()
	plugin := filepath.Join(site, "jax_plugins", "xla_cuda13", "xla_cuda_plugin.so")
	ptxas := filepath.Join(site, "nvidia", "cuda_nvcc", "bin", "ptxas")
	files := map[string]bool{}
	exists := func(p string) bool { return files[p] }
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }

	if got := jaxEnv(plugin, getenv, exists); len(got) != 0 {
		t.Errorf("nothing installed: got %v, want no changes", got)
	}
	files["/usr/local/cuda/bin/ptxas"] = true
	if got := jaxEnv(plugin, getenv, exists); got["XLA_FLAGS"] != "--xla_gpu_cuda_data_dir=/usr/local/cuda" {
		t.Errorf("system CUDA: got %v", got)
	}
	files[ptxas], files[filepath.Join(site, "nvidia")] = true, true
	env["XLA_FLAGS"] = "--xla_dump_to=/tmp/d"
	got := jaxEnv(plugin, getenv, exists)
	if want := "--xla_dump_to=/tmp/d --xla_gpu_cuda_data_dir=" + filepath.Join(site, "nvidia", "cuda_nvcc"); got["XLA_FLAGS"] != want {
		t.Errorf("pip's nvcc beside the plugin: XLA_FLAGS %q, want %q", got["XLA_FLAGS"], want)
	}
	if got["GOPJRT_CUDA_CHECKS"] != "0" {
		t.Errorf("NVIDIA libraries beside the plugin: want go-xla's misplaced check off, got %v", got)
	}
	env["XLA_FLAGS"], env["GOPJRT_CUDA_CHECKS"] = "--xla_gpu_cuda_data_dir=/mine", "1"
	if got := jaxEnv(plugin, getenv, exists); len(got) != 0 {
		t.Errorf("the user's own settings: got %v, want them kept", got)
	}
}

// TestGoConfigLeavesWorkersToTheProducts: one executor per core (up to the
// backend's own 8), and a -backend go:… setting after it, so it wins.
func TestGoConfigLeavesWorkersToTheProducts(t *testing.T) {
	want := fmt.Sprintf("num_executors=%d", min(runtime.GOMAXPROCS(0), 8))
	if got := GoConfig(""); got != want {
		t.Errorf("GoConfig(\"\") = %q, want %q", got, want)
	}
	if got := GoConfig("num_executors=5"); got != want+",num_executors=5" {
		t.Errorf("GoConfig(num_executors=5) = %q: the flag's setting must come last", got)
	}
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	if got := GoConfig(""); got != "num_executors=1" {
		t.Errorf("GOMAXPROCS=1: GoConfig(\"\") = %q, want num_executors=1", got)
	}
	b, info, err := New("go:parallelism=3")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	if info.Name != "go:parallelism=3" || !strings.Contains(info.Description, "parallelism=3") {
		t.Errorf("go:parallelism=3 gave %q (%s)", info.Name, info.Description)
	}
	if _, err := NewGo("executors=lots"); err == nil {
		t.Error("an unknown Go backend setting gave no error")
	}
}
