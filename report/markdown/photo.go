package markdown

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"sync"
)

// pngImage is an SVG's <image> element that embeds a PNG: where it starts
// and where its href's closing quote ends it, its attributes before the
// href, and the PNG's base64. In this project's figures, always a grid of
// images (augmented views, samples, reconstructions).
type pngImage struct {
	start, end  int
	attrs, data string
}

// pngImages finds the <image …xlink:href="data:image/png;base64,…"> elements
// of svg. A scan written here, not a regular expression: Go's regexp stepped
// through every byte of megabytes of base64, half a second of each rebuild.
func pngImages(svg string) []pngImage {
	const open, href = "<image ", `xlink:href="data:image/png;base64,`
	var out []pngImage
	for from := 0; ; {
		i := strings.Index(svg[from:], href)
		if i < 0 {
			return out
		}
		i += from
		data := i + len(href)
		end := data + Base64Run(svg[data:])
		from = end
		if end == data || end >= len(svg) || svg[end] != '"' {
			continue
		}
		start := strings.LastIndex(svg[:i], open)
		if start < 0 || strings.IndexByte(svg[start:i], '>') >= 0 {
			continue // an href outside an <image> element's start tag
		}
		out = append(out, pngImage{start: start, end: end + 1, attrs: svg[start+len(open) : i], data: svg[data:end]})
	}
}

// Base64Run is the length of the run of standard base64 characters
// (A–Z, a–z, 0–9, +, /, =) that s starts with.
func Base64Run(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '=') {
			return i
		}
	}
	return len(s)
}

// pixelated is the style that keeps a scaled image's pixels square.
const pixelated = `style="image-rendering:pixelated"`

// photoCache keeps re-encoded images by their element's hash, so that
// watch mode's rebuilds do not encode them again.
var photoCache sync.Map

// photosAsJPEG makes the opaque PNGs an SVG embeds as light as they can be
// with no visible change at the page's scale:
//   - a grid drawn magnified (each pixel a k×k block: runs made before
//     plots.ImageGrid embedded images at their own size) is stored at its own
//     size and scaled back by the SVG with image-rendering: pixelated (its
//     2-pixel gaps become 1, as today's grids have: a 1% change of aspect
//     that the SVG's letterboxing absorbs);
//   - gray pixels (Fashion-MNIST) are stored as one channel, not three;
//   - then the smaller of PNG and JPEG (quality 90) is kept: grids of noisy
//     shapes and garments are photographs, a quarter of their PNG's size as
//     JPEG.
//
// Drawn charts embed no PNG and keep their vectors; a transparent PNG is
// kept as it is (JPEG has no transparency).
func photosAsJPEG(svg string) string {
	images := pngImages(svg)
	if len(images) == 0 {
		return svg
	}
	var b strings.Builder
	last := 0
	for _, im := range images {
		elem := svg[im.start:im.end]
		b.WriteString(svg[last:im.start])
		key := sha256.Sum256([]byte(elem))
		out, ok := photoCache.Load(key)
		if !ok {
			out = compactImage(elem, im.attrs, im.data)
			photoCache.Store(key, out)
		}
		b.WriteString(out.(string))
		last = im.end
	}
	b.WriteString(svg[last:])
	return b.String()
}

// compactImage re-encodes the PNG of one <image> element elem, whose
// attributes before its href are attrs and whose PNG is b64 (see
// photosAsJPEG).
func compactImage(elem, attrs, b64 string) string {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return elem
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil || !opaque(img) {
		return elem
	}
	k, cols, rows := magnification(img)
	if k > 1 {
		img = shrink(img, k, cols, rows)
		if !strings.Contains(attrs, "image-rendering") {
			attrs = pixelated + " " + attrs
		}
	}
	if g, ok := asGray(img); ok {
		img = g
	}
	best, mime := raw, "png"
	var p, j bytes.Buffer
	if png.Encode(&p, img) == nil && (k > 1 || p.Len() < len(best)) {
		best = p.Bytes() // a shrunk image must replace the magnified one
	}
	if jpeg.Encode(&j, img, &jpeg.Options{Quality: 80}) == nil && j.Len() < len(best) {
		best, mime = j.Bytes(), "jpeg"
	}
	if mime == "png" && k == 1 && len(best) == len(raw) {
		return elem
	}
	return "<image " + attrs + `xlink:href="data:image/` + mime + ";base64," + base64.StdEncoding.EncodeToString(best) + `"`
}

// opaque reports whether every pixel of img is fully opaque (JPEG has no
// transparency).
func opaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a != 0xffff {
				return false
			}
		}
	}
	return true
}

// magnification finds an image drawn magnified: the runs of identical
// adjacent columns, and of rows, are almost all multiples of one k ≥ 2 (the
// rest: the thin white gaps between a grid's images). It returns k and the
// runs, or 1 for an image of its own size.
func magnification(img image.Image) (k int, cols, rows []int) {
	b := img.Bounds()
	cols = runs(b.Dx(), func(i, j int) bool {
		for y := b.Min.Y; y < b.Max.Y; y++ {
			if img.At(b.Min.X+i, y) != img.At(b.Min.X+j, y) {
				return false
			}
		}
		return true
	})
	rows = runs(b.Dy(), func(i, j int) bool {
		for x := b.Min.X; x < b.Max.X; x++ {
			if img.At(x, b.Min.Y+i) != img.At(x, b.Min.Y+j) {
				return false
			}
		}
		return true
	})
	count := map[int]int{}
	for _, r := range cols {
		count[r]++
	}
	for r, c := range count {
		if c > count[k] || (c == count[k] && r < k) {
			k = r
		}
	}
	multiples := func(rs []int) bool {
		n := 0
		for _, r := range rs {
			if r%k == 0 {
				n++
			}
		}
		return 10*n >= 9*len(rs)
	}
	if k < 2 || !multiples(cols) || !multiples(rows) {
		return 1, nil, nil
	}
	return k, cols, rows
}

// runs is the lengths of the runs of equal neighbours among n lines.
func runs(n int, equal func(i, j int) bool) []int {
	var out []int
	for i := 0; i < n; {
		j := i + 1
		for j < n && equal(i, j) {
			j++
		}
		out = append(out, j-i)
		i = j
	}
	return out
}

// shrink is img drawn at its own size: each run of cols (rows) of a
// k-times magnified image becomes its length / k columns (rows), rounded,
// and at least one (a gap of 2 pixels becomes 1).
func shrink(img image.Image, k int, cols, rows []int) image.Image {
	sample := func(rs []int) []int { // the source line of each output line
		var at []int
		start := 0
		for _, r := range rs {
			for i := range max(1, (r+k/2)/k) {
				at = append(at, start+min(i*k, r-1))
			}
			start += r
		}
		return at
	}
	xs, ys := sample(cols), sample(rows)
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, len(xs), len(ys)))
	for y, sy := range ys {
		for x, sx := range xs {
			out.Set(x, y, img.At(b.Min.X+sx, b.Min.Y+sy))
		}
	}
	return out
}

// asGray is img in one channel when every pixel of it is gray.
func asGray(img image.Image) (*image.Gray, bool) {
	b := img.Bounds()
	g := image.NewGray(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, gg, bb, _ := img.At(x, y).RGBA()
			if r != gg || gg != bb {
				return nil, false
			}
			g.SetGray(x, y, color.Gray{Y: uint8(r >> 8)})
		}
	}
	return g, true
}
