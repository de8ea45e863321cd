package experiment

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/mega-ssl/mega/gomlxssl/data"
)

// LoadData returns the dataset the options name (data.SourceNamed). A split
// read from files is cut to -train/-test images by a seeded, stratified
// sample (every class keeps its share; never the first N) and shuffled, and
// each split's per-class counts are printed.
func (o *Options) LoadData() (data.Split, error) {
	src, err := data.SourceNamed(o.Dataset)
	if err != nil {
		return data.Split{}, err
	}
	s, err := src.Load(data.LoadConfig{Train: o.Train, Test: o.Test, Size: o.ImageSize, Seed: o.DataSeed, Dir: o.DataDir, Download: o.Download})
	if err != nil {
		return s, err
	}
	for _, d := range []*data.Dataset{s.Train, s.Test} {
		if err := d.Validate(); err != nil {
			return s, err
		}
	}
	if !src.Generated {
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
