package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/mega-ssl/mega/gomlxssl/results"
	"github.com/mega-ssl/mega/report/sitetest"
)

// chromiumPath is where Debian's chromium package puts the browser
// (.ci/run installs it).
const chromiumPath = "/usr/bin/chromium"

// browser starts headless Chromium for the test, with every network request
// that is not to the loopback interface sent to a dead proxy: a page that
// needed the network would log errors.
func browser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("browser test skipped: Chromium is not installed at %s (apt-get install -y chromium)", chromiumPath)
	}
	opts := append([]chromedp.ExecAllocatorOption{}, chromedp.DefaultExecAllocatorOptions[:]...)
	opts = append(opts,
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("proxy-server", "http://127.0.0.1:9"),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // start the browser
		t.Fatalf("starting Chromium: %v", err)
	}
	return ctx
}

// consoleErrors collects the page's console errors and uncaught exceptions.
type consoleErrors struct {
	mu   sync.Mutex
	msgs []string
}

func watchConsole(ctx context.Context) *consoleErrors {
	c := &consoleErrors{}
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				c.mu.Lock()
				c.msgs = append(c.msgs, m.String())
				c.mu.Unlock()
			}
		}
	}()
	return c
}

func (c *consoleErrors) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.msgs
	c.msgs = nil
	return m
}

func evalJS[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// poll evaluates js until it is true, across page reloads (an evaluation
// that a reload interrupts is retried), and returns how long that took.
func poll(t *testing.T, ctx context.Context, what, js string, timeout time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("(() => { try { return !!("+js+"); } catch (e) { return false; } })()"))
		if err == nil && v {
			return time.Since(start)
		}
		if time.Since(start) > timeout {
			t.Fatalf("%s: not within %v (last error: %v)", what, timeout, err)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// TestBrowser loads the served report in headless Chromium: no console
// errors, MathML rendered, dark mode follows the system and the toggle, live
// reload after a source change (keeping the scroll position), the error
// overlay for a broken template and its recovery, and the page from file://
// with the network off. It saves screenshots of the fixture's page; with
// MEGA_BROWSER_SHOTS=DIR they go to DIR, to be looked at (the README's
// images are TestDocsScreenshots', of the real page).
func TestBrowser(t *testing.T) {
	ctx := browser(t)
	root, out, addr := server(t, func(root, out string) {
		// A second run with a kNN curve beside the sample's: the
		// comparisons draw their interactive chart of both.
		sitetest.WriteSampleResults(t, out, "simclr-wide", "SimCLR (wide head)")
		for i, dir := range []string{"simclr", "simclr-wide"} {
			rows := []results.EpochRow{{Epoch: 1, KNNTop1: 0.2 + 0.05*float64(i)}, {Epoch: 2, KNNTop1: 0.25 + 0.05*float64(i)}}
			if err := results.WriteMetrics(filepath.Join(out, dir, "metrics.csv"), rows); err != nil {
				t.Fatal(err)
			}
		}
		path := filepath.Join(out, "simclr-wide", "run.json")
		r, err := results.ReadRun(path)
		if err != nil {
			t.Fatal(err)
		}
		r.Experiment, r.Variant = "simclr", "wide"
		if err := results.WriteJSON(path, r); err != nil {
			t.Fatal(err)
		}
		// Its aggregate over two seeds: the chart draws its mean and band.
		agg := &results.Seeds{Experiment: "simclr", Variant: "wide", Seeds: []uint64{1, 2}, Dirs: []string{"simclr-wide", "simclr-wide-seed2"},
			DataSeed: 1, Metrics: map[string]results.Spread{"knn_top1": results.SpreadOf([]float64{0.28, 0.30})},
			Curves: map[string]results.Curve{"knn_top1": {Epochs: []int{1, 2}, Mean: []float64{0.24, 0.29}, SD: []float64{0.02, 0.01}}}}
		if err := results.WriteJSON(filepath.Join(out, "simclr-wide", results.SeedsFile), agg); err != nil {
			t.Fatal(err)
		}
		// A third run far ahead on kNN (60.0%) and level on the linear
		// probe: the comparison marks the one lead and calls the rest level.
		sitetest.WriteSampleResults(t, out, "simclr-long", "SimCLR (long)")
		long := filepath.Join(out, "simclr-long", "run.json")
		lr, err := results.ReadRun(long)
		if err != nil {
			t.Fatal(err)
		}
		lr.Experiment, lr.Variant, lr.Metrics.KNNTop1 = "simclr", "long", 0.60
		if err := results.WriteJSON(long, lr); err != nil {
			t.Fatal(err)
		}
		sitetest.WriteSampleNeighbours(t, out, "simclr")
		// Prose that cites a figure of the run on disk.
		edit(t, filepath.Join(root, "experiments", "simclr", "main.go"), func(s string) string {
			return strings.Replace(s, "// # SimCLR: contrastive learning with NT-Xent\n", "// # SimCLR: contrastive learning with NT-Xent\n//\n// Cited in the browser: kNN [@simclr knn].\n", 1)
		})
	})
	console := watchConsole(ctx)
	base := "http://" + addr + "/"
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base), chromedp.WaitVisible(chromedp.CSS("#toc"))); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "live-reload connection", `window.megaLiveReload !== undefined`, 5*time.Second)

	// Results first: the leaderboard starts on the first 1280×800 screen,
	// and the prose's citation prints the run's figure.
	if top := evalJS[float64](t, ctx, `document.querySelector("table.leaderboard").getBoundingClientRect().top`); top > 800-100 {
		t.Errorf("the leaderboard starts at %.0f px, below the first 1280×800 screen", top)
	}
	if !evalJS[bool](t, ctx, `document.body.innerText.includes("Cited in the browser: kNN 28.4\u00a0±\u00a02.8%.")`) {
		t.Error("the citation does not print the run's kNN (28.4%) with its interval's half-width")
	}

	// The comparisons' marks as the reader sees them: a ★ only where its lead
	// over every other method's figure in the column exceeds the two ±
	// shown combined (they are the 95% half-widths, or the seeds' sd, which
	// is less than the uncertainty the mark weighs), and ≈ where none leads.
	marks := evalJS[string](t, ctx, `(() => {
		const out = {stars: 0, level: 0, bad: []};
		const parse = td => { const m = td.textContent.match(/([\d.]+)%\s*±([\d.]+)/); return m && [parseFloat(m[1]), parseFloat(m[2])]; };
		for (const table of document.querySelectorAll("table.compare")) {
			const rows = [...table.querySelectorAll("tbody tr:not(.baseline)")].map(r => [...r.querySelectorAll("td")]);
			rows.forEach((row, i) => row.forEach((td, j) => {
				if (td.classList.contains("level")) out.level++;
				if (!td.classList.contains("best")) return;
				out.stars++;
				const a = parse(td);
				rows.forEach((other, k) => {
					const b = k !== i && other[j] && parse(other[j]);
					if (!a || (b && Math.abs(a[0] - b[0]) <= Math.hypot(a[1], b[1]))) out.bad.push(td.textContent + " against " + (other[j] ? other[j].textContent : "?"));
				});
			}));
		}
		return JSON.stringify(out);
	})()`)
	var m struct {
		Stars, Level int
		Bad          []string
	}
	if err := json.Unmarshal([]byte(marks), &m); err != nil {
		t.Fatal(err)
	}
	if m.Stars == 0 || m.Level == 0 || len(m.Bad) > 0 {
		t.Errorf("comparison marks: %d ★ (want the long run's kNN), %d ≈, ★ inside the uncertainty: %q", m.Stars, m.Level, m.Bad)
	}

	// Nearest neighbours: the script draws a table of tiles, each its
	// own thumbnail of the dataset's atlas (8×8 pixels, 32 to a row) drawn
	// 28 px wide, in the order the figure shows them; the wrong-class one
	// dimmed; each cell's count for screen readers.
	tiles := evalJS[string](t, ctx, `Array.from(document.querySelectorAll("figure.neighbours .tile")).map(e => {
		const s = getComputedStyle(e), r = e.getBoundingClientRect();
		return [r.width, r.height, s.backgroundPositionX, s.backgroundPositionY, s.backgroundSize, s.opacity, s.backgroundImage.slice(0, 20)].join(" "); }).join("|")`)
	if list := strings.Split(tiles, "|"); len(list) != 21 || list[0] != `28 28 0px 0px 896px auto 1 url("data:image/jpeg` ||
		list[2] != `28 28 -56px 0px 896px auto 0.45 url("data:image/jpeg` || list[20] != `28 28 -560px 0px 896px auto 1 url("data:image/jpeg` {
		t.Errorf("neighbours' tiles as drawn: %q", list)
	}
	if got := evalJS[string](t, ctx, `Array.from(document.querySelectorAll("figure.neighbours tbody tr:first-child .sr-only")).map(e => e.textContent).join("; ")`); got != "test image 101, circle; 1 of 2 of its class; 2 of 2 of its class; 2 of 2 of its class" {
		t.Errorf("the first row as a screen reader reads it: %q", got)
	}

	// Math: native MathML with real layout — a fraction's numerator sits above
	// its denominator.
	if n := evalJS[int](t, ctx, `document.querySelectorAll("math").length`); n < 8 {
		t.Errorf("%d math elements", n)
	}
	frac := evalJS[bool](t, ctx, `(() => { const f = document.querySelector("math[display=block] mfrac");
		const [a, b] = [f.children[0].getBoundingClientRect(), f.children[1].getBoundingClientRect()];
		return a.height > 0 && b.height > 0 && a.bottom <= b.top + 1; })()`)
	if !frac {
		t.Error("MathML fraction not laid out (numerator not above denominator)")
	}

	// Results at a glance: a click on a column's head sorts the rows by it,
	// highest first; a second click the other way.
	// A row without the figure ("—") sorts last either way, by design: the
	// order is checked over the rows that have it.
	knn := `Array.from(document.querySelectorAll("table.leaderboard tbody tr")).filter(r => r.children[1].dataset.v !== "").map(r => parseFloat(r.children[1].dataset.v))`
	for i, want := range []string{"descending", "ascending"} {
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("table.leaderboard thead th:nth-child(2)"))); err != nil {
			t.Fatal(err)
		}
		v := evalJS[[]float64](t, ctx, knn)
		ordered := len(v) >= 3
		for j := 1; j < len(v); j++ {
			ordered = ordered && (i == 0 && v[j-1] >= v[j] || i == 1 && v[j-1] <= v[j])
		}
		if sort := evalJS[string](t, ctx, `document.querySelector("table.leaderboard thead th:nth-child(2)").getAttribute("aria-sort")`); !ordered || sort != want {
			t.Errorf("click %d on kNN: rows %v, aria-sort %q, want %s", i+1, v, sort, want)
		}
	}

	// The comparisons' kNN curves: a line per run; unticking a run hides
	// its line, and the pointer over the chart lists the shown runs' values.
	if n := evalJS[int](t, ctx, `document.querySelectorAll("figure.curves[data-series] svg polyline").length`); n < 2 {
		t.Fatalf("%d curves drawn, want the two runs'", n)
	}
	tip := evalJS[string](t, ctx, `(() => { const f = document.querySelector("figure.curves[data-series]"); f.scrollIntoView();
		f.querySelector("input").click();
		const svg = f.querySelector("svg"), r = svg.getBoundingClientRect();
		svg.dispatchEvent(new MouseEvent("mousemove", {clientX: r.right - 20, clientY: r.top + 40}));
		return getComputedStyle(f.querySelector("svg g")).display + "|" + f.querySelector(".curves-tip").textContent; })()`)
	if !strings.HasPrefix(tip, "none|epoch 2") || strings.Count(tip, "%") != 1 || !strings.Contains(tip, "29.0% ± 1.0") {
		t.Errorf("after unticking the first run and pointing at epoch 2: %q, want its line hidden and one value, the seeds' mean ± sd", tip)
	}
	if bands := evalJS[[]int](t, ctx, `Array.from(document.querySelectorAll("figure.curves[data-series]")).map(f => f.querySelectorAll("svg polygon.band").length)`); len(bands) == 0 || slices.ContainsFunc(bands, func(n int) bool { return n != 1 }) {
		t.Errorf("bands per chart %v, want one in each: the run of two seeds'", bands)
	}
	// Table 1 and its label-efficiency chart: a line per method and per
	// baseline (the baselines' dashed) on a log axis of the labels'
	// percentage, the pointer naming the fraction and the values there.
	if n := evalJS[int](t, ctx, `document.querySelectorAll("table.table1 tbody tr").length`); n < 2 {
		t.Errorf("Table 1 has %d rows, want SimCLR's and its baselines'", n)
	}
	labels := evalJS[string](t, ctx, `(() => { const f = document.querySelector("figure.curves[data-labels]"); if (!f) return "no chart";
		f.scrollIntoView();
		const svg = f.querySelector("svg"); if (!svg) return "not drawn";
		const ticks = Array.from(svg.querySelectorAll("text.tick")).map(t => t.textContent);
		const r = svg.getBoundingClientRect();
		svg.dispatchEvent(new MouseEvent("mousemove", {clientX: r.left + r.width * 0.55, clientY: r.top + 40}));
		return [svg.querySelectorAll("polyline").length, svg.querySelectorAll("polyline[stroke-dasharray]").length,
			ticks.includes("1%") && ticks.includes("10%") && ticks.includes("100%"), f.querySelector(".curves-tip").textContent].join("|"); })()`)
	if !strings.HasPrefix(labels, "2|1|true|10%") || !strings.Contains(labels, "(fine-tuned): 45.5%") {
		t.Errorf("the label-efficiency chart: %q, want SimCLR's line and the dashed baseline's, ticks 1%%, 10%%, 100%%, the pointer at 10%% naming SimCLR's 45.5%%", labels)
	}
	// The t-SNE grid: a canvas per method with its points painted, and one
	// legend of the classes.
	painted := evalJS[int](t, ctx, `(() => { const c = document.querySelector("figure.tsne canvas"); if (!c) return -1;
		const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data; let n = 0;
		for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i+1] < 200 || d[i+2] < 200) n++;
		return n; })()`)
	if painted < 200 || evalJS[int](t, ctx, `document.querySelectorAll("figure.tsne .tsne-legend .dot").length`) < 2 {
		t.Errorf("t-SNE grid: %d painted pixels on the first canvas, or no legend of classes", painted)
	}
	// A run's own curves (loss, kNN) are drawn from its metrics.csv the same
	// way, its baselines as dashed references named in the legend.
	if n := evalJS[int](t, ctx, `document.querySelectorAll("figure.run-chart svg polyline").length`); n < 2 {
		t.Errorf("%d run charts drawn, want SimCLR's loss and kNN at least", n)
	}
	runTip := evalJS[string](t, ctx, `(() => { const f = Array.from(document.querySelectorAll("figure.run-chart")).find(f => f.querySelector("line.ref"));
		if (!f) return "no kNN chart with references";
		f.scrollIntoView();
		const svg = f.querySelector("svg"), r = svg.getBoundingClientRect();
		svg.dispatchEvent(new MouseEvent("mousemove", {clientX: r.left + 60, clientY: r.top + 40}));
		return f.querySelector(".curves-legend").textContent + "|" + f.querySelector(".curves-tip").textContent; })()`)
	if !strings.Contains(runTip, "random init 12.1%") || !strings.Contains(runTip, "|epoch 1") {
		t.Errorf("a run's kNN chart: legend|pointer %q, want the random-init reference and epoch 1's value", runTip)
	}

	// One control opens every code block, and folds them again; headings
	// carry permalinks.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#expand-code"))); err != nil {
		t.Fatal(err)
	}
	if !evalJS[bool](t, ctx, `Array.from(document.querySelectorAll("details.code")).every(d => d.open)`) {
		t.Error("expand all code left a block folded")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#expand-code"))); err != nil {
		t.Fatal(err)
	}
	if evalJS[bool](t, ctx, `Array.from(document.querySelectorAll("details.code")).some(d => d.open)`) {
		t.Error("fold all code left a block open")
	}
	if n := evalJS[int](t, ctx, `document.querySelectorAll("h2 a.permalink, h3 a.permalink").length`); n < 8 {
		t.Errorf("%d heading permalinks", n)
	}

	// Dark mode: follows prefers-color-scheme, then the toggle wins.
	bg := `getComputedStyle(document.body).backgroundColor`
	scheme := func(v string) {
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: v}}}); err != nil {
			t.Fatal(err)
		}
	}
	scheme("dark")
	if got := evalJS[string](t, ctx, bg); got != "rgb(13, 17, 23)" {
		t.Errorf("system dark: background %s", got)
	}
	scheme("light")
	if got := evalJS[string](t, ctx, bg); got != "rgb(255, 255, 255)" {
		t.Errorf("system light: background %s", got)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#theme-toggle"))); err != nil {
		t.Fatal(err)
	}
	if got, theme := evalJS[string](t, ctx, bg), evalJS[string](t, ctx, `document.documentElement.dataset.theme`); got != "rgb(13, 17, 23)" || theme != "dark" {
		t.Errorf("after the toggle: background %s, data-theme %q", got, theme)
	}
	shot(t, ctx, "report-dark.png", `document.getElementById("simclr").scrollIntoView()`)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#theme-toggle"))); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "report.png", `window.scrollTo(0, 0)`)
	shot(t, ctx, "report-results.png", `document.getElementById("simclr-results").scrollIntoView()`)
	shot(t, ctx, "report-comparison.png", `document.getElementById("every-method").scrollIntoView()`)
	shot(t, ctx, "report-tsne.png", `document.getElementById("what-the-representations-look-like").scrollIntoView()`)

	// Live reload: saving the experiment's source updates the open page and
	// keeps the reader where they were.
	evalJS[bool](t, ctx, `(document.getElementById("simclr").scrollIntoView(), true)`)
	before := evalJS[float64](t, ctx, `window.scrollY`)
	edit(t, filepath.Join(root, "experiments/simclr/main.go"), func(s string) string {
		return strings.Replace(s, "is the talk's \"successful", "is — live reload marker — the talk's \"successful", 1)
	})
	took := poll(t, ctx, "live reload", `document.body.innerText.includes("live reload marker")`, 5*time.Second)
	t.Logf("saved main.go → page updated in %v", took)
	if took > 2*time.Second {
		t.Errorf("live reload took %v, want < 2 s (the acceptance asks for < 1 s by hand)", took)
	}
	poll(t, ctx, "scroll restored", fmt.Sprintf(`Math.abs(window.scrollY - %f) < 60`, before), 2*time.Second)

	// A different run.json on disk: the page follows — the citation in the
	// prose and the leaderboard print the new figure, the old one is gone.
	rewrite := filepath.Join(out, "simclr", "run.json")
	planted, err := results.ReadRun(rewrite)
	if err != nil {
		t.Fatal(err)
	}
	planted.Metrics.KNNTop1 = 0.333
	if err := results.WriteJSON(rewrite, planted); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "the page following a new run.json", `document.body.innerText.includes("Cited in the browser: kNN 33.3\u00a0±\u00a02.9%.") &&
		Array.from(document.querySelectorAll("table.leaderboard td")).some(td => td.textContent.startsWith("33.3%")) &&
		!document.body.innerText.includes("kNN 28.4")`, 5*time.Second)

	// A broken template: the overlay shows the error over the last good
	// page, and clears when the template is fixed.
	restore := edit(t, filepath.Join(root, "templates/page.html"), func(s string) string { return s + "{{.NoSuchField" })
	poll(t, ctx, "error overlay", `(() => { const o = document.getElementById("mega-overlay"); return !!o && o.innerText.includes("page.html"); })()`, 5*time.Second)
	if !evalJS[bool](t, ctx, `document.body.innerText.includes("live reload marker")`) {
		t.Error("the last good page is gone under the overlay")
	}
	shot(t, ctx, "report-overlay.png", "")
	restore()
	poll(t, ctx, "overlay cleared", `!document.getElementById("mega-overlay") && window.megaLiveReload && window.megaLiveReload.ok`, 5*time.Second)
	if errs := console.take(); len(errs) > 0 {
		t.Errorf("console errors on the served page:\n%s", strings.Join(errs, "\n"))
	}

	// From file://, with no server and no network.
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+filepath.Join(out, "index.html")), chromedp.WaitVisible(chromedp.CSS("#toc"))); err != nil {
		t.Fatal(err)
	}
	loaded := evalJS[bool](t, ctx, `Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)`)
	if !loaded || evalJS[int](t, ctx, `document.querySelectorAll("math").length`) < 8 {
		t.Errorf("file:// page: images loaded %v", loaded)
	}
	time.Sleep(300 * time.Millisecond)
	if errs := console.take(); len(errs) > 0 {
		t.Errorf("console errors from file://:\n%s", strings.Join(errs, "\n"))
	}
}

// shot runs js (to scroll) and saves a screenshot of the viewport.
func shot(t *testing.T, ctx context.Context, name, js string) {
	t.Helper()
	dir := os.Getenv("MEGA_BROWSER_SHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	saveShot(t, ctx, dir, name, js, 1000, 800)
}

// saveShot runs js (to scroll; none if empty), checks that the viewport is
// at least w×h and writes its screenshot to dir/name.
func saveShot(t *testing.T, ctx context.Context, dir, name, js string, w, h int) {
	t.Helper()
	if js != "" {
		evalJS[bool](t, ctx, "("+js+", true)")
	}
	time.Sleep(300 * time.Millisecond)
	b, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil || cfg.Width < w || cfg.Height < h {
		t.Fatalf("screenshot %s: %v, %d×%d", name, err, cfg.Width, cfg.Height)
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}
