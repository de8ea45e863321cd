// # Variational autoencoders and posterior collapse
//
// A VAE (Kingma & Welling, 2014) learns by reconstructing: an encoder maps an
// image to a Gaussian $q_\phi(z \mid x) = \mathcal{N}(\mu, \sigma^2)$ over a
// latent code, a decoder maps a sample of the code back to pixels, and both
// are trained on the evidence lower bound. Its representation is the mean
// vector μ, which we probe like every other encoder's output.
//
// The talk names the VAE's limitations; this experiment measures them.
// **Posterior collapse**: when the KL term's pull towards the prior wins
// (a large β, or a decoder that can model the data alone), latent dimensions
// stop carrying information about the image — their posterior *is* the
// prior, the same for every image. We count the dimensions that stay alive
// with Burda, Grosse & Salakhutdinov's criterion (a unit is *active* when its
// posterior mean varies across images, $\mathrm{Cov}_x(\mathbb{E}_q[z_u]) > 10^{-2}$),
// show the KL of every dimension, and compare four runs: β = 1, a large β
// (8), and two cures for the large β — **KL annealing** (β rising from 0,
// Bowman et al. 2016: the decoder learns to use the code before the KL term
// weighs in) and **free bits** (Kingma et al. 2016: each dimension may spend
// λ nats of KL for free, so collapsing it to the prior gains nothing).
//
// Measured at the default preset (13 epochs, batch 128, seed 1, about 300 s
// each; `go run run.go run vae-collapse` runs all four), on the test split
// (one seed each: ±3 points on the 1,000 test images, 95%):
//
// | run | active units (of 32) | KL (nats/image) | kNN top-1 | linear top-1 |
// |---|---|---|---|---|
// | β = 1 | [@vae measure-1] | [@vae measure-2] | [@vae knn] | [@vae linear] |
// | β = 8 | [@vae-beta8 measure-1] | [@vae-beta8 measure-2] | [@vae-beta8 knn] | [@vae-beta8 linear] |
// | β = 8, KL annealed over 6 epochs | [@vae-beta8-anneal6 measure-1] | [@vae-beta8-anneal6 measure-2] | [@vae-beta8-anneal6 knn] | [@vae-beta8-anneal6 linear] |
// | β = 8, 0.5 free nats per dimension | [@vae-beta8-freebits0.5 measure-1] | [@vae-beta8-freebits0.5 measure-2] | [@vae-beta8-freebits0.5 knn] | [@vae-beta8-freebits0.5 linear] |
//
// (random init: [@vae random-knn], [@vae random-linear].) A strong KL weight
// collapses part of the code: [@vae-beta8 measure-1] of 32 dimensions stay
// active, the others carry nothing about the image. Annealing does not
// bring them back here ([@vae-beta8-anneal6 measure-1] active) — the
// collapse comes from the objective at its final β, not from a decoder that
// learned to ignore the code early, which is what annealing cures — while
// free bits keep [@vae-beta8-freebits0.5 measure-1] units alive. And the talk's
// other limitation, the trade-off between generality and fidelity, shows in
// the reconstructions: a 32-number code spends its nats on colours and
// backgrounds, which carry most of the pixels, and the probes on μ stay near
// the random-init encoder's.
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"sort"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers"
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
// A 32-dimensional code; β weighs the KL term (1 is the true ELBO);
// `-kl-anneal E` raises β linearly from 0 over the first E epochs.
type config struct {
	Latent                    int
	Beta, FreeBits, ActiveMin float64
	KLAnneal                  int
}

func defaults() config { return config{Latent: 32, Beta: 1, ActiveMin: 0.01} }

// Flags makes each knob a flag.
func (c *config) Flags(fs *flag.FlagSet) {
	fs.IntVar(&c.Latent, "latent", c.Latent, "latent dimensions (a multiple of 16)")
	fs.Float64Var(&c.Beta, "beta", c.Beta, "weight β of the KL term")
	fs.IntVar(&c.KLAnneal, "kl-anneal", c.KLAnneal, "epochs over which β rises linearly from 0 (0: none)")
	fs.Float64Var(&c.FreeBits, "free-bits", c.FreeBits, "nats of KL each latent dimension may spend for free (0: none)")
	fs.Float64Var(&c.ActiveMin, "active-threshold", c.ActiveMin, "a unit is active when Cov_x(E[z_u|x]) exceeds this (Burda et al.)")
}

// ## The model
//
// The encoder is the shared ConvNet, whose representation h a dense layer
// maps to the posterior's mean μ and log-variance log σ². A code is drawn
// by the reparameterisation $z = \mu + \sigma \odot \varepsilon$,
// $\varepsilon \sim \mathcal{N}(0, I)$, so that gradients reach μ and σ, and
// the decoder (`models.Decoder`: upsampling and convolutions, 4×4 → 32×32,
// of which a 28×28 image keeps the centre) turns it into one logit per pixel
// and channel.
var decoder = models.DefaultDecoder()

func (c *config) posterior(enc models.Encoder, scope *model.Scope, x *Node) (mu, logVar *Node) {
	h := enc.Apply(scope.In("encoder"), x)
	stats := layers.DenseWithBias(scope.In("posterior"), h, 2*c.Latent)
	mu = Slice(stats, AxisRange(), AxisRange(0, c.Latent))
	logVar = ClipScalar(Slice(stats, AxisRange(), AxisRange(c.Latent, 2*c.Latent)), -10, 10)
	return mu, logVar
}

// logitsLike decodes z into one logit per value of images shaped like x
// [B, H, W, C] (32×32×3 shapes, or 28×28×1 garments: the decoder draws 32×32
// and keeps the centre).
func logitsLike(scope *model.Scope, z, x *Node) *Node {
	return decoder.Apply(scope.In("decoder"), z, x.Shape().Dim(1), x.Shape().Dim(2), x.Shape().Dim(3))
}

// unit maps standardised images back to [0, 1], the Bernoulli targets.
func unit(x *Node) *Node { return AddScalar(MulScalar(x, 0.25), 0.5) }

// ## The loss
//
// The negative ELBO with β (`losses.NegativeELBO`): Bernoulli pixels
// (`losses.BernoulliNLL`, the binary cross-entropy with logits, summed over
// an image's values, 3,072 at 32×32×3) and the closed-form KL of each dimension,
// $\tfrac{1}{2}(\mu_j^2 + \sigma_j^2 - \log \sigma_j^2 - 1)$
// (`losses.GaussianKL`, tested against numerical integration; the ELBO on a
// hand-computed case).
func (c *config) vae(enc models.Encoder) experiment.Method {
	return experiment.Method{
		Loss: func(scope *model.Scope, b method.Batch) *Node {
			g := b.V1.Graph()
			mu, logVar := c.posterior(enc, scope, b.V1)
			eps := scope.RandomNormal(g, mu.Shape())
			z := Add(mu, Mul(Exp(MulScalar(logVar, 0.5)), eps))
			logits := logitsLike(scope, z, b.V1)
			weight := Const(g, float32(c.Beta))
			if c.KLAnneal > 0 {
				ramp := DivScalar(ConvertDType(b.Step, dtypes.Float32), float64(c.KLAnneal*b.StepsPerEpoch))
				weight = MulScalar(MinScalar(ramp, 1), c.Beta)
			}
			return losses.NegativeELBO(logits, unit(b.V1), mu, logVar, weight, c.FreeBits)
		},
		// The representation is μ.
		Embed: func(scope *model.Scope, x *Node) (h, z *Node) {
			mu, _ := c.posterior(enc, scope, x)
			return mu, mu
		},
		Report: c.report(enc),
	}
}

// ## What the code holds: measurements and figures
//
// After training, on the test split: the KL of every latent dimension
// (averaged over images), the number of active units, the reconstruction
// error; and figures — reconstructions of test images, samples decoded from
// the prior, and traversals of the most informative dimensions (one
// dimension swept from −3 to 3, the others at 0).
func (c *config) report(enc models.Encoder) func(a *experiment.Artifacts) error {
	return func(a *experiment.Artifacts) error {
		if !a.Final {
			return nil
		}
		test := a.Split.Test
		n := test.Len()
		var mu, klSum, nll, recon []float32
		err := a.InferEach(n, 1000, func(scope *model.Scope, in []*Node) []*Node {
			mu, logVar := c.posterior(enc, scope, in[0])
			logits := logitsLike(scope, mu, in[0])
			return []*Node{mu, ReduceSum(losses.GaussianKL(mu, logVar), 0), losses.BernoulliNLL(logits, unit(in[0])), Sigmoid(logits)}
		}, func(first, size int) []*tensors.Tensor {
			return []*tensors.Tensor{experiment.Images(test, first, size)}
		}, func(first, size int, out []*tensors.Tensor) error {
			mu = append(mu, tensors.MustCopyFlatData[float32](out[0])...)
			part := tensors.MustCopyFlatData[float32](out[1])
			if klSum == nil {
				klSum = make([]float32, len(part))
			}
			for j, v := range part {
				klSum[j] += v
			}
			nll = append(nll, tensors.MustCopyFlatData[float32](out[2])...)
			if recon == nil { // the figure shows the first ten
				recon = tensors.MustCopyFlatData[float32](out[3])
			}
			return nil
		})
		if err != nil {
			return err
		}

		kl := make([]float64, c.Latent)
		var totalKL, meanNLL float64
		for j := range kl {
			kl[j] = float64(klSum[j]) / float64(n)
			totalKL += kl[j]
		}
		for _, v := range nll {
			meanNLL += float64(v) / float64(n)
		}
		variance := c.unitVariances(mu, n)
		active := 0
		for _, v := range variance {
			if v > c.ActiveMin {
				active++
			}
		}
		a.Measure("active units", float64(active), fmt.Sprintf("latent dimensions (of %d) whose posterior mean varies across the test images: Cov_x(E[z_u|x]) > %g (Burda et al. 2016)", c.Latent, c.ActiveMin))
		a.Measure("KL (nats per image)", totalKL, "the KL term at the posterior, averaged over the test images")
		a.Measure("reconstruction NLL (nats per image)", meanNLL, fmt.Sprintf("−log p(x|z = μ) under the Bernoulli decoder, averaged over the test images (%d values each)", test.ImageSize()))
		a.Measure("β", c.Beta, fmt.Sprintf("the KL weight at the end of training; KL annealing over %d epochs", c.KLAnneal))

		// KL per dimension, largest first.
		order := make([]int, c.Latent)
		for j := range order {
			order[j] = j
		}
		sort.Slice(order, func(i, k int) bool { return kl[order[i]] > kl[order[k]] })
		labels, sorted := make([]string, c.Latent), make([]float64, c.Latent)
		for i, j := range order {
			labels[i], sorted[i] = fmt.Sprint(j), kl[j]
		}
		if err := plots.BarChart(a.Dir+"/kl.svg", plots.Chart{Title: "KL per latent dimension (test mean), largest first",
			XLabel: "latent dimension", YLabel: "KL (nats)"}, labels, sorted, plots.HLine{}); err != nil {
			return err
		}
		a.Figure("kl.svg", fmt.Sprintf("KL divergence of each latent dimension from the prior, averaged over the test images: %d of %d units are active.", active, c.Latent))

		size := test.ImageSize()
		rows := [][][]float32{{}, {}}
		for i := range 10 {
			rows[0] = append(rows[0], test.Float32(i, i+1))
			rows[1] = append(rows[1], recon[i*size:(i+1)*size])
		}
		if err := plots.ImageGrid(a.Dir+"/reconstructions.svg", "test images (top) and their reconstructions from μ", rows, test.Height, test.Width); err != nil {
			return err
		}
		a.Figure("reconstructions.svg", "Ten test images (top row) and the decoder's reconstructions from their posterior means (bottom row).")

		samples, traversals, err := c.decode(a, order)
		if err != nil {
			return err
		}
		if err := plots.ImageGrid(a.Dir+"/samples.svg", "samples: z ~ N(0, I)", samples, test.Height, test.Width); err != nil {
			return err
		}
		a.Figure("samples.svg", "Images decoded from codes drawn from the prior N(0, I).")
		if err := plots.ImageGrid(a.Dir+"/traversals.svg", "traversals of the four dimensions with the largest KL", traversals, test.Height, test.Width); err != nil {
			return err
		}
		a.Figure("traversals.svg", "Latent traversals: each row sweeps one of the four dimensions with the largest KL from −3 to 3, the other dimensions at 0.")
		return nil
	}
}

// unitVariances is the variance over the n test images of each dimension of μ.
func (c *config) unitVariances(mu []float32, n int) []float64 {
	v := make([]float64, c.Latent)
	for j := range c.Latent {
		var s, ss float64
		for i := range n {
			x := float64(mu[i*c.Latent+j])
			s += x
			ss += x * x
		}
		m := s / float64(n)
		v[j] = ss/float64(n) - m*m
	}
	return v
}

// decode makes 2 rows of 8 samples from the prior and 4 rows of traversals.
func (c *config) decode(a *experiment.Artifacts, order []int) (samples, traversals [][][]float32, err error) {
	const steps = 7
	var codes []float32
	rng := rand.New(rand.NewPCG(a.Seed, 0x7ae)).NormFloat64
	for range 16 * c.Latent {
		codes = append(codes, float32(rng()))
	}
	for r := range 4 {
		for s := range steps {
			z := make([]float32, c.Latent)
			z[order[r]] = float32(-3 + 6*float64(s)/float64(steps-1))
			codes = append(codes, z...)
		}
	}
	count := 16 + 4*steps
	out, err := a.Infer(func(scope *model.Scope, in []*Node) []*Node {
		d := a.Split.Test
		return []*Node{Sigmoid(decoder.Apply(scope.In("decoder"), in[0], d.Height, d.Width, d.Channels))}
	}, tensors.FromFlatDataAndDimensions(codes, count, c.Latent))
	if err != nil {
		return nil, nil, err
	}
	img := tensors.MustCopyFlatData[float32](out[0])
	size := len(img) / count
	at := func(i int) []float32 { return img[i*size : (i+1)*size] }
	samples = [][][]float32{{}, {}}
	for i := range 16 {
		samples[i/8] = append(samples[i/8], at(i))
	}
	traversals = make([][][]float32, 4)
	for r := range 4 {
		for s := range steps {
			traversals[r] = append(traversals[r], at(16+r*steps+s))
		}
	}
	return samples, traversals, nil
}

// ## Augmentation and running it
//
// Horizontal flips only: the VAE must reconstruct what it is shown. The
// runner makes one view per image. The three runs of the comparison:
//
//	go run ./experiments/vae                          # β = 1, out/vae/
//	go run ./experiments/vae -beta 4                  # out/vae-beta4/
//	go run ./experiments/vae -beta 4 -kl-anneal 6     # out/vae-beta4-anneal6/
func augmentation() augment.Policy { return augment.Policy{FlipP: 0.5} }

func spec() experiment.Spec {
	c := defaults()
	return experiment.Spec{Name: "vae", Title: "VAE (β = 1)", Config: &c, Augment: augmentation(), Build: c.vae,
		SingleView: true, Variant: c.variant, VariantFlags: []string{"beta", "kl-anneal", "free-bits"}, DefaultEpochs: 13}
}

func (c *config) variant() (name, title string) {
	if c.Beta == 1 && c.KLAnneal == 0 && c.FreeBits == 0 {
		return "", ""
	}
	var v experiment.VariantName
	v.Add(fmt.Sprintf("beta%g", c.Beta), fmt.Sprintf("β = %g", c.Beta))
	if c.KLAnneal > 0 {
		v.Add(fmt.Sprintf("anneal%d", c.KLAnneal), fmt.Sprintf("KL annealed over %d epochs", c.KLAnneal))
	}
	if c.FreeBits > 0 {
		v.Add(fmt.Sprintf("freebits%g", c.FreeBits), fmt.Sprintf("%g free nats per dimension", c.FreeBits))
	}
	return v.Result("VAE")
}

func (c *config) Check(trainSize, batch int) error {
	if c.Latent <= 0 || c.Latent%16 != 0 {
		return fmt.Errorf("-latent %d: want a positive multiple of 16", c.Latent)
	}
	if c.Beta < 0 || c.KLAnneal < 0 || c.FreeBits < 0 {
		return fmt.Errorf("-beta %g, -kl-anneal %d and -free-bits %g must not be negative", c.Beta, c.KLAnneal, c.FreeBits)
	}
	return nil
}

func main() { experiment.Main(spec()) }
