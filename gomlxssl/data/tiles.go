package data

import (
	"fmt"
	"image"
)

// Tiles draws images of d side by side, columns to a row, in the order of
// indices (tile t at column t % columns, row t / columns): gray for
// one-channel images, RGB otherwise. A report shows many thumbnails from
// one such image.
func Tiles(d *Dataset, indices []int, columns int) (image.Image, error) {
	if len(indices) == 0 || columns <= 0 {
		return nil, fmt.Errorf("data: %d images in rows of %d", len(indices), columns)
	}
	rows := (len(indices) + columns - 1) / columns
	w, h := d.Width, d.Height
	bounds := image.Rect(0, 0, min(columns, len(indices))*w, rows*h)
	var img image.Image
	var gray *image.Gray
	var rgb *image.NRGBA
	if d.Channels == 1 {
		gray = image.NewGray(bounds)
		img = gray
	} else {
		rgb = image.NewNRGBA(bounds)
		img = rgb
	}
	for t, i := range indices {
		if i < 0 || i >= d.Len() {
			return nil, fmt.Errorf("data: image %d of %d", i, d.Len())
		}
		px := d.Image(i)
		x0, y0 := (t%columns)*w, (t/columns)*h
		for y := range h {
			for x := range w {
				p := (y*w + x) * d.Channels
				if d.Channels == 1 {
					gray.Pix[gray.PixOffset(x0+x, y0+y)] = px[p]
					continue
				}
				o := rgb.PixOffset(x0+x, y0+y)
				copy(rgb.Pix[o:o+3], px[p:p+3])
				rgb.Pix[o+3] = 255
			}
		}
	}
	return img, nil
}
