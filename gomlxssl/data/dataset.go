// Package data holds the image datasets the experiments train on: the embedded
// shapes dataset generated in-process, CIFAR-10 in its binary format, and image
// folders; and writers that export any of them to those two formats.
package data

import "fmt"

// Dataset is a labelled set of images, stored as bytes, channels-last.
type Dataset struct {
	// Name identifies the dataset in results, e.g. "shapes" or "cifar10".
	Name string
	// Height, Width and Channels of every image.
	Height, Width, Channels int
	// Classes names the labels: label i is Classes[i].
	Classes []string
	// Pixels holds N images of Height*Width*Channels bytes each, row-major, HWC.
	Pixels []uint8
	// Labels holds the class of each image.
	Labels []int32
}

// Len is the number of images.
func (d *Dataset) Len() int { return len(d.Labels) }

// ImageSize is the number of bytes of one image.
func (d *Dataset) ImageSize() int { return d.Height * d.Width * d.Channels }

// Image returns the bytes of image i (a view, not a copy).
func (d *Dataset) Image(i int) []uint8 {
	n := d.ImageSize()
	return d.Pixels[i*n : (i+1)*n]
}

// Validate checks that the pixel buffer and the labels agree.
func (d *Dataset) Validate() error {
	if d.Height <= 0 || d.Width <= 0 || (d.Channels != 1 && d.Channels != 3) {
		return fmt.Errorf("dataset %s: bad image shape %dx%dx%d", d.Name, d.Height, d.Width, d.Channels)
	}
	if len(d.Pixels) != d.Len()*d.ImageSize() {
		return fmt.Errorf("dataset %s: %d pixel bytes for %d images of %d bytes", d.Name, len(d.Pixels), d.Len(), d.ImageSize())
	}
	for i, l := range d.Labels {
		if l < 0 || int(l) >= len(d.Classes) {
			return fmt.Errorf("dataset %s: image %d has label %d, outside [0, %d)", d.Name, i, l, len(d.Classes))
		}
	}
	return nil
}

// Subset returns the images at the given indices, copied.
func (d *Dataset) Subset(indices []int) *Dataset {
	out := &Dataset{Name: d.Name, Height: d.Height, Width: d.Width, Channels: d.Channels, Classes: d.Classes,
		Pixels: make([]uint8, 0, len(indices)*d.ImageSize()), Labels: make([]int32, 0, len(indices))}
	for _, i := range indices {
		out.Pixels = append(out.Pixels, d.Image(i)...)
		out.Labels = append(out.Labels, d.Labels[i])
	}
	return out
}

// Head returns the first n images (all of them if n <= 0 or n >= Len), as a view.
func (d *Dataset) Head(n int) *Dataset {
	if n <= 0 || n >= d.Len() {
		return d
	}
	out := *d
	out.Pixels = d.Pixels[:n*d.ImageSize()]
	out.Labels = d.Labels[:n]
	return &out
}

// Float32 returns images [start, end) as float32 in [0, 1], HWC, for models.
func (d *Dataset) Float32(start, end int) []float32 {
	n := d.ImageSize()
	out := make([]float32, (end-start)*n)
	for i, p := range d.Pixels[start*n : end*n] {
		out[i] = float32(p) / 255
	}
	return out
}

// Split is a dataset's train and test parts.
type Split struct {
	Train, Test *Dataset
}
