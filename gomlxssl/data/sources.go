package data

import (
	"fmt"
	"strings"
)

// The datasets' names: -dataset's values and the name a Dataset carries
// into results. Each is written here only; everything else reads it.
const (
	ShapesName       = "shapes"
	HistoName        = "histo"
	FashionMNISTName = "fashion-mnist"
	MNISTName        = "mnist"
	CIFAR10Name      = "cifar10"
	FolderName       = "folder"
)

// Source is one dataset -dataset names: what it is, how a run on it is sized
// and augmented, and how it loads. The loader, -dataset's help, the presets,
// the augmentation policy, the runs' names and titles and the report all
// read it (Sources, SourceNamed); docs/adding-a-dataset.md adds one.
type Source struct {
	// Name is -dataset's value ("fashion-mnist"), Title its name in titles
	// and the report ("Fashion-MNIST").
	Name, Title string
	// About says in a few words what it is and where it comes from, for
	// -dataset's help.
	About string
	// Generated data is drawn by MEGA (-train and -test say how many images
	// to make); other data is read from files and used whole unless -train,
	// -test or a preset cut it.
	Generated bool
	// Preset is the preset a run on it uses when -preset is not given ("":
	// the default preset, sized for the generated shapes).
	Preset string
	// Train and Test are the split sizes of a run at the default preset on
	// generated data (the default preset reads the shapes'); 0 for data
	// read from files, used whole.
	Train, Test int
	// NoFlip: a mirrored image is not an image of its class (a mirrored 2
	// is not a 2), so the augmentation never flips it.
	NoFlip bool
	// Load reads or draws the splits.
	Load func(LoadConfig) (Split, error)
}

// LoadConfig is what a Source's loader may use: the sizes of generated
// splits, the image side of generated and folder data, the data seed, the
// directory of files, and whether a missing download may be fetched.
type LoadConfig struct {
	Train, Test, Size int
	Seed              uint64
	Dir               string
	Download          bool
}

// Sources are the datasets -dataset accepts, in the order -h lists them.
func Sources() []Source {
	return []Source{
		{Name: ShapesName, Title: ShapesName, About: "embedded, generated", Generated: true, Train: 6000, Test: 1000,
			Load: func(o LoadConfig) (Split, error) {
				return Shapes(ShapesConfig{Train: o.Train, Test: o.Test, Size: o.Size, Seed: o.Seed}), nil
			}},
		{Name: HistoName, Title: "tissue patches", About: "generated H&E-like tissue patches", Generated: true, Train: 6000, Test: 1000,
			Load: func(o LoadConfig) (Split, error) {
				return Histo(HistoConfig{Train: o.Train, Test: o.Test, Size: o.Size, Seed: o.Seed}), nil
			}},
		{Name: FashionMNISTName, Title: "Fashion-MNIST", About: "IDX files in -data-dir, else Debian's dataset-fashion-mnist", Preset: "fashion",
			Load: func(o LoadConfig) (Split, error) { return FashionMNIST(o.Dir).Load() }},
		{Name: MNISTName, Title: "MNIST", About: "IDX files in -data-dir", Preset: "fashion", NoFlip: true,
			Load: func(o LoadConfig) (Split, error) { return MNIST(o.Dir).Load() }},
		{Name: CIFAR10Name, Title: "CIFAR-10", About: "binary files in -data-dir",
			Load: func(o LoadConfig) (Split, error) { return LoadCIFAR10(o.Dir, o.Download) }},
		{Name: FolderName, Title: FolderName, About: "images in -data-dir/<class>/",
			Load: func(o LoadConfig) (Split, error) { return LoadImageFolder(o.Dir, o.Size, 0.2, o.Seed) }},
	}
}

// SourceNamed is the dataset -dataset names, or an error listing them.
func SourceNamed(name string) (Source, error) {
	var names []string
	for _, s := range Sources() {
		if s.Name == name {
			return s, nil
		}
		names = append(names, s.Name)
	}
	return Source{}, fmt.Errorf("unknown dataset %q: want one of %s", name, strings.Join(names, ", "))
}

// Title is the dataset's name in titles ("Fashion-MNIST"); a name no
// Source has is its own title.
func Title(name string) string {
	if s, err := SourceNamed(name); err == nil {
		return s.Title
	}
	return name
}

// Help is -dataset's help: every dataset with what it is.
func Help() string {
	var each []string
	for _, s := range Sources() {
		each = append(each, fmt.Sprintf("%s (%s)", s.Name, s.About))
	}
	return strings.Join(each[:len(each)-1], ", ") + " or " + each[len(each)-1]
}
