// Package experiment is the runner every literate experiment shares: the common
// flags and presets, backend and dataset selection, the random-init and
// supervised baselines (cached under out/baselines), training with per-epoch
// kNN and collapse monitoring, the final linear probe, and the results
// contract under out/<experiment>/. An experiment's main.go gives it only what
// is specific to its method: a loss and an embedding function.
package experiment

import (
	"fmt"
	"slices"

	"github.com/mega-ssl/mega/gomlxssl/data"
)

// Preset is a named budget. Flags given explicitly override its values.
type Preset struct {
	Name        string
	Description string
	Dataset     string
	Encoder     string
	Train, Test int // 0: the whole split (real datasets)
	Epochs      int
	Batch       int
	LR          float64
	Warmup      int
	// SupervisedEpochs is the budget of the supervised (ceiling) baseline.
	SupervisedEpochs int
	// KNNTrain caps the training rows the per-epoch kNN monitor searches.
	KNNTrain int
	// KNNK is the kNN monitor's k: 200 (the talk's protocol) for thousands of
	// images per class, fewer for tiny training sets, where 200 neighbours
	// would span most of a class and the vote would follow the class prior.
	KNNK int
	// FineTuneSteps is the fine-tuning protocol's budget on each labelled
	// fraction (protocols.go), the same for every method and for the
	// networks trained from scratch; ScratchEpochs the epochs those
	// networks train for on all of the labels.
	FineTuneSteps, ScratchEpochs int
}

// Presets are the budgets every experiment offers.
func Presets() []Preset {
	shapes, _ := data.SourceNamed(data.ShapesName)
	return []Preset{
		{Name: "quick", Description: "≤ 60 s on 2 cores: for tests and CI", Dataset: data.ShapesName, Encoder: "convnet-16-32-64-128",
			Train: 2048, Test: 500, Epochs: 4, Batch: 64, LR: 5e-3, Warmup: 1, SupervisedEpochs: 2, KNNTrain: 2048, KNNK: 20,
			FineTuneSteps: 20, ScratchEpochs: 1},
		{Name: "default", Description: "≤ 10 minutes on 2 cores, the figures in the README", Dataset: data.ShapesName, Encoder: "convnet-16-32-64-128",
			Train: shapes.Train, Test: shapes.Test, Epochs: 25, Batch: 128, LR: 5e-3, Warmup: 1, SupervisedEpochs: 10, KNNTrain: 6000, KNNK: 200,
			FineTuneSteps: 500, ScratchEpochs: 30},
		{Name: "fashion", Description: "the whole Fashion-MNIST (60,000 / 10,000, 28×28 gray), ≤ 30 min on 2 cores", Dataset: data.FashionMNISTName, Encoder: "convnet-16-32-64-128",
			Train: 0, Test: 0, Epochs: 10, Batch: 128, LR: 5e-3, Warmup: 1, SupervisedEpochs: 5, KNNTrain: 10000, KNNK: 200,
			FineTuneSteps: 1000, ScratchEpochs: 10},
		{Name: "full", Description: "the CIFAR-10 protocol with ResNet-18 (CIFAR stem), for a GPU (-backend xla:cuda)", Dataset: data.CIFAR10Name, Encoder: "resnet18",
			Epochs: 200, Batch: 512, LR: 1e-3, Warmup: 10, SupervisedEpochs: 100, KNNTrain: 10000, KNNK: 200,
			FineTuneSteps: 3000, ScratchEpochs: 100},
	}
}

// PresetByName finds a preset.
func PresetByName(name string) (Preset, error) {
	presets := Presets()
	i := slices.IndexFunc(presets, func(p Preset) bool { return p.Name == name })
	if i < 0 {
		names := make([]string, len(presets))
		for j, p := range presets {
			names[j] = p.Name
		}
		return Preset{}, fmt.Errorf("unknown preset %q: want one of %v", name, names)
	}
	return presets[i], nil
}
