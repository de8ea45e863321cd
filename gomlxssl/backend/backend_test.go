package backend

import (
	"errors"
	"os"
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
	if len(installedPlugins()) > 0 {
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
