package train

import (
	"os"
	"testing"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mega-ssl/mega/gomlxssl/backend"
	"github.com/mega-ssl/mega/gomlxssl/backend/backendtest"
	"github.com/mega-ssl/mega/gomlxssl/losses"
	"github.com/mega-ssl/mega/gomlxssl/models"
)

// benchmarkSimCLRStep times one SimCLR training step (both views through the
// encoder and an MLP head 256→128, NT-Xent τ=0.5, Adam) at B=128 pairs, and
// reports images (views) per second, on the Go backend unless $GOMLX_BACKEND
// names another.
func benchmarkSimCLRStep(b *testing.B, encoder string) {
	benchmarkSimCLRStepOn(b, encoder, 32, 3)
}

// benchmarkSimCLRStepOn is benchmarkSimCLRStep on size×size images of
// channels channels.
func benchmarkSimCLRStepOn(b *testing.B, encoder string, size, channels int) {
	if !backend.SIMD {
		b.Log("built without GOEXPERIMENT=simd: expect ~20x slower matrix products")
	}
	var be compute.Backend
	if os.Getenv("GOMLX_BACKEND") == "" {
		be = backendtest.Go(b)
	} else { // e.g. xla:cuda on a GPU machine
		var info backend.Info
		var err error
		if be, info, err = backend.New(""); err != nil {
			b.Fatal(err)
		}
		b.Logf("backend %s", info.Name)
	}
	enc, err := models.ParseEncoder(encoder)
	if err != nil {
		b.Fatal(err)
	}
	const batch = 128
	loss := func(scope *model.Scope, in []*Node) *Node {
		x := Concatenate(in, 0)
		z := models.MLPHead{Hidden: 256, Out: 128}.Apply(scope.In("projection"), enc.Apply(scope.In("encoder"), x))
		return losses.NTXent(Slice(z, AxisRange(0, batch)), Slice(z, AxisRange(batch, 2*batch)), 0.5)
	}
	tr, err := New(be, Config{Epochs: 1, BatchSize: batch, Optimizer: "adam", LR: 1e-3}, 1<<20, loss, "", false)
	if err != nil {
		b.Fatal(err)
	}
	view := func() *tensors.Tensor {
		data := make([]float32, batch*size*size*channels)
		for i := range data {
			data[i] = float32(i%251) / 251
		}
		return tensors.FromFlatDataAndDimensions(data, batch, size, size, channels)
	}
	if _, _, err := tr.Step(view(), view()); err != nil { // compile outside the timing
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, err := tr.Step(view(), view()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(2*batch*b.N)/b.Elapsed().Seconds(), "images/s")
}

// BenchmarkStepDefaultEncoder is the default presets' encoder.
func BenchmarkStepDefaultEncoder(b *testing.B) { benchmarkSimCLRStep(b, "convnet-16-32-64-128") }

// BenchmarkStepFashion is the default encoder on Fashion-MNIST's images:
// 28×28, one channel.
func BenchmarkStepFashion(b *testing.B) { benchmarkSimCLRStepOn(b, "convnet-16-32-64-128", 28, 1) }

// BenchmarkStepBenchmarkEncoder is the peer benchmark's encoder (conv 3→32→64→128→256),
// comparable with gomlxssl/bench/peers/torch_simclr_step.py --model small.
func BenchmarkStepBenchmarkEncoder(b *testing.B) { benchmarkSimCLRStep(b, "convnet") }

// BenchmarkStepViT is the small Vision Transformer (width 96, depth 4, 3
// heads, patch 4: 64 tokens and the CLS on 32-pixel images), beside the
// convnets.
func BenchmarkStepViT(b *testing.B) { benchmarkSimCLRStep(b, "vit-96-4-3") }
