package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mega-ssl/mega/gomlxssl/atomicfile"
)

// The IDX format (LeCun's MNIST files, and Fashion-MNIST's, which copies
// them): two zero bytes, a type byte (0x08: unsigned bytes, the only one these
// datasets use), the number of dimensions, each dimension as a big-endian
// uint32, then the values row-major. The files are published gzipped; both
// forms are read. Written here because no maintained Go library reads it.

// idxUbyte is the IDX type code of unsigned bytes.
const idxUbyte = 0x08

// ReadIDX reads an IDX file of unsigned bytes, gzipped or plain (told by its
// first two bytes, not its name), and returns its dimensions and values.
// A file with another magic number, a gzip stream that is not one, fewer or
// more values than its header says: each is an error naming the file.
func ReadIDX(path string) (dims []int, values []uint8, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	var r io.Reader = br
	if head, _ := br.Peek(2); bytes.Equal(head, []byte{0x1f, 0x8b}) {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: not a valid gzip file: %w", path, err)
		}
		defer gz.Close()
		r = gz
	} else if strings.HasSuffix(path, ".gz") {
		return nil, nil, fmt.Errorf("%s: named .gz but not a gzip file", path)
	}
	var magic [4]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		return nil, nil, fmt.Errorf("%s: too short for an IDX header: %w", path, readErr(err))
	}
	if magic[0] != 0 || magic[1] != 0 || magic[2] != idxUbyte || magic[3] == 0 {
		return nil, nil, fmt.Errorf("%s: magic number %#08x is not an IDX file of unsigned bytes (want 0x0000080N)", path,
			binary.BigEndian.Uint32(magic[:]))
	}
	size := 1
	for range int(magic[3]) {
		var d uint32
		if err := binary.Read(r, binary.BigEndian, &d); err != nil {
			return nil, nil, fmt.Errorf("%s: truncated IDX header: %w", path, readErr(err))
		}
		if d == 0 || d > 1<<28 || size > (1<<31)/int(d) {
			return nil, nil, fmt.Errorf("%s: IDX dimension %d is implausible", path, d)
		}
		dims = append(dims, int(d))
		size *= int(d)
	}
	values = make([]uint8, size)
	if n, err := io.ReadFull(r, values); err != nil {
		return nil, nil, fmt.Errorf("%s: truncated: %d of the %d values its header %v announces: %w", path, n, size, dims, readErr(err))
	}
	n, err := io.Copy(io.Discard, r) // also reads a gzip's checksum: a corrupt stream fails here
	if err != nil {
		return nil, nil, fmt.Errorf("%s: damaged after its %d values: %w", path, size, readErr(err))
	}
	if n > 0 {
		return nil, nil, fmt.Errorf("%s: %d bytes after the %d values its header %v announces", path, n, size, dims)
	}
	return dims, values, nil
}

// readErr names a short read plainly (a corrupt gzip stream keeps its own error).
func readErr(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return errors.New("unexpected end of file")
	}
	return err
}

// IDXDataset describes a dataset published as four IDX files.
type IDXDataset struct {
	// Name identifies it in results ("fashion-mnist").
	Name    string
	Classes []string
	// Dirs are where its files are looked for, in order.
	Dirs []string
	// Hint says how to get the files when none of Dirs has them.
	Hint string
}

// IDX file names of MNIST and Fashion-MNIST, without ".gz".
const (
	idxTrainImages = "train-images-idx3-ubyte"
	idxTrainLabels = "train-labels-idx1-ubyte"
	idxTestImages  = "t10k-images-idx3-ubyte"
	idxTestLabels  = "t10k-labels-idx1-ubyte"
)

// IDXFiles are the four files' names (each also accepted gzipped, ".gz").
var IDXFiles = []string{idxTrainImages, idxTrainLabels, idxTestImages, idxTestLabels}

// FashionMNISTClasses are Fashion-MNIST's labels, in order.
var FashionMNISTClasses = []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}

// FashionMNISTSystemDir is where Debian's dataset-fashion-mnist package puts the files.
const FashionMNISTSystemDir = "/usr/share/datasets/fashion-mnist"

// FashionMNIST is Zalando's Fashion-MNIST (Xiao et al. 2017): 60,000 training
// and 10,000 test images of garments, 28×28 grayscale, 10 classes, looked for
// in dir (and dir/fashion-mnist), then where Debian's package installs it.
func FashionMNIST(dir string) IDXDataset {
	return IDXDataset{Name: FashionMNISTName, Classes: FashionMNISTClasses,
		Dirs: []string{dir, filepath.Join(dir, FashionMNISTName), FashionMNISTSystemDir},
		Hint: "install Debian's package (apt-get install dataset-fashion-mnist), or put the four files in -data-dir"}
}

// MNIST is LeCun's handwritten digits in the same format, looked for in dir
// (and dir/mnist).
func MNIST(dir string) IDXDataset {
	return IDXDataset{Name: MNISTName, Classes: []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"},
		Dirs: []string{dir, filepath.Join(dir, MNISTName)},
		Hint: "put the four files of MNIST (" + strings.Join(IDXFiles, ", ") + ", gzipped or not) in -data-dir"}
}

// Load reads the train and test splits as published. The first directory that
// holds all four files is used; when none does, the error names each file
// missing in each place looked, and how to get them.
func (s IDXDataset) Load() (Split, error) {
	var report []string
	for _, dir := range s.Dirs {
		paths, missing := findIDX(dir)
		if len(missing) == 0 {
			return s.read(paths)
		}
		if len(missing) < len(IDXFiles) {
			report = append(report, fmt.Sprintf("%s lacks %s", dir, strings.Join(missing, ", ")))
		} else {
			report = append(report, fmt.Sprintf("%s has none of them", dir))
		}
	}
	return Split{}, fmt.Errorf("%s: the IDX files (%s, gzipped or not) were not found: %s.\nTo fix: %s",
		s.Name, strings.Join(IDXFiles, ", "), strings.Join(report, "; "), s.Hint)
}

// findIDX returns the path of each IDX file in dir (plain or gzipped) and the
// names of those it lacks.
func findIDX(dir string) (paths map[string]string, missing []string) {
	paths = map[string]string{}
	for _, name := range IDXFiles {
		for _, p := range []string{filepath.Join(dir, name), filepath.Join(dir, name+".gz")} {
			if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
				paths[name] = p
				break
			}
		}
		if paths[name] == "" {
			missing = append(missing, name)
		}
	}
	return paths, missing
}

func (s IDXDataset) read(paths map[string]string) (Split, error) {
	train, err := s.readPart(paths[idxTrainImages], paths[idxTrainLabels])
	if err != nil {
		return Split{}, err
	}
	test, err := s.readPart(paths[idxTestImages], paths[idxTestLabels])
	if err != nil {
		return Split{}, err
	}
	if train.Height != test.Height || train.Width != test.Width {
		return Split{}, fmt.Errorf("%s: training images are %d×%d, test images %d×%d", s.Name, train.Height, train.Width, test.Height, test.Width)
	}
	return Split{Train: train, Test: test}, nil
}

// readPart reads one split's images and labels and checks that they agree.
func (s IDXDataset) readPart(imagesPath, labelsPath string) (*Dataset, error) {
	dims, pixels, err := ReadIDX(imagesPath)
	if err != nil {
		return nil, err
	}
	if len(dims) != 3 {
		return nil, fmt.Errorf("%s: %d dimensions %v, want 3 (images, rows, columns)", imagesPath, len(dims), dims)
	}
	ldims, labels, err := ReadIDX(labelsPath)
	if err != nil {
		return nil, err
	}
	if len(ldims) != 1 {
		return nil, fmt.Errorf("%s: %d dimensions %v, want 1 (labels)", labelsPath, len(ldims), ldims)
	}
	if ldims[0] != dims[0] {
		return nil, fmt.Errorf("%s holds %d images but %s %d labels", imagesPath, dims[0], labelsPath, ldims[0])
	}
	d := &Dataset{Name: s.Name, Height: dims[1], Width: dims[2], Channels: 1, Classes: s.Classes,
		Pixels: pixels, Labels: make([]int32, len(labels))}
	for i, l := range labels {
		if int(l) >= len(s.Classes) {
			return nil, fmt.Errorf("%s: label %d of image %d is outside 0–%d", labelsPath, l, i, len(s.Classes)-1)
		}
		d.Labels[i] = int32(l)
	}
	return d, nil
}

// WriteIDX writes an IDX file of unsigned bytes (gzipped when the name ends
// in .gz): for tests, and to hand a subset to another tool.
func WriteIDX(path string, dims []int, values []uint8) error {
	var buf bytes.Buffer
	buf.Write([]byte{0, 0, idxUbyte, byte(len(dims))})
	for _, d := range dims {
		_ = binary.Write(&buf, binary.BigEndian, uint32(d))
	}
	buf.Write(values)
	out := buf.Bytes()
	if strings.HasSuffix(path, ".gz") {
		var gz bytes.Buffer
		w := gzip.NewWriter(&gz)
		if _, err := w.Write(out); err != nil {
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
		out = gz.Bytes()
	}
	return atomicfile.Write(path, out)
}
