// # MAE: masked autoencoders
//
// A masked autoencoder (He, Chen, Xie, Li, Dollár & Girshick, 2022) goes back
// to the talk's first family — a pretext task — and to its generative one —
// reconstruction — with one change that makes the task hard: **hide most of
// the image**. The image is cut into patches, three quarters of them are
// removed at random, and the network must draw the missing pixels from the
// quarter it sees. With a Vision Transformer the hidden patches are simply
// left out of the encoder's input, so the encoder works on a quarter of the
// tokens; a small decoder gets the encoded visible tokens plus a learned
// *mask token* at every hidden place and predicts their pixels. Only the
// encoder is kept.
//
// It answers the talk's question "what should a pretext task predict?"
// differently from rotation and jigsaw, which predict a label of a
// transformation: here the target is the data itself, as in the VAE, but of
// the part not shown — so the code cannot just copy, and with 75% hidden
// neither interpolation from neighbours nor the colour statistics of the
// image will do. There are no views, no negatives and no momentum network,
// so nothing can collapse; what the probes measure instead is whether
// drawing garments and shapes requires knowing what they are. The paper's
// own answer is "partly": MAE features are weaker under a linear probe than
// those of contrastive methods, and shine after fine-tuning — which the
// talk's protocol (frozen features) does not do.
//
// Measured at the default preset (25 epochs of batch 128, seed 1), with the
// ViT: kNN [@mae knn] and linear [@mae linear] against the random-init
// ViT's [@mae random-knn] and [@mae random-linear], and on Fashion-MNIST
// kNN [@mae-fashion-mnist knn] and linear [@mae-fashion-mnist linear].
// Probing the mean patch token instead of the CLS token
// (`go run ./experiments/mae -encoder vit-96-4-3-mean`, the same training,
// a run of its own): kNN [@mae-vit-96-4-3-mean knn] and linear
// [@mae-vit-96-4-3-mean linear] against that random-init ViT's
// [@mae-vit-96-4-3-mean random-knn] and [@mae-vit-96-4-3-mean random-linear].
//
// It does not reach the bar of 10 kNN points over the random-init encoder
// on shapes. What was measured (2026-12-03, at 9da240b and 9351464, each
// beside other runs): the task is learned — on 1,000 test images with 48 of
// 64 patches hidden, the error on the hidden patches' normalised pixels is
// 0.315, against 0.979 for a flat patch at each patch's mean — and the
// reconstructions below draw the shapes' edges where they were hidden; but
// neither token carries the class to a kNN (12.9% with CLS, 12.1% with the
// mean token, against 12.9% and 14.1% for the random-init ViT), and the
// linear probe gains a little (14.9% and 19.0% against 12.4% and 13.2%).
// The ViT itself learns slowly here: trained with labels for 10 epochs at
// the preset's learning rate, its CLS token reaches 25.9% / 32.6%, against
// the convnet's 87.8% / 91.1%. This is the paper's caveat at small scale:
// MAE's features are made for fine-tuning, and 25 epochs of 6,000 images
// are a tiny fraction of its 800–1,600 ImageNet epochs. Left to try: more
// epochs and a lower mask ratio (`-mask-ratio`).
//
// On Fashion-MNIST (`go run ./experiments/mae -dataset fashion-mnist`): kNN
// [@mae-fashion-mnist knn] and linear [@mae-fashion-mnist linear]
// ([@mae-fashion-mnist gain] over the random-init ViT,
// [@mae-fashion-mnist pixels-gain] over the raw pixels). On two cores its
// ViT baselines alone take about 45 minutes; it has been run once, on a GPU
// lent for a quarter of an hour (NVIDIA H200 through XLA, 2026-12-04, at
// 463cc8f; 187 s), whose files did not come back, so as history from its
// log: kNN 76.5% and linear 80.2% against the random-init ViT's 57.6% and
// 62.8% — 18.9 points, the bar cleared on real data — but under the raw
// pixels' 78.8% and 83.4%, and the supervised ViT (5 epochs) reached 84.0%
// and 85.0%. Nothing has been tried on this data yet to pass the pixels: the
// paper itself finds its features weaker under a linear probe than
// contrastive ones and strong under fine-tuning, and trains for hundreds of
// epochs; the mean token (`-encoder vit-96-4-3-mean`), more epochs and a
// lower mask ratio are the first things to try.
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mega-ssl/mega/gomlxssl/augment"
	"github.com/mega-ssl/mega/gomlxssl/experiment"
	"github.com/mega-ssl/mega/gomlxssl/losses"
	"github.com/mega-ssl/mega/gomlxssl/method"
	"github.com/mega-ssl/mega/gomlxssl/models"
	"github.com/mega-ssl/mega/gomlxssl/plots"
)

// ## The knobs
//
// The paper's mask ratio of 75%, and a decoder far lighter than the
// encoder, as in the paper (there 8 blocks of width 512 behind an encoder
// of 24 of width 1,024): here 2 blocks of width 64 behind the ViT's 4 of
// width 96.
type config struct {
	MaskRatio float64
	Decoder   models.MAEDecoder
}

func defaults() config {
	return config{MaskRatio: 0.75, Decoder: models.MAEDecoder{Width: 64, Depth: 2, Heads: 4}}
}

// Flags makes each knob a flag.
func (c *config) Flags(fs *flag.FlagSet) {
	fs.Float64Var(&c.MaskRatio, "mask-ratio", c.MaskRatio, "fraction of each image's patches hidden from the encoder")
	fs.IntVar(&c.Decoder.Width, "decoder-width", c.Decoder.Width, "decoder width (a multiple of 16 and of -decoder-heads)")
	fs.IntVar(&c.Decoder.Depth, "decoder-depth", c.Decoder.Depth, "decoder transformer blocks")
	fs.IntVar(&c.Decoder.Heads, "decoder-heads", c.Decoder.Heads, "decoder attention heads")
}

// Check refuses a mask that hides nothing or everything and a decoder whose
// width does not split into its heads, before anything trains.
func (c *config) Check(trainSize, batch int) error {
	if c.MaskRatio <= 0 || c.MaskRatio >= 1 {
		return fmt.Errorf("-mask-ratio %g: want a fraction strictly between 0 and 1", c.MaskRatio)
	}
	d := c.Decoder
	if d.Width <= 0 || d.Width%16 != 0 || d.Depth <= 0 || d.Heads <= 0 || d.Width%d.Heads != 0 {
		return fmt.Errorf("-decoder-width %d, -decoder-depth %d, -decoder-heads %d: want a positive width that is a multiple of 16 and of the heads, and at least one block and one head",
			d.Width, d.Depth, d.Heads)
	}
	return nil
}

// checkEncoder refuses an encoder without patches: MAE hides patch tokens.
func checkEncoder(enc models.Encoder) error {
	if _, ok := enc.(models.ViT); !ok {
		return fmt.Errorf("mae hides image patches from the encoder, so it needs a Vision Transformer: -encoder vit-WIDTH-DEPTH-HEADS (e.g. vit-96-4-3, its default), not %s", enc.Name())
	}
	return nil
}

// keep is how many of n patches stay visible (the paper's int(n·(1 − r)),
// at least one): 16 of the 64 patches of a 32-pixel image, 12 of the 49 of
// a 28-pixel garment.
func (c *config) keep(n int) int { return max(1, int(float64(n)*(1-c.MaskRatio))) }

// ## Masking and encoding
//
// The image's patch tokens (with their position embeddings, `ViT.Embed`)
// are sorted by uniform noise, and the first keep are the visible ones
// (`models.RandomPatchMask`: a random subset per image, the paper's
// argsort written as products with one-hot rows so the graph stays static).
// The encoder's blocks (`ViT.Blocks`, with its CLS token) see only those.
func (c *config) encode(vit models.ViT, scope *model.Scope, x, noise *Node) (*Node, models.PatchMask) {
	s := scope.In(method.EncoderScope)
	tokens := vit.Embed(s, x)
	m := models.RandomPatchMask(noise, c.keep(tokens.Shape().Dim(1)))
	return vit.Blocks(s, m.Visible(tokens)), m
}

// reconstruct predicts every patch's pixels [B, N, P·P·C] from images x,
// hiding the patches that noise [B, N] ranks last, and returns the patches
// themselves and the mask with it.
func (c *config) reconstruct(vit models.ViT, scope *model.Scope, x, noise *Node) (pred, patches *Node, m models.PatchMask) {
	patches = vit.Patches(x)
	encoded, m := c.encode(vit, scope, x, noise)
	return c.Decoder.Apply(scope.In("decoder"), encoded, m, patches.Shape().Dim(2)), patches, m
}

// ## The loss
//
// The decoder (`models.MAEDecoder`) puts the mask token at every hidden
// place, adds its own position embeddings and predicts each patch's pixels.
// The loss is the mean squared error on the hidden patches only, against
// each patch's pixels normalised by its own mean and variance (the paper's
// better variant: the model is not asked for a patch's brightness, only its
// shape):
//
// $$\mathcal{L} = \frac{1}{|M|}\sum_{i \in M} \frac{1}{D}\left\lVert \hat{x}_i - \frac{x_i - \mu_i}{\sqrt{\sigma_i^2 + 10^{-6}}} \right\rVert^2$$
//
// with M the hidden patches of the batch and D the values of a patch
// (`losses.MAE`, tested against a float64 reference of the paper's code; a
// gradient test checks that the visible patches' predictions cost nothing).
func (c *config) mae(enc models.Encoder) experiment.Method {
	vit := enc.(models.ViT) // checkEncoder refused anything else
	return experiment.Method{
		Loss: func(scope *model.Scope, b method.Batch) *Node {
			x := b.V1
			n := vit.Patches(x).Shape().Dim(1)
			noise := scope.RandomUniform(x.Graph(), shapes.Make(dtypes.Float32, x.Shape().Dim(0), n))
			pred, patches, m := c.reconstruct(vit, scope, x, noise)
			return losses.MAE(pred, patches, m.Masked)
		},
		// The probes read the encoder's CLS token on the whole image, as
		// the baselines read the random-init and the supervised ViT's.
		Embed: func(scope *model.Scope, x *Node) (h, z *Node) {
			h = vit.Apply(scope.In(method.EncoderScope), x)
			return h, h
		},
		Report: c.report(vit),
	}
}

// ## What it draws
//
// After training, on the test images with masks drawn from the run's seed:
// the reconstruction error on the hidden patches, beside the error of
// predicting every hidden patch flat at its own mean (the normalised
// target's zero, a loss near 1) — below it, the model predicts shapes, not
// only brightness — and the paper's figure: images, what the encoder saw,
// and the reconstruction (the visible patches pasted back).
func (c *config) report(vit models.ViT) func(a *experiment.Artifacts) error {
	return func(a *experiment.Artifacts) error {
		if !a.Final {
			return nil
		}
		test := a.Split.Test
		h, w, ch, p := test.Height, test.Width, test.Channels, vit.Patch
		n, dim := (h/p)*(w/p), p*p*ch
		images := min(test.Len(), 1000)
		rng := rand.New(rand.NewPCG(a.Seed, 0x3ae))
		var loss, flat float64
		var shown []float32
		var hidden []float32
		err := a.InferEach(images, 250, func(scope *model.Scope, in []*Node) []*Node {
			pred, patches, m := c.reconstruct(vit, scope, in[0], in[1])
			mean, std := losses.PatchStats(patches)
			pixels := AddScalar(MulScalar(Add(Mul(pred, std), mean), 0.25), 0.5) // back to [0, 1]
			return []*Node{losses.MAE(pred, patches, m.Masked), losses.MAE(ZerosLike(pred), patches, m.Masked), pixels, m.Masked}
		}, func(first, size int) []*tensors.Tensor {
			noise := make([]float32, size*n)
			for i := range noise {
				noise[i] = rng.Float32()
			}
			return []*tensors.Tensor{experiment.Images(test, first, size), tensors.FromFlatDataAndDimensions(noise, size, n)}
		}, func(first, size int, out []*tensors.Tensor) error {
			weight := float64(size) / float64(images) // every image hides as many patches
			loss += weight * float64(tensors.ToScalar[float32](out[0]))
			flat += weight * float64(tensors.ToScalar[float32](out[1]))
			if shown == nil {
				shown, hidden = tensors.MustCopyFlatData[float32](out[2]), tensors.MustCopyFlatData[float32](out[3])
			}
			return nil
		})
		if err != nil {
			return err
		}
		a.Measure("reconstruction error (hidden patches)", loss, fmt.Sprintf("the loss on %d test images, %d of %d patches hidden in each, normalised pixels", images, n-c.keep(n), n))
		a.Measure("error of a flat patch", flat, "the same error when every hidden patch is predicted flat at its own mean: what knowing nothing of its shape costs")

		rows := [][][]float32{{}, {}, {}}
		for i := range min(8, images) {
			original := test.Float32(i, i+1)
			masked, drawn := make([]float32, len(original)), make([]float32, len(original))
			for patch := range n {
				for j := range dim {
					at := vit.PixelOf(patch, j, w, ch)
					masked[at], drawn[at] = original[at], original[at]
					if hidden[i*n+patch] == 1 {
						masked[at] = 0.5
						drawn[at] = min(max(shown[(i*n+patch)*dim+j], 0), 1)
					}
				}
			}
			rows[0] = append(rows[0], original)
			rows[1] = append(rows[1], masked)
			rows[2] = append(rows[2], drawn)
		}
		if err := plots.ImageGrid(a.Dir+"/reconstructions.svg", "test images, what the encoder saw, and the reconstruction", rows, h, w); err != nil {
			return err
		}
		a.Figure("reconstructions.svg", fmt.Sprintf("Eight test images (top), the %d of %d patches the encoder saw (middle; hidden ones grey), and the decoder's reconstruction of the hidden patches pasted beside the visible ones (bottom), as in the paper's figures.", c.keep(n), n))
		return nil
	}
}

// ## Augmentation and running it
//
// The paper's only augmentations are a resized crop and a flip: the masking
// is the task's difficulty. The crop keeps 40–100% of the image, as the
// contrastive methods' here. The method's own encoder is the small ViT,
// and its own learning rate 1.5·10⁻³, below the convnets' 5·10⁻³ as
// transformers are usually trained. Tried at the quick preset for 3
// epochs (2026-12-03, seed 1, the code of 9da240b): at 5·10⁻³ it trained
// as well (loss 0.396 against 0.404, kNN 10.6% against 10.8%) with the
// representation's effective rank at 10.9 instead of 18.1; the lower rate
// was kept.
//
//	go run ./experiments/mae                        # out/mae/
//	go run ./experiments/mae -dataset fashion-mnist # out/mae-fashion-mnist/
func augmentation() augment.Policy {
	return augment.Policy{CropScale: [2]float64{0.4, 1}, CropRatio: [2]float64{3.0 / 4, 4.0 / 3}, FlipP: 0.5}
}

func spec() experiment.Spec {
	c := defaults()
	return experiment.Spec{Name: "mae", Title: "MAE", Config: &c, Augment: augmentation(), Build: c.mae, SingleView: true,
		Encoder: "vit-96-4-3", CheckEncoder: checkEncoder, LR: 1.5e-3, Variant: c.variant, VariantFlags: []string{"mask-ratio", "decoder-width", "decoder-depth", "decoder-heads"}}
}

// variant names a run with another mask ratio or decoder.
func (c *config) variant() (name, title string) {
	d, def := c.Decoder, defaults()
	var v experiment.VariantName
	if c.MaskRatio != def.MaskRatio {
		v.Add(fmt.Sprintf("mask%g", c.MaskRatio), fmt.Sprintf("%g%% hidden", 100*c.MaskRatio))
	}
	if d != def.Decoder {
		v.Add(fmt.Sprintf("decoder%d-%d-%d", d.Width, d.Depth, d.Heads), fmt.Sprintf("decoder %d wide, %d blocks, %d heads", d.Width, d.Depth, d.Heads))
	}
	return v.Result("MAE")
}

func main() { experiment.Main(spec()) }
