package experiment

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/nlpodyssey/safetensors"

	"github.com/mega-ssl/mega/gomlxssl/atomicfile"
	"github.com/mega-ssl/mega/gomlxssl/models"
	"github.com/mega-ssl/mega/gomlxssl/train"
)

// ExportedEncoder is encoder.json: what rebuilds the exported encoder
// outside MEGA (gomlxssl/models/torch/mega_encoder.py does, in PyTorch).
type ExportedEncoder struct {
	// Architecture is "convnet": per block, a 3×3 convolution without bias
	// (stride Strides[i], padding 1 on every side), batch norm (Eps, running
	// statistics) and ReLU; then the mean over the spatial axes.
	Architecture string        `json:"architecture"`
	Widths       []int         `json:"widths"`
	Kernel       int           `json:"kernel"`
	Strides      []int         `json:"strides"`
	Padding      int           `json:"padding"`
	Eps          float64       `json:"batch_norm_eps"`
	Dim          int           `json:"dim"`
	Input        ExportedInput `json:"input"`
	// Run says where the encoder comes from.
	Run map[string]string `json:"run"`
}

// ExportedInput is what the encoder takes: images of Height × Width ×
// Channels, as x = (pixel/255 − 0.5)·4, in NCHW for PyTorch.
type ExportedInput struct {
	Height    int    `json:"height"`
	Width     int    `json:"width"`
	Channels  int    `json:"channels"`
	Layout    string `json:"layout"`
	Normalise string `json:"normalise"`
}

// Export writes the encoder run p trained (its last checkpoint) to the
// folder p.Export: encoder.safetensors, with PyTorch's names and layouts
// (block0.conv.weight [out, in, 3, 3], block0.bn.weight, .bias,
// .running_mean, .running_var), and encoder.json. Only the convnet encoders
// are exported so far.
func Export(_ context.Context, p *Plan) error {
	conv, ok := p.Enc.(models.ConvNet)
	if !ok {
		return fmt.Errorf("-export: the %s encoder cannot be exported yet (the convnet encoders can)", p.Enc.Name())
	}
	tr, err := loadTrained(p, "-export")
	if err != nil {
		return err
	}
	be, m, loaded := tr.be, tr.method, tr.store
	t := tr.split.Train
	// Where the method keeps its encoder (SimCLR's /encoder, a momentum
	// method's online one): the scope its Embed creates, on a fresh store.
	fresh := model.NewStore()
	probe, err := model.NewExec(be, fresh, func(scope *model.Scope, x *Node) *Node {
		scope.SetTraining(x.Graph(), false)
		h, _ := m.Embed(scope, train.Standardize([]*Node{x})[0])
		return h
	})
	if err != nil {
		return err
	}
	if _, err := probe.Call(tensors.FromShape(shapes.Make(dtypes.Float32, 1, t.Height, t.Width, t.Channels))); err != nil {
		return err
	}
	probe.Finalize()
	prefix := ""
	for v := range fresh.IterVariables() {
		if path := v.Path(); strings.HasSuffix(path, "/block0/conv/weights") {
			prefix = strings.TrimSuffix(path, "/block0/conv/weights")
		}
	}
	if prefix == "" {
		return fmt.Errorf("-export: %s's representation is not a convnet's blocks", p.Spec.Name)
	}
	views := map[string]safetensors.TensorView{}
	for i := range conv.Widths {
		block := fmt.Sprintf("%s/block%d", prefix, i)
		for _, w := range []struct{ from, to string }{{"conv/weights", "conv.weight"}, {"bn/scale", "bn.weight"}, {"bn/offset", "bn.bias"},
			{"bn/mean", "bn.running_mean"}, {"bn/variance", "bn.running_var"}} {
			tv, err := exportTensor(loaded, block+"/"+w.from, w.to == "conv.weight")
			if err != nil {
				return err
			}
			views[fmt.Sprintf("block%d.%s", i, w.to)] = tv
		}
	}
	strides := make([]int, len(conv.Widths))
	for i := range strides {
		strides[i] = 2
	}
	strides[0] = 1
	doc := ExportedEncoder{Architecture: "convnet", Widths: conv.Widths, Kernel: 3, Strides: strides, Padding: 1, Eps: 1e-5, Dim: conv.Dim(),
		Input: ExportedInput{Height: t.Height, Width: t.Width, Channels: t.Channels, Layout: "NCHW", Normalise: "(pixel / 255 - 0.5) * 4"},
		Run:   map[string]string{"experiment": p.Spec.Name, "dir": p.Dir, "encoder": conv.Name(), "scope": prefix}}
	st, err := safetensors.Serialize(views, map[string]string{"format": "pt", "source": "MEGA " + p.Spec.Name})
	if err != nil {
		return err
	}
	js, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(p.Export, 0o755); err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(p.Export, "encoder.safetensors"), st); err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(p.Export, "encoder.json"), append(js, '\n')); err != nil {
		return err
	}
	fmt.Printf("exported %s's %s encoder (%d KB) to %s: encoder.safetensors, encoder.json\n", p.Title, conv.Name(), len(st)/1024, p.Export)
	return nil
}

// exportTensor is the float32 variable at path as a safetensors view; a
// convolution's kernel [k, k, in, out] is turned to PyTorch's [out, in, k, k].
func exportTensor(store *model.Store, path string, kernel bool) (safetensors.TensorView, error) {
	v := store.GetVariable(path)
	if v == nil {
		return safetensors.TensorView{}, fmt.Errorf("-export: the checkpoint has no %s", path)
	}
	val, err := v.Value()
	if err != nil {
		return safetensors.TensorView{}, err
	}
	data := tensors.MustCopyFlatData[float32](val)
	dims := val.Shape().Dimensions
	if kernel {
		k0, k1, in, out := dims[0], dims[1], dims[2], dims[3]
		t := make([]float32, len(data))
		for a := range k0 {
			for b := range k1 {
				for c := range in {
					for d := range out {
						t[((d*in+c)*k0+a)*k1+b] = data[((a*k1+b)*in+c)*out+d]
					}
				}
			}
		}
		data, dims = t, []int{out, in, k0, k1}
	}
	raw := make([]byte, 4*len(data))
	for i, f := range data {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(f))
	}
	shape := make([]uint64, len(dims))
	for i, d := range dims {
		shape[i] = uint64(d)
	}
	return safetensors.NewTensorView(safetensors.F32, shape, raw)
}
