package markdown

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"image"
	"image/jpeg"
	"image/png"
	"regexp"
	"sync"
)

// embeddedPNG matches a PNG an SVG figure embeds: in this project's figures,
// always a grid of images (augmented views, samples, reconstructions).
var embeddedPNG = regexp.MustCompile(`data:image/png;base64,([A-Za-z0-9+/=]+)`)

// jpegCache keeps re-encoded images by their PNG's hash, so that watch
// mode's rebuilds do not encode them again.
var jpegCache sync.Map

// photosAsJPEG re-encodes the opaque PNGs an SVG embeds as JPEG (quality
// 90) where that is smaller: grids of noisy shapes and garments are
// photographs, a quarter of their PNG's size as JPEG with no visible change
// at the page's scale. Drawn charts embed no PNG and keep their vectors.
func photosAsJPEG(svg string) string {
	return embeddedPNG.ReplaceAllStringFunc(svg, func(uri string) string {
		b64 := uri[len("data:image/png;base64,"):]
		key := sha256.Sum256([]byte(b64))
		if v, ok := jpegCache.Load(key); ok {
			return v.(string)
		}
		out := uri
		if raw, err := base64.StdEncoding.DecodeString(b64); err == nil {
			if img, err := png.Decode(bytes.NewReader(raw)); err == nil && opaque(img) {
				var buf bytes.Buffer
				if jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}) == nil && buf.Len() < len(raw) {
					out = "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())
				}
			}
		}
		jpegCache.Store(key, out)
		return out
	})
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
