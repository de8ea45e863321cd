package experiment

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/mega-ssl/mega/gomlxssl/data"
)

// Datasets are the values -dataset accepts. shapes and histo are generated
// (-train and -test say how many images to make); the others are read from
// files and used whole unless -train, -test or a preset cut them.
var Datasets = []string{"shapes", "histo", "fashion-mnist", "mnist", "cifar10", "folder"}

// Generated tells a dataset MEGA generates from one read from files.
func Generated(dataset string) bool { return dataset == "shapes" || dataset == "histo" }

// LoadData returns the dataset the options name. A split read from files is
// cut to -train/-test images by a seeded, stratified sample (every class keeps
// its share; never the first N) and shuffled, and each split's per-class
// counts are printed.
func (o *Options) LoadData() (data.Split, error) {
	var s data.Split
	var err error
	switch o.Dataset {
	case "shapes":
		s = data.Shapes(data.ShapesOptions{Train: o.Train, Test: o.Test, Size: o.ImageSize, Seed: o.DataSeed})
	case "histo":
		s = data.Histo(data.HistoOptions{Train: o.Train, Test: o.Test, Size: o.ImageSize, Seed: o.DataSeed})
	case "fashion-mnist":
		s, err = data.FashionMNIST(o.DataDir).Load()
	case "mnist":
		s, err = data.MNIST(o.DataDir).Load()
	case "cifar10":
		s, err = data.LoadCIFAR10(o.DataDir, o.Download)
	case "folder":
		s, err = data.LoadImageFolder(o.DataDir, o.ImageSize, 0.2, o.DataSeed)
	default:
		return s, fmt.Errorf("unknown dataset %q: want one of %s", o.Dataset, strings.Join(Datasets, ", "))
	}
	if err != nil {
		return s, err
	}
	for _, d := range []*data.Dataset{s.Train, s.Test} {
		if err := d.Validate(); err != nil {
			return s, err
		}
	}
	if !Generated(o.Dataset) {
		s.Train, s.Test = s.Train.Sample(o.Train, o.DataSeed), s.Test.Sample(o.Test, o.DataSeed+1)
		fmt.Fprintf(os.Stderr, "%s: %d training images %v, %d test images %v (per class: %s)\n", s.Train.Name,
			s.Train.Len(), s.Train.ClassCounts(), s.Test.Len(), s.Test.ClassCounts(), strings.Join(s.Train.Classes, ", "))
		if slices.Contains(s.Train.ClassCounts(), 0) {
			return s, fmt.Errorf("dataset %s: a class has no training image (per class: %v): raise -train", s.Train.Name, s.Train.ClassCounts())
		}
	}
	if s.Train.Len() < o.Batch {
		return s, fmt.Errorf("dataset %s has %d training images, fewer than one batch of %d (-batch)", s.Train.Name, s.Train.Len(), o.Batch)
	}
	return s, nil
}
