package experiment

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"codeberg.org/sbinet/npyio"
	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/checkpoint"

	"github.com/mega-ssl/mega/gomlxssl/atomicfile"
	"github.com/mega-ssl/mega/gomlxssl/backend"
	"github.com/mega-ssl/mega/gomlxssl/data"
	"github.com/mega-ssl/mega/gomlxssl/eval"
	"github.com/mega-ssl/mega/gomlxssl/train"
)

// embedChunk is how many images are embedded between two progress lines.
const embedChunk = 8192

// Embed embeds images with the encoder run p trained (its last checkpoint,
// under p.Dir): the run's own train or test split, or every image of a
// folder shaped as the run's images; it writes each image's representation
// h — what the probes read — with its path (and label, where there is one)
// as CSV and as a float32 .npy of shape (images, dimensions).
func Embed(ctx context.Context, p *Plan) error {
	t, err := loadTrained(p, "-embed")
	if err != nil {
		return err
	}
	be, split, m, store := t.be, t.split, t.method, t.store
	ds, names, source, err := embedSource(p, split)
	if err != nil {
		return err
	}
	out := p.EmbedOut
	if out == "" {
		out = filepath.Join(p.Dir, "embed-"+source)
	}
	out = strings.TrimSuffix(strings.TrimSuffix(out, ".csv"), ".npy")
	start := time.Now()
	h, err := embedChunks(ctx, be, store, m.Embed, ds)
	if err != nil {
		return err
	}
	took := time.Since(start).Seconds()
	if err := writeEmbeddings(out, h, ds, names); err != nil {
		return err
	}
	fmt.Printf("embedded %d images into %d dimensions in %.1f s (%.0f images/s): %s.csv, %s.npy\n",
		h.Len(), h.Dim, took, float64(h.Len())/took, out, out)
	return nil
}

// embedSource is the images -embed names: the run's split, a dataset's
// whole test split ("dataset:NAME"), or a folder's images, each shaped as
// the run's; their names (path, or split/index) and a word for the default
// file name.
func embedSource(p *Plan, split data.Split) (*data.Dataset, []string, string, error) {
	src := p.Embed
	if name, ok := strings.CutPrefix(src, "dataset:"); ok {
		ds, err := datasetTest(p, name, split.Train)
		if err != nil {
			return nil, nil, "", err
		}
		names := make([]string, ds.Len())
		for i := range names {
			names[i] = fmt.Sprintf("%s/test/%d", name, i)
		}
		return ds, names, name + "-test", nil
	}
	switch src {
	case "train", "test":
		ds := split.Train
		if src == "test" {
			ds = split.Test
		}
		names := make([]string, ds.Len())
		for i := range names {
			names[i] = fmt.Sprintf("%s/%d", src, i)
		}
		return ds, names, src, nil
	}
	t := split.Train
	if t.Height != t.Width {
		return nil, nil, "", fmt.Errorf("-embed %s: the run's images are %d×%d, and folders are read square", src, t.Height, t.Width)
	}
	last := time.Now()
	ds, paths, skipped, err := data.ImagesUnder(src, t.Height, t.Channels, func(done, total int) {
		if time.Since(last) > 5*time.Second || done == total {
			fmt.Fprintf(os.Stderr, "reading images: %d of %d\n", done, total)
			last = time.Now()
		}
	})
	if err != nil {
		return nil, nil, "", err
	}
	if skipped > 0 {
		fmt.Fprintf(os.Stderr, "-embed %s: %d files that are not PNG or JPEG images skipped\n", src, skipped)
	}
	return ds, paths, filepath.Base(filepath.Clean(src)), nil
}

// embedChunks extracts the representations of ds a chunk at a time, saying
// how far it is and how long is left; Ctrl-C stops it between chunks.
func embedChunks(ctx context.Context, be compute.Backend, store *model.Store, embed train.EmbedFn, ds *data.Dataset) (eval.Features, error) {
	var h eval.Features
	start := time.Now()
	for from := 0; from < ds.Len(); from += embedChunk {
		if err := ctx.Err(); err != nil {
			return h, fmt.Errorf("embedding interrupted after %d of %d images: nothing written", from, ds.Len())
		}
		to := min(from+embedChunk, ds.Len())
		idx := make([]int, to-from)
		for i := range idx {
			idx[i] = from + i
		}
		part, _, err := train.Extract(be, store, embed, ds.Subset(idx), evalBatch)
		if err != nil {
			return h, err
		}
		h.Dim = part.Dim
		h.Data = append(h.Data, part.Data...)
		if ds.Len() > embedChunk {
			rate := float64(to) / time.Since(start).Seconds()
			fmt.Fprintf(os.Stderr, "embedding: %d of %d images, %.0f images/s, about %.0f s left\n", to, ds.Len(), rate, float64(ds.Len()-to)/rate)
		}
	}
	h.Labels = ds.Labels
	return h, nil
}

// writeEmbeddings writes out.csv (name, label, class, e0…) and out.npy
// (float32, shape (images, dimensions)), each atomically.
func writeEmbeddings(out string, h eval.Features, ds *data.Dataset, names []string) error {
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	var csv bytes.Buffer
	csv.WriteString("path,label,class")
	for j := range h.Dim {
		fmt.Fprintf(&csv, ",e%d", j)
	}
	csv.WriteByte('\n')
	rows := make([][]float32, h.Len())
	for i := range rows {
		rows[i] = h.Data[i*h.Dim : (i+1)*h.Dim]
		name := names[i]
		if strings.ContainsAny(name, ",\"\n") {
			name = `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
		}
		fmt.Fprintf(&csv, "%s,%d,%s", name, h.Labels[i], ds.Classes[h.Labels[i]])
		for _, v := range rows[i] {
			fmt.Fprintf(&csv, ",%g", v)
		}
		csv.WriteByte('\n')
	}
	if err := atomicfile.Write(out+".csv", csv.Bytes()); err != nil {
		return err
	}
	var npy bytes.Buffer
	if err := npyio.Write(&npy, rows); err != nil {
		return err
	}
	return atomicfile.Write(out+".npy", npy.Bytes())
}

// datasetTest is the whole test split of dataset name, which must be shaped
// as the run's images (like, the run's training split).
func datasetTest(p *Plan, name string, like *data.Dataset) (*data.Dataset, error) {
	src, err := data.SourceNamed(name)
	if err != nil {
		return nil, err
	}
	// Files are read whole; generated data is drawn at its default size.
	s, err := src.Load(data.LoadConfig{Train: 1, Test: src.Test, Size: p.ImageSize, Seed: p.DataSeed, Dir: p.DataDir, Download: p.Download})
	if err != nil {
		return nil, err
	}
	t := s.Test
	if t.Height != like.Height || t.Width != like.Width || t.Channels != like.Channels {
		return nil, fmt.Errorf("-embed dataset:%s: its images are %d×%d×%d, the run's %d×%d×%d", name, t.Height, t.Width, t.Channels, like.Height, like.Width, like.Channels)
	}
	return t, nil
}

// trained is a run's trained method, as its last checkpoint holds it, with
// the backend and the data it ran on.
type trained struct {
	be     compute.Backend
	split  data.Split
	method Method
	store  *model.Store
}

// loadTrained loads the method run p trained from its last checkpoint,
// checked against its data as the run was (a method may size itself to it:
// MoCo's queue); flag names the mode for its errors.
func loadTrained(p *Plan, flag string) (*trained, error) {
	ckpt := filepath.Join(p.Dir, "checkpoint")
	if _, err := os.Stat(ckpt); err != nil {
		return nil, fmt.Errorf("%s: no trained encoder for %s: %s has no checkpoint (train the run first, with the same flags)", flag, p.Title, p.Dir)
	}
	be, _, err := backend.New(p.Backend)
	if err != nil {
		return nil, err
	}
	split, err := p.LoadData()
	if err != nil {
		return nil, err
	}
	if p.Spec.Config != nil {
		if err := p.Spec.Config.Check(split.Train.Len(), p.Batch); err != nil {
			return nil, err
		}
	}
	t := &trained{be: be, split: split, method: p.Spec.Build(p.Enc), store: model.NewStore()}
	if _, err := checkpoint.Load(t.store).Dir(ckpt).Immediate().Done(); err != nil {
		return nil, fmt.Errorf("%s: loading %s: %w", flag, ckpt, err)
	}
	return t, nil
}
