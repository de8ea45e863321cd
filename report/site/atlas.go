package site

// Thumbnails shared across the page: every run's nearest neighbours come with
// their own image of thumbnails, but on one dataset most of them are the same
// images — the test images every run shows, and the raw pixels' and the
// random-init encoder's neighbours, which every run repeats. The page keeps
// one atlas per dataset with each image once, so that its weight grows with
// the runs' own neighbours only.

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"strings"
)

// atlasColumns is how many thumbnails an atlas has in a row.
const atlasColumns = 32

// atlas is one dataset's thumbnails, each image once.
type atlas struct {
	// Class is the CSS class that gives an element the atlas's image.
	Class string
	w, h  int
	tiles []image.Image
	// index is each image's tile, by split and index ("train/123").
	index map[string]int
	gray  bool
}

// atlases are the page's atlases by dataset.
type atlases struct {
	byKey map[string]*atlas
	list  []*atlas
}

// get is the atlas of the dataset key, of w×h thumbnails, made if new.
func (as *atlases) get(key string, w, h int) *atlas {
	if as.byKey == nil {
		as.byKey = map[string]*atlas{}
	}
	key = fmt.Sprintf("%s %dx%d", key, w, h)
	a, ok := as.byKey[key]
	if !ok {
		a = &atlas{Class: fmt.Sprintf("nb-atlas-%d", len(as.list)), w: w, h: h, index: map[string]int{}, gray: true}
		as.byKey[key] = a
		as.list = append(as.list, a)
	}
	return a
}

// add places image name (split/index) of the dataset, cut from sheet at
// rectangle r, in the atlas, and returns its tile. An image already there
// is not placed again — unless it looks different: two datasets that share
// a name and sizes (two folders) must not share thumbnails.
func (a *atlas) add(name string, sheet image.Image, r image.Rectangle) (int, bool) {
	tile := sheet.(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(r)
	if t, ok := a.index[name]; ok {
		return t, alike(a.tiles[t], tile)
	}
	a.index[name] = len(a.tiles)
	a.tiles = append(a.tiles, tile)
	if _, ok := sheet.(*image.Gray); !ok {
		a.gray = false
	}
	return len(a.tiles) - 1, true
}

// alike says whether two thumbnails show the same image, up to the JPEG
// compression each went through: their luminance differs by less than 16
// on average over every other pixel of every other row (enough to tell two
// images apart, a quarter of the work: the page is built on every save).
func alike(a, b image.Image) bool {
	ra, rb := a.Bounds(), b.Bounds()
	if ra.Dx() != rb.Dx() || ra.Dy() != rb.Dy() {
		return false
	}
	la, lb := luma(a), luma(b)
	var diff, n int
	for y := 0; y < ra.Dy(); y += 2 {
		for x := 0; x < ra.Dx(); x += 2 {
			ga, gb := la(ra.Min.X+x, ra.Min.Y+y), lb(rb.Min.X+x, rb.Min.Y+y)
			diff += max(int(ga)-int(gb), int(gb)-int(ga))
			n++
		}
	}
	return diff < 16*n
}

// luma reads an image's luminance at (x, y): straight from the plane of a
// decoded JPEG (gray or YCbCr), through its colour model otherwise.
func luma(img image.Image) func(x, y int) uint8 {
	switch m := img.(type) {
	case *image.Gray:
		return func(x, y int) uint8 { return m.Pix[m.PixOffset(x, y)] }
	case *image.YCbCr:
		return func(x, y int) uint8 { return m.Y[m.YOffset(x, y)] }
	}
	return func(x, y int) uint8 { return color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y }
}

// css is the page's style for every atlas: its image (a JPEG data URI), its
// tiles' size and how many to a row.
func (as *atlases) css() (string, error) {
	var b strings.Builder
	for _, a := range as.list {
		rows := (len(a.tiles) + atlasColumns - 1) / atlasColumns
		bounds := image.Rect(0, 0, atlasColumns*a.w, rows*a.h) // full rows: the page scales it by --cols
		var img draw.Image = image.NewRGBA(bounds)
		if a.gray {
			img = image.NewGray(bounds)
		}
		for t, tile := range a.tiles {
			x, y := t%atlasColumns, t/atlasColumns
			draw.Draw(img, image.Rect(x*a.w, y*a.h, (x+1)*a.w, (y+1)*a.h), tile, tile.Bounds().Min, draw.Src)
		}
		var jpg bytes.Buffer
		// Quality 60: about 180 bytes a thumbnail, half what 85 takes, and
		// as legible at the size the page draws them (the page's weight
		// budget is mostly thumbnails).
		if err := jpeg.Encode(&jpg, img, &jpeg.Options{Quality: 60}); err != nil {
			return "", err
		}
		fmt.Fprintf(&b, ".%s{--sheet:url(data:image/jpeg;base64,%s);--cols:%d;--tile-w:%d;--tile-h:%d}\n",
			a.Class, base64.StdEncoding.EncodeToString(jpg.Bytes()), atlasColumns, a.w, a.h)
	}
	return b.String(), nil
}
