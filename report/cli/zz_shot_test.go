package cli

import (
	"os"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestZZShot(t *testing.T) {
	page := os.Getenv("ZZ_PAGE")
	if page == "" {
		t.Skip()
	}
	ctx := browser(t)
	console := watchConsole(ctx)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 1400), chromedp.Navigate("file://"+page), chromedp.WaitVisible(chromedp.CSS("#toc"))); err != nil {
		t.Fatal(err)
	}
	saveShot(t, ctx, "/tmp", "zz1.png", os.Getenv("ZZ_JS"), 1000, 700)
	if errs := console.take(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}
