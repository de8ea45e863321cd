package data

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
)

// ImagesUnder reads every PNG or JPEG image under dir, recursively, in path
// order, each resized to size × size (Catmull-Rom) with channels 3 (RGB) or
// 1 (gray, ITU-R BT.601 luma): the images a trained encoder is asked to
// embed, shaped as the images it trained on. It returns them as one
// unlabelled dataset with each image's path relative to dir. Hidden files
// and folders are skipped; another file is skipped and counted (skipped), an
// image that does not decode is an error naming it. progress, if not nil, is
// called after each image with the count so far and the total.
func ImagesUnder(dir string, size, channels int, progress func(done, total int)) (d *Dataset, paths []string, skipped int, err error) {
	if channels != 1 && channels != 3 {
		return nil, nil, 0, fmt.Errorf("images under %s: %d channels (want 1 or 3)", dir, channels)
	}
	err = filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(e.Name(), ".") && p != dir {
			if e.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if e.IsDir() {
			return nil
		}
		if !slices.Contains(imageExts, strings.ToLower(filepath.Ext(p))) {
			skipped++
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		paths = append(paths, rel)
		return nil
	})
	if err != nil {
		return nil, nil, 0, fmt.Errorf("images under %s: %w", dir, err)
	}
	if len(paths) == 0 {
		return nil, nil, skipped, fmt.Errorf("images under %s: no PNG or JPEG image (want %s)", dir, strings.Join(imageExts, ", "))
	}
	d = &Dataset{Name: "folder:" + filepath.Base(filepath.Clean(dir)), Height: size, Width: size, Channels: channels,
		Classes: []string{"unlabeled"}, Labels: make([]int32, len(paths))}
	d.Pixels = make([]uint8, 0, len(paths)*d.ImageSize())
	for i, rel := range paths {
		rgb, err := decodeResized(filepath.Join(dir, rel), size)
		if err != nil {
			return nil, nil, skipped, err
		}
		if channels == 3 {
			d.Pixels = append(d.Pixels, rgb...)
		} else {
			for j := 0; j < len(rgb); j += 3 {
				y := 0.299*float64(rgb[j]) + 0.587*float64(rgb[j+1]) + 0.114*float64(rgb[j+2])
				d.Pixels = append(d.Pixels, uint8(min(y+0.5, 255)))
			}
		}
		if progress != nil {
			progress(i+1, len(paths))
		}
	}
	return d, paths, skipped, nil
}
