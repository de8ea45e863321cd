// Package data holds the image datasets the experiments train on: the embedded
// shapes dataset generated in-process, CIFAR-10 in its binary format, and image
// folders; and writers that export any of them to those two formats.
package data

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

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

// Sample returns n images drawn without replacement so that every class keeps
// its share (each class gets its proportional count, the remainders going to
// the largest fractions), in a seeded random order — never "the first n",
// which in a folder listed class by class would be a few classes. n <= 0 or
// n >= Len takes every image, still shuffled, so that a split's first images
// (a figure's examples, t-SNE's sample) are a mix of classes.
func (d *Dataset) Sample(n int, seed uint64) *Dataset {
	return d.Subset(d.SampleIndices(n, seed))
}

// SampleIndices is the images [Dataset.Sample] takes, in its order.
func (d *Dataset) SampleIndices(n int, seed uint64) []int {
	if n <= 0 || n > d.Len() {
		n = d.Len()
	}
	rng := rand.New(rand.NewPCG(seed, 0x5a3b1e))
	byClass := make([][]int, len(d.Classes))
	for i, l := range d.Labels {
		byClass[l] = append(byClass[l], i)
	}
	take := make([]int, len(byClass))
	type rest struct {
		class int
		frac  float64
	}
	var rests []rest
	given := 0
	for c, idx := range byClass {
		exact := float64(n) * float64(len(idx)) / float64(d.Len())
		take[c] = int(exact)
		given += take[c]
		rests = append(rests, rest{c, exact - float64(take[c])})
	}
	slices.SortStableFunc(rests, func(a, b rest) int {
		switch {
		case a.frac > b.frac:
			return -1
		case a.frac < b.frac:
			return 1
		}
		return 0
	})
	for i := 0; given < n; i++ {
		if c := rests[i%len(rests)].class; take[c] < len(byClass[c]) {
			take[c]++
			given++
		}
	}
	var picked []int
	for c, idx := range byClass {
		rng.Shuffle(len(idx), func(a, b int) { idx[a], idx[b] = idx[b], idx[a] })
		picked = append(picked, idx[:take[c]]...)
	}
	rng.Shuffle(len(picked), func(a, b int) { picked[a], picked[b] = picked[b], picked[a] })
	return picked
}

// ClassCounts is the number of images of each class.
func (d *Dataset) ClassCounts() []int {
	counts := make([]int, len(d.Classes))
	for _, l := range d.Labels {
		counts[l]++
	}
	return counts
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
