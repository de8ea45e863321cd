package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestDocsScreenshots makes the README's and docs/usage.md's screenshots
// from the real page, out/index.html as built from the runs on disk (not
// the browser test's fixture): the first screen at 1280×800 in light mode
// (the leaderboard), SimCLR's results on Fashion-MNIST in light and in dark
// mode, and the top on a 390-pixel phone. It runs only when asked:
//
//	go run run.go report
//	MEGA_SCREENSHOTS=$PWD/docs go test -count=1 -run DocsScreenshots ./gomlxssl/cli
//
// MEGA_REPORT names another page.
func TestDocsScreenshots(t *testing.T) {
	dir := os.Getenv("MEGA_SCREENSHOTS")
	if dir == "" {
		t.Skip("MEGA_SCREENSHOTS=DIR makes the docs' screenshots of out/index.html")
	}
	page := os.Getenv("MEGA_REPORT")
	if page == "" {
		page = filepath.Join(repoRoot, "out", "index.html")
	}
	page, err := filepath.Abs(page)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(page); err != nil {
		t.Fatalf("no report to photograph: %v (go run run.go report)", err)
	}
	ctx := browser(t)
	console := watchConsole(ctx)
	scheme := func(v string) {
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: v}}}); err != nil {
			t.Fatal(err)
		}
	}
	scheme("light")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800), chromedp.Navigate("file://"+page), chromedp.WaitVisible(chromedp.CSS("#toc"))); err != nil {
		t.Fatal(err)
	}
	results := `(document.getElementById("simclr-fashion-mnist-results") || document.getElementById("simclr-results") || document.getElementById("simclr")).scrollIntoView()`
	// The leaderboard must be on the first screen: the acceptance of the
	// results-first report.
	if !evalJS[bool](t, ctx, `(() => { const t = document.querySelector("table.leaderboard"); return !!t && t.getBoundingClientRect().top < 800; })()`) {
		t.Error("no leaderboard on the first screen (1280×800)")
	}
	saveShot(t, ctx, dir, "report.png", `window.scrollTo(0, 0)`, 1000, 700)
	saveShot(t, ctx, dir, "report-results.png", results, 1000, 700)
	scheme("dark")
	saveShot(t, ctx, dir, "report-dark.png", results, 1000, 700)
	scheme("light")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait),
		chromedp.Navigate("file://"+page), chromedp.WaitVisible(chromedp.CSS("#toc"))); err != nil { // the contents fold on load
		t.Fatal(err)
	}
	saveShot(t, ctx, dir, "report-phone.png", `window.scrollTo(0, 0)`, 390, 744)
	if errs := console.take(); len(errs) > 0 {
		t.Errorf("console errors on the real page:\n%v", errs)
	}
}
