// # DINO: self-distillation with no labels
//
// DINO (Caron et al., 2021) trains a student network to predict the output
// of a teacher network on another view of the same image — and the teacher
// is nothing but the student's own past: a momentum average of its weights,
// as BYOL's target network and MoCo's key encoder. There are no negatives,
// no predictor and no contrastive term. The outputs are not embeddings
// compared by a cosine but distributions over K "prototypes", and the loss
// is a cross-entropy, as in knowledge distillation — hence the name,
// *self-distillation with no labels*.
//
// It answers the talk's future direction — "are negatives needed?" — with a
// no, and shows the price: without negatives the trivial solution is always
// there. A teacher whose every output is the same prototype, or the uniform
// distribution, is a perfect target and a useless one. DINO's two
// counter-measures pull in opposite directions: **centring** the teacher's
// outputs (subtracting their running mean) stops one prototype from taking
// over but pushes towards the uniform; **sharpening** them (a low teacher
// temperature) stops the uniform but pushes towards one prototype. The
// collapse figures are watched here more than anywhere: the runner's
// embedding spread and effective rank on the head's bottleneck, and, at the
// end, the teacher's entropy on the test images.
//
// Measured at the default preset (25 epochs of batch 128, seed 1): kNN
// [@dino knn] and linear [@dino linear] against the random-init encoder's
// [@dino random-knn] and [@dino random-linear] (BYOL, the other momentum
// method without negatives: [@byol knn], [@byol linear]); on Fashion-MNIST
// kNN [@dino-fashion-mnist knn] ([@dino-fashion-mnist gain] over random
// init).
//
// It does not reach the bar of 10 kNN points over the random-init encoder
// on shapes, nor on Fashion-MNIST at the `fashion` preset's ten epochs and
// one seed (gain [@dino-fashion-mnist gain-interval], 95% interval on the
// 10,000 test images; [@dino-fashion-mnist pixels-gain] over the raw
// pixels), where it lands with the other methods without negatives. Tried
// on that data: twice the epochs (`-dataset fashion-mnist -epochs 20`, a
// run of its own): kNN [@dino-20ep-fashion-mnist knn] and linear
// [@dino-20ep-fashion-mnist linear], [@dino-20ep-fashion-mnist gain] over
// random init ([@dino-20ep-fashion-mnist gain-interval]). In that run
// (2026-12-04, at b4cf52c, 29 minutes on two cores with no other training)
// the kNN rose by about a point and reached the bar, with half the gain's
// interval under it, and the linear probe by half a point; its teacher grew
// more confident without collapsing (entropy per image
// [@dino-20ep-fashion-mnist measure-1] nats against
// [@dino-fashion-mnist measure-1] at ten epochs, of the mean target
// [@dino-20ep-fashion-mnist measure-2] against
// [@dino-fashion-mnist measure-2]; log K = 6.93).
// On the shapes it stays short. What was tried there, at the
// quick preset trained for 15 epochs (2,048 shapes images, batch 64, seed 1,
// 2026-12-03; kNN / linear, probing the teacher unless said): the defaults
// 11.8% / 19.8%; K = 256 prototypes 10.8% / 17.8%; a learning rate of 1e-3
// instead of 5e-3 10.4% / 12.4%; K = 256 with the paper's teacher momentum
// 0.996 10.8% / 14.6%; the student probed instead of the teacher 13.4% /
// 21.6% (kept); with it a constant teacher temperature of 0.04 (the
// paper's default) 12.2% / 22.0%. BYOL on the same budget: 16.8% / 27.8%.
// The teacher's targets stay close to uniform on shapes (their entropy per
// image is most of log K, below): DINO is known to need long schedules.
// The paper's multi-crop, four local views of 16 pixels beside the two
// global ones (`go run ./experiments/dino -local-crops 4`, a run of its own),
// reaches kNN [@dino-local4 knn] and linear [@dino-local4 linear] on the
// same budget — no better here — in more time (1,666 s against 624 s,
// each beside other runs and not side by side, so no clean ratio;
// 2026-12-03, at 84cd48d and 96a73bf), and its teacher's targets are nearer
// uniform still (5.88 nats per image against 5.54). Its 65,536 prototypes and hundreds of epochs
// are what is left to try.
package main

import (
	"cmp"
	"flag"
	"fmt"
	"math"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"

	"github.com/mega-ssl/mega/gomlxssl/augment"
	"github.com/mega-ssl/mega/gomlxssl/experiment"
	"github.com/mega-ssl/mega/gomlxssl/losses"
	"github.com/mega-ssl/mega/gomlxssl/method"
	"github.com/mega-ssl/mega/gomlxssl/models"
)

// ## The knobs
//
// The paper's temperatures: the student's $\tau_s$ = 0.1, the teacher's $\tau_t$
// warmed up linearly from 0.04 to 0.07 — over the first 30 of its 100+
// epochs, here over the first 30% of training (`-teacher-warmup`), since
// the budgets here run from 4 to 25 epochs. The centre's momentum 0.9, the
// teacher's momentum rising from 0.99 to 1 on a cosine schedule (the
// paper's base is 0.996 for hundreds of epochs; 0.99 is BYOL's and MoCo
// v3's here). The head is narrower than the paper's 2048 → 256 → 65,536:
// 512 wide, a bottleneck of 128 and K = 1,024 prototypes.
//
// Multi-crop (`-local-crops N`): besides the two global views, N small views
// of each image (16 pixels of a 32-pixel image, 12 of a 28-pixel one, each
// from 5–40% of its area, the paper's range) that only the student sees.
type config struct {
	StudentTemp, TeacherTemp, WarmupTeacherTemp, TeacherWarmup float64
	CentreMomentum, Momentum                                   float64
	Head                                                       models.DINOHead
	Local                                                      augment.LocalCrops
}

func defaults() config {
	return config{StudentTemp: 0.1, TeacherTemp: 0.07, WarmupTeacherTemp: 0.04, TeacherWarmup: 0.3,
		CentreMomentum: 0.9, Momentum: 0.99, Head: models.DINOHead{Hidden: 512, Bottleneck: 128, Prototypes: 1024},
		Local: augment.LocalCrops{Scale: [2]float64{0.05, 0.4}}}
}

// Flags makes each knob a flag.
func (c *config) Flags(fs *flag.FlagSet) {
	fs.Float64Var(&c.StudentTemp, "student-temp", c.StudentTemp, "temperature τ_s of the student's outputs")
	fs.Float64Var(&c.TeacherTemp, "teacher-temp", c.TeacherTemp, "temperature τ_t of the teacher's outputs after the warm-up")
	fs.Float64Var(&c.WarmupTeacherTemp, "warmup-teacher-temp", c.WarmupTeacherTemp, "the teacher's temperature at the first step")
	fs.Float64Var(&c.TeacherWarmup, "teacher-warmup", c.TeacherWarmup, "fraction of training over which the teacher's temperature rises to -teacher-temp")
	fs.Float64Var(&c.CentreMomentum, "centre-momentum", c.CentreMomentum, "momentum of the centre's moving average")
	fs.Float64Var(&c.Momentum, "momentum", c.Momentum, "base momentum of the teacher (raised to 1 on a cosine schedule)")
	c.Head.Flags(fs, "head")
	fs.IntVar(&c.Local.N, "local-crops", c.Local.N, "multi-crop: small local views per image, seen by the student only (0: none)")
	fs.IntVar(&c.Local.Size, "local-size", c.Local.Size, "multi-crop: the local views' side in pixels (0: half the image's, a multiple of 4)")
}

// Check refuses temperatures the loss cannot divide by, momenta outside
// [0, 1] and a head without width, before anything trains.
func (c *config) Check(trainSize, batch int) error {
	return cmp.Or(method.Positive("-student-temp", c.StudentTemp), method.Positive("-teacher-temp", c.TeacherTemp),
		method.Positive("-warmup-teacher-temp", c.WarmupTeacherTemp), method.UnitInterval("-teacher-warmup", c.TeacherWarmup, false),
		method.UnitInterval("-centre-momentum", c.CentreMomentum, false), method.UnitInterval("-momentum", c.Momentum, false),
		c.Head.Check("head"), c.checkLocal())
}

func (c *config) checkLocal() error {
	if c.Local.N < 0 || c.Local.Size < 0 {
		return fmt.Errorf("-local-crops %d and -local-size %d must not be negative", c.Local.N, c.Local.Size)
	}
	return nil
}

// checkEncoder refuses local views on a ViT: its position embeddings are
// learned for the global views' number of patches (the paper interpolates
// them; this ViT does not).
func (c *config) checkEncoder(enc models.Encoder) error {
	if _, vit := enc.(models.ViT); vit && c.Local.N > 0 {
		return fmt.Errorf("-local-crops %d needs an encoder that takes any image size (a convnet): %s learns its position embeddings for the global views' size", c.Local.N, enc.Name())
	}
	return nil
}

// ## Student, teacher and centre
//
// The student and the teacher are the same network — the encoder, then
// DINO's head (`models.DINOHead`: an MLP to a normalised bottleneck, then
// a weight-normalised layer to K outputs) — under scopes "online" and
// "target". The teacher gets no gradient; after each step it moves towards
// the student, $\theta_t \leftarrow m\,\theta_t + (1-m)\,\theta_s$
// (`models.UpdateTarget`, m on BYOL's cosine schedule). The centre $c$ is a
// variable of the method, outside the gradient like batch norm's running
// statistics.
func (c *config) network(enc models.Encoder) func(scope *model.Scope, x *Node) (h, z, out *Node) {
	return func(scope *model.Scope, x *Node) (h, z, out *Node) {
		h = enc.Apply(scope.In(method.EncoderScope), x)
		z, out = c.Head.Apply(scope.In("head"), h)
		return h, z, out
	}
}

func (c *config) centre(scope *model.Scope, g *Graph) *model.Variable {
	return scope.In("centre").WithInitializer(initializer.Zero).
		VariableWithShape("centre", shapes.Make(dtypes.Float32, c.Head.Prototypes)).SetTrainable(false)
}

// teacherTemp is τ_t at the step: linear from -warmup-teacher-temp to
// -teacher-temp over the warm-up, then constant.
func (c *config) teacherTemp(b method.Batch) *Node {
	warm := max(1, int(c.TeacherWarmup*float64(b.TotalSteps)))
	t := MinScalar(DivScalar(ConvertDType(b.Step, dtypes.Float32), float64(warm)), 1)
	return AddScalar(MulScalar(t, c.TeacherTemp-c.WarmupTeacherTemp), c.WarmupTeacherTemp)
}

// ## The loss
//
// Both views go through the student and the teacher. With
// $P_t(x) = \mathrm{softmax}((g_t(x) - c)/\tau_t)$ and
// $P_s(x) = \mathrm{softmax}(g_s(x)/\tau_s)$, each view's teacher target is
// predicted by the student from the other view:
//
// $$\mathcal{L} = \tfrac{1}{2}\left[H\big(P_t(x_1), P_s(x_2)\big) + H\big(P_t(x_2), P_s(x_1)\big)\right], \qquad H(a, b) = -\sum_k a_k \log b_k$$
//
// (`losses.DINO`, written for any number of crops and tested against a
// float64 reference of the paper's Algorithm 1; the teacher and the centre
// get no gradient). Then the centre follows the teacher's batch mean,
// $c \leftarrow 0.9\,c + 0.1\,\mathrm{mean}(g_t)$ (`losses.DINOCentre`).
//
// With multi-crop, the student also sees the local views, and every one of
// them predicts both global views' targets: the loss averages the
// cross-entropy over every pair of a teacher's global view and a student's
// other view, $\mathcal{L} = \frac{1}{P}\sum_{t \in \{1,2\}}\sum_{s \neq t} H(P_t(x_t), P_s(x_s))$,
// with P the number of such pairs.
// The local views go through the student in one batch of their own size
// (the convnet pools over whatever size it is given). The main run keeps two
// global views, solo-learn's CIFAR recipe; `-local-crops` is the paper's.
// Freezing the last layer in the first epoch is left out.
func (c *config) dino(enc models.Encoder) experiment.Method {
	network := c.network(enc)
	policy := augmentation()
	policy.Local = c.Local
	return experiment.Method{
		Augment: &policy,
		Loss: func(scope *model.Scope, b method.Batch) *Node {
			g := b.V1.Graph()
			x := method.BothViews(b.V1, b.V2)
			_, _, student := network(scope.In("online"), x)
			_, _, teacher := network(scope.In("target"), x)
			s1, s2 := method.SplitViews(student)
			students := []*Node{s1, s2}
			if n := len(b.Local); n > 0 { // the local views, through the same student in one batch
				_, _, local := network(scope.Shared("online"), Concatenate(b.Local, 0))
				students = append(students, Split(local, 0, n)...) // graph.Split: n equal parts
			}
			models.UpdateTarget(scope, g, "online", "target", models.CosineMomentum(b.Step, b.TotalSteps, c.Momentum))
			t1, t2 := method.SplitViews(StopGradient(teacher))
			centre := c.centre(scope, g)
			loss := losses.DINO(students, []*Node{t1, t2}, centre.NodeValue(g), c.StudentTemp, c.teacherTemp(b))
			centre.SetNodeValue(losses.DINOCentre(centre.NodeValue(g), []*Node{t1, t2}, c.CentreMomentum))
			return loss
		},
		// The probes read the student. The paper evaluates the teacher, the
		// better network of the two after hundreds of epochs; on these short
		// budgets the teacher lags behind: at the quick preset trained for 15
		// epochs (2026-12-03, seed 1) the teacher's kNN / linear were
		// 11.8% / 19.8%, the student's 13.4% / 21.6%.
		Embed: func(scope *model.Scope, x *Node) (h, z *Node) {
			h, z, _ = network(scope.In("online"), x)
			return h, z
		},
		Report: c.report(network),
	}
}

// ## Watching for collapse
//
// The two collapses DINO guards against show in the teacher's targets on
// the test images: one prototype for every image (the entropy of the
// *mean* target falls to 0) or the uniform distribution (each image's own
// target entropy rises to log K). A healthy teacher has confident targets
// per image (low entropy) spread over many prototypes (high entropy of the
// mean).
func (c *config) report(network func(*model.Scope, *Node) (h, z, out *Node)) func(a *experiment.Artifacts) error {
	return func(a *experiment.Artifacts) error {
		if !a.Final {
			return nil
		}
		n := min(a.Split.Test.Len(), 2000)
		k := c.Head.Prototypes
		mean := make([]float64, k)
		perImage := 0.0
		err := a.InferEach(n, 500, func(scope *model.Scope, in []*Node) []*Node {
			_, _, t := network(scope.In("target"), in[0])
			centre := c.centre(scope, in[0].Graph()).NodeValue(in[0].Graph())
			return []*Node{Softmax(DivScalar(Sub(t, ExpandAxes(centre, 0)), c.TeacherTemp), -1)}
		}, func(first, size int) []*tensors.Tensor {
			return []*tensors.Tensor{experiment.Images(a.Split.Test, first, size)}
		}, func(_, size int, out []*tensors.Tensor) error {
			p := tensors.MustCopyFlatData[float32](out[0])
			for i := range size {
				for j, v := range p[i*k : (i+1)*k] {
					mean[j] += float64(v) / float64(n)
					if v > 0 {
						perImage -= float64(v) * math.Log(float64(v)) / float64(n)
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		marginal := 0.0
		for _, v := range mean {
			if v > 0 {
				marginal -= v * math.Log(v)
			}
		}
		a.Measure("teacher entropy per image (nats)", perImage, fmt.Sprintf("mean entropy of the teacher's centred, sharpened targets (τ_t = %g) on %d test images; log K = %.2f would be uniform targets", c.TeacherTemp, n, math.Log(float64(k))))
		a.Measure("entropy of the mean target (nats)", marginal, fmt.Sprintf("entropy of the teacher's targets averaged over the same %d images; 0 would be one prototype for every image (collapse), log K = %.2f every prototype used equally", n, math.Log(float64(k))))
		return nil
	}
}

// ## Augmentation and running it
//
// SimCLR's views (`augment.SimCLRShapes`, adapted to gray data by the
// runner), the same as the other two-view methods; the shared runner
// writes `out/dino/`.
func augmentation() augment.Policy { return augment.SimCLRShapes() }

func spec() experiment.Spec {
	c := defaults()
	return experiment.Spec{Name: "dino", Title: "DINO", Config: &c, Augment: augmentation(), Build: c.dino,
		CheckEncoder: c.checkEncoder, Variant: c.variant, VariantFlags: []string{"local-crops"}}
}

// variant names a multi-crop run: dino-local4, "DINO (4 local crops)".
func (c *config) variant() (name, title string) {
	var v experiment.VariantName
	if c.Local.N > 0 {
		v.Add(fmt.Sprintf("local%d", c.Local.N), fmt.Sprintf("%d local crops", c.Local.N))
	}
	if c.Local.N > 0 && c.Local.Size > 0 {
		v.Add(fmt.Sprintf("px%d", c.Local.Size), fmt.Sprintf("%d px", c.Local.Size))
	}
	return v.Result("DINO")
}

func main() { experiment.Main(spec()) }
