package data

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"

	"github.com/mega-ssl/mega/gomlxssl/atomicfile"
)

// ExportCIFAR10 writes a split in CIFAR-10's binary layout into dir: the
// training images spread over data_batch_1..5.bin, the test images in
// test_batch.bin, the class names in batches.meta.txt — so that other tools
// can train on the very same data. Images must be 32x32 RGB with < 256 classes.
func ExportCIFAR10(dir string, s Split) error {
	for _, d := range []*Dataset{s.Train, s.Test} {
		if d.Height != 32 || d.Width != 32 || d.Channels != 3 {
			return fmt.Errorf("export CIFAR-10: %s images are %dx%dx%d, want 32x32x3", d.Name, d.Height, d.Width, d.Channels)
		}
		if len(d.Classes) > 256 {
			return fmt.Errorf("export CIFAR-10: %d classes do not fit a label byte", len(d.Classes))
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	n := s.Train.Len()
	per := (n + len(CIFAR10TrainFiles) - 1) / len(CIFAR10TrainFiles)
	for i, f := range CIFAR10TrainFiles {
		if err := atomicfile.Write(filepath.Join(dir, f), cifarRecords(s.Train, min(i*per, n), min((i+1)*per, n))); err != nil {
			return err
		}
	}
	if err := atomicfile.Write(filepath.Join(dir, CIFAR10TestFile), cifarRecords(s.Test, 0, s.Test.Len())); err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(dir, "batches.meta.txt"), []byte(strings.Join(s.Train.Classes, "\n")+"\n"))
}

func cifarRecords(d *Dataset, start, end int) []byte {
	out := make([]byte, 0, (end-start)*cifarRecord)
	for i := start; i < end; i++ {
		out = append(out, byte(d.Labels[i]))
		img := d.Image(i)
		for c := range 3 {
			for p := range 1024 {
				out = append(out, img[p*3+c])
			}
		}
	}
	return out
}

// ExportImageFolder writes a split as PNG files under dir/train/<class>/ and
// dir/test/<class>/, the layout LoadImageFolder reads.
func ExportImageFolder(dir string, s Split) error {
	for split, d := range map[string]*Dataset{"train": s.Train, "test": s.Test} {
		for _, c := range d.Classes {
			if err := os.MkdirAll(filepath.Join(dir, split, c), 0o755); err != nil {
				return err
			}
		}
		for i := range d.Len() {
			img := image.NewRGBA(image.Rect(0, 0, d.Width, d.Height))
			px := d.Image(i)
			for p := range d.Width * d.Height {
				for c := range 3 {
					img.Pix[p*4+c] = px[p*d.Channels+min(c, d.Channels-1)]
				}
				img.Pix[p*4+3] = 255
			}
			var buf bytes.Buffer
			if err := png.Encode(&buf, img); err != nil {
				return err
			}
			name := filepath.Join(dir, split, d.Classes[d.Labels[i]], fmt.Sprintf("%05d.png", i))
			if err := atomicfile.Write(name, buf.Bytes()); err != nil {
				return err
			}
		}
	}
	return nil
}
