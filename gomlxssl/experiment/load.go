package experiment

import (
	"fmt"

	"github.com/mega-ssl/mega/gomlxssl/data"
)

// LoadData returns the dataset the options name.
func (o *Options) LoadData() (data.Split, error) {
	var s data.Split
	switch o.Dataset {
	case "shapes":
		s = data.Shapes(data.ShapesOptions{Train: o.Train, Test: o.Test, Size: o.ImageSize, Seed: o.Seed})
	case "histo":
		s = data.Histo(data.HistoOptions{Train: o.Train, Test: o.Test, Size: o.ImageSize, Seed: o.Seed})
	case "cifar10":
		var err error
		if s, err = data.LoadCIFAR10(o.DataDir, o.Download); err != nil {
			return s, err
		}
	case "folder":
		var err error
		if s, err = data.LoadImageFolder(o.DataDir, o.ImageSize, 0.2, o.Seed); err != nil {
			return s, err
		}
	default:
		return s, fmt.Errorf("unknown dataset %q: want shapes, histo, cifar10 or folder", o.Dataset)
	}
	if o.Dataset != "shapes" && o.Dataset != "histo" {
		s.Train, s.Test = s.Train.Head(o.Train), s.Test.Head(o.Test)
	}
	for _, d := range []*data.Dataset{s.Train, s.Test} {
		if err := d.Validate(); err != nil {
			return s, err
		}
	}
	if s.Train.Len() < o.Batch {
		return s, fmt.Errorf("dataset %s has %d training images, fewer than one batch of %d (-batch)", s.Train.Name, s.Train.Len(), o.Batch)
	}
	return s, nil
}
