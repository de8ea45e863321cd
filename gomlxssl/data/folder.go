package data

import (
	"fmt"
	"image"
	_ "image/jpeg" // registers the JPEG decoder
	_ "image/png"  // registers the PNG decoder
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"

	xdraw "golang.org/x/image/draw"
)

// imageExts are the file types an image folder may hold.
var imageExts = []string{".png", ".jpg", ".jpeg"}

// LoadImageFolder reads a folder of images, one sub-folder per class
// (dir/<class>/*.png|jpg), each resized to size x size RGB with Catmull-Rom
// interpolation. A folder with images and no class sub-folders is one class,
// "unlabeled" (for SSL pre-training without labels). If dir holds train/ and
// test/ sub-folders they are the splits; otherwise a seeded, stratified
// testFraction of each class is held out. Hidden files are skipped; any other
// non-image file, an image that does not decode, or an empty class is an error
// naming the file.
func LoadImageFolder(dir string, size int, testFraction float64, seed uint64) (Split, error) {
	trainDir, testDir := filepath.Join(dir, "train"), filepath.Join(dir, "test")
	if isDir(trainDir) && isDir(testDir) {
		train, err := loadFolder(trainDir, size, nil)
		if err != nil {
			return Split{}, err
		}
		test, err := loadFolder(testDir, size, train.Classes)
		if err != nil {
			return Split{}, err
		}
		return Split{Train: train, Test: test}, nil
	}
	all, err := loadFolder(dir, size, nil)
	if err != nil {
		return Split{}, err
	}
	return splitStratified(all, testFraction, seed), nil
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

func loadFolder(dir string, size int, classes []string) (*Dataset, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("image folder: %w", err)
	}
	var subdirs, files []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if e.IsDir() {
			subdirs = append(subdirs, e.Name())
		} else {
			files = append(files, e.Name())
		}
	}
	name := filepath.Base(filepath.Clean(dir))
	if name == "train" || name == "test" {
		name = filepath.Base(filepath.Dir(filepath.Clean(dir)))
	}
	d := &Dataset{Name: "folder:" + name, Height: size, Width: size, Channels: 3}
	switch {
	case len(subdirs) > 0:
		if len(files) > 0 {
			return nil, fmt.Errorf("image folder %s: file %s beside class folders %v: put every image in its class folder",
				dir, filepath.Join(dir, files[0]), subdirs)
		}
		slices.Sort(subdirs)
		if classes != nil && !slices.Equal(classes, subdirs) {
			return nil, fmt.Errorf("image folder %s: classes %v differ from the training classes %v", dir, subdirs, classes)
		}
		d.Classes = subdirs
		for label, class := range subdirs {
			n, err := loadClass(filepath.Join(dir, class), size, int32(label), d)
			if err != nil {
				return nil, err
			}
			if n == 0 {
				return nil, fmt.Errorf("image folder %s: class %q has no images", dir, class)
			}
		}
	case len(files) > 0:
		d.Classes = []string{"unlabeled"}
		if _, err := loadClass(dir, size, 0, d); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("image folder %s is empty: want one sub-folder of PNG/JPEG images per class", dir)
	}
	return d, nil
}

func loadClass(dir string, size int, label int32, d *Dataset) (int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if e.IsDir() {
			return 0, fmt.Errorf("image folder: %s is a folder inside a class folder; nest classes one level deep", path)
		}
		if !slices.Contains(imageExts, strings.ToLower(filepath.Ext(e.Name()))) {
			return 0, fmt.Errorf("image folder: %s is not an image (want %s)", path, strings.Join(imageExts, ", "))
		}
		px, err := decodeResized(path, size)
		if err != nil {
			return 0, err
		}
		d.Pixels = append(d.Pixels, px...)
		d.Labels = append(d.Labels, label)
		n++
	}
	return n, nil
}

// decodeResized decodes an image file and resamples it to size x size RGB bytes.
func decodeResized(path string, size int) ([]uint8, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("image folder: %s: cannot decode: %w", path, err)
	}
	dst := image.NewRGBA(image.Rect(0, 0, size, size))
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), img, img.Bounds(), xdraw.Src, nil)
	out := make([]uint8, 0, size*size*3)
	for i := 0; i < len(dst.Pix); i += 4 {
		out = append(out, dst.Pix[i], dst.Pix[i+1], dst.Pix[i+2])
	}
	return out, nil
}

// splitStratified holds out a seeded fraction of each class as the test split.
func splitStratified(d *Dataset, testFraction float64, seed uint64) Split {
	if testFraction <= 0 || testFraction >= 1 {
		testFraction = 0.2
	}
	rng := rand.New(rand.NewPCG(seed, 0xf01d))
	byClass := make([][]int, len(d.Classes))
	for i, l := range d.Labels {
		byClass[l] = append(byClass[l], i)
	}
	var train, test []int
	for _, idx := range byClass {
		rng.Shuffle(len(idx), func(a, b int) { idx[a], idx[b] = idx[b], idx[a] })
		k := int(float64(len(idx))*testFraction + 0.5)
		if len(idx) > 1 {
			k = max(k, 1)
		}
		test = append(test, idx[:k]...)
		train = append(train, idx[k:]...)
	}
	return Split{Train: d.Subset(train), Test: d.Subset(test)}
}
