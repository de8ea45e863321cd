package site

// The figures of a run's results: each inlined once (a figure whose images
// are already on the page refers to it), and the run's data files linked.

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mega-ssl/mega/gomlxssl/results"
	"github.com/mega-ssl/mega/report/markdown"
)

// link is a file the page links to, relative to the page.
type link struct{ Name, Href string }

// dataFiles are a run's data files that exist, linked from its results.
func (b *builder) dataFiles(dir string) []link {
	var out []link
	for _, f := range []string{"run.json", "metrics.csv", "embeddings.csv", results.SeedsFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			out = append(out, link{Name: f, Href: b.href(filepath.Join(dir, f))})
		}
	}
	return out
}

// href is path relative to the page (OUT/index.html), with slashes.
func (b *builder) href(path string) string {
	rel, err := filepath.Rel(b.cfg.Out, path)
	if err != nil {
		return filepath.ToSlash(path)
	}
	return filepath.ToSlash(rel)
}

// imagesKey is the key of the pixels an SVG figure embeds ("" for a
// figure that embeds none): two runs with the same augmentation policy, data
// and seed draw the same views, whatever their figures' titles say.
func imagesKey(path string) string {
	if !strings.HasSuffix(path, ".svg") {
		return ""
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	// The pixels: every base64 run after "base64," (an image grid's).
	const mark = "base64,"
	h := sha256.New()
	found := false
	for s := string(b); ; {
		i := strings.Index(s, mark)
		if i < 0 {
			break
		}
		n := markdown.Base64Run(s[i+len(mark):])
		h.Write([]byte(s[i : i+len(mark)+n]))
		found, s = found || n > 0, s[i+len(mark)+n:]
	}
	if !found {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}

// sameImages is the figure already on the page that shows the same pixels
// as the file at path.
func (b *builder) sameImages(path string) (*figureView, bool) {
	k := imagesKey(path)
	if k == "" {
		return nil, false
	}
	f, ok := b.images[k]
	return f, ok
}

// seenImages records the figure f drawn from the file at path.
func (b *builder) seenImages(path string, f figureView) {
	if k := imagesKey(path); k != "" {
		b.images[k] = &f
	}
}

// figure inlines an image file of an experiment as a numbered figure.
func (b *builder) figure(dir, file, caption string) (figureView, error) {
	uri, err := markdown.DataURI(dir, file)
	if err != nil {
		return figureView{}, fmt.Errorf("figure %s: %w", filepath.Join(dir, file), err)
	}
	id, n := b.page.Figure()
	chart := strings.HasSuffix(file, ".svg") && imagesKey(filepath.Join(dir, file)) == ""
	return figureView{ID: id, Number: n, Src: markdown.Src(uri), Chart: chart, Caption: caption, Alt: caption}, nil
}
