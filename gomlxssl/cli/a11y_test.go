package cli

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/mega-ssl/mega/report/site"
	"github.com/mega-ssl/mega/report/sitetest"
)

// axeVersion is the accessibility engine the audit runs (axe-core, from the
// npm registry).
const axeVersion = "4.14.1"

// axeScript is axe-core's browser build, fetched once with npm into the
// user's cache; the audit is skipped, saying so, where npm is not installed.
func axeScript(t *testing.T) string {
	t.Helper()
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	path := filepath.Join(cache, "mega", "axe-core-"+axeVersion, "axe.min.js")
	if b, err := os.ReadFile(path); err == nil {
		return string(b)
	}
	if _, err := exec.LookPath("npm"); err != nil {
		t.Skip("accessibility audit skipped: npm is not installed (apt-get install -y npm) to fetch axe-core")
	}
	dir := t.TempDir()
	cmd := exec.Command("npm", "pack", "axe-core@"+axeVersion, "--pack-destination", dir)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil { // the registry out of reach: nothing of ours is at fault
		t.Skipf("accessibility audit skipped: npm pack axe-core@%s: %v\n%s", axeVersion, err, out)
	}
	f, err := os.Open(filepath.Join(dir, "axe-core-"+axeVersion+".tgz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("axe-core's package: no axe.min.js (%v)", err)
		}
		if h.Name != "package/axe.min.js" {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
}

// violation is one rule axe finds broken, with where.
type violation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Nodes   int      `json:"nodes"`
	Targets []string `json:"targets"`
}

// TestAccessibility audits the real page — the repository's narratives,
// notebooks and reference runs, with one run of the reader's — with axe-core
// in Chromium, in light and in dark mode and on a phone's width: no rule may
// be broken. With
// MEGA_A11Y_OUT=DIR it audits the page of the results in DIR (out, say).
func TestAccessibility(t *testing.T) {
	if testing.Short() {
		t.Skip("audits the whole page")
	}
	axe := axeScript(t)
	ctx := browser(t)
	out := os.Getenv("MEGA_A11Y_OUT") // audit the page of these results instead (the suite's: one sample run)
	if out == "" {
		out = t.TempDir()
		sitetest.WriteSampleResults(t, out, "simclr", "SimCLR")
		sitetest.WriteSampleNeighbours(t, out, "simclr")
	}
	rep, err := site.Build(site.Config{Root: repoRoot, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs(rep.Path)
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+abs)); err != nil {
		t.Fatal(err)
	}
	evalJS[bool](t, ctx, axe+";\ntrue")
	for _, mode := range []struct {
		theme string
		width int64 // 0: the desktop window
	}{{"light", 0}, {"dark", 0}, {"light", 390}} {
		theme := mode.theme
		if mode.width > 0 { // a phone: the wide tables scroll, and a keyboard must reach them
			theme += ", phone"
			if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: mode.width, Height: 800, DeviceScaleFactor: 1, Mobile: true}); err != nil {
				t.Fatal(err)
			}
			// The page's script gives each element that now overflows a tab
			// stop once the resize settles.
			poll(t, ctx, "the wide tables' tab stops", `document.querySelector("[data-scroll-stop]") && !Array.prototype.some.call(
				document.querySelectorAll("main table, main pre, main math[display='block']"),
				el => el.scrollWidth > el.clientWidth + 1 && !el.hasAttribute("tabindex"))`, 10*time.Second)
		}
		evalJS[bool](t, ctx, `(document.documentElement.dataset.theme = "`+mode.theme+`", window.__axe = null,
			axe.run(document, {resultTypes: ["violations"]}).then(r => { window.__axe = JSON.stringify(r.violations.map(v =>
				({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, targets: v.nodes.slice(0, 4).map(n => n.target.join(" "))}))); }), true)`)
		took := poll(t, ctx, "axe's audit", "window.__axe", 3*time.Minute)
		var found []violation
		if err := json.Unmarshal([]byte(evalJS[string](t, ctx, "window.__axe")), &found); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s mode: %d rules broken (audit %v)", theme, len(found), took.Round(time.Millisecond))
		for _, v := range found {
			t.Errorf("%s mode: %s (%s, %d elements): %s — %s", theme, v.ID, v.Impact, v.Nodes, v.Help, strings.Join(v.Targets, "; "))
		}
	}
}
