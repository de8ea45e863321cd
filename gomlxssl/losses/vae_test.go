package losses

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/mega-ssl/mega/gomlxssl/backend/backendtest"
)

// klByQuadrature is KL(N(μ, σ²) ‖ N(0, 1)) = ∫ q(z) log(q(z)/p(z)) dz by
// Simpson's rule over μ ± 12σ: independent of the closed form.
func klByQuadrature(mu, logVar float64) float64 {
	sigma := math.Exp(logVar / 2)
	lo, hi := mu-12*sigma, mu+12*sigma
	const n = 20000
	h := (hi - lo) / n
	f := func(z float64) float64 {
		logQ := -0.5*math.Log(2*math.Pi) - math.Log(sigma) - (z-mu)*(z-mu)/(2*sigma*sigma)
		logP := -0.5*math.Log(2*math.Pi) - z*z/2
		return math.Exp(logQ) * (logQ - logP)
	}
	s := f(lo) + f(hi)
	for i := 1; i < n; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		s += w * f(lo+float64(i)*h)
	}
	return s * h / 3
}

func TestGaussianKLMatchesQuadrature(t *testing.T) {
	be := backendtest.Go(t)
	rng := rand.New(rand.NewPCG(12, 1))
	mu, logVar := rounded(randomRows(rng, 4, 8)), rounded(randomRows(rng, 4, 8))
	for _, r := range logVar {
		for j := range r {
			r[j] = float64(float32(r[j] * 1.5)) // σ from about 0.1 to 10
		}
	}
	got := tensors.MustCopyFlatData[float32](MustExecOnce(be, GaussianKL, toTensor(mu), toTensor(logVar)))
	for i := range mu {
		for j := range mu[i] {
			want := klByQuadrature(mu[i][j], logVar[i][j])
			if g := float64(got[i*8+j]); math.Abs(g-want) > 1e-5*math.Max(1, want) {
				t.Errorf("KL(μ=%.3f, log σ²=%.3f) = %.7f, quadrature %.7f", mu[i][j], logVar[i][j], g, want)
			}
		}
	}
}

// A hand-computed ELBO: two pixels with logits 0 and 2 and values 1 and
// 0.5: softplus(0) − 0 = log 2 and softplus(2) − 1; one latent with μ = 0.5,
// σ = 1: KL ½·0.25 = 0.125, weighed by β = 2.
func TestNegativeELBOHandChecked(t *testing.T) {
	be := backendtest.Go(t)
	out := MustExecOnce(be, func(logits, x, mu, logVar *Node) *Node {
		return NegativeELBO(logits, x, mu, logVar, Const(logits.Graph(), float32(2)), 0)
	},
		tensors.FromFlatDataAndDimensions([]float32{0, 2}, 1, 1, 2, 1), tensors.FromFlatDataAndDimensions([]float32{1, 0.5}, 1, 1, 2, 1),
		tensors.FromFlatDataAndDimensions([]float32{0.5}, 1, 1), tensors.FromFlatDataAndDimensions([]float32{0}, 1, 1))
	want := math.Log(2) + (math.Log1p(math.Exp(2)) - 1) + 2*0.125
	if got := float64(tensors.ToScalar[float32](out)); math.Abs(got-want) > 1e-6 {
		t.Errorf("−ELBO = %.7f, want %.7f", got, want)
	}
}

// Free bits: a dimension whose batch-mean KL is below λ costs λ, one above
// costs its KL. Two images, two dimensions: dimension 0 has KL ½·0.25 =
// 0.125 in both (μ = ±0.5), dimension 1 has 0 and ½·4 = 2 (mean 1); with
// λ = 0.5 the KL term is 0.5 + 1, without it 0.125 + 1.
func TestFreeBits(t *testing.T) {
	be := backendtest.Go(t)
	kl := func(freeBits float64) float64 {
		out := MustExecOnce(be, func(logits, x, mu, logVar *Node) *Node {
			return NegativeELBO(logits, x, mu, logVar, Const(logits.Graph(), float32(1)), freeBits)
		}, tensors.FromFlatDataAndDimensions([]float32{0, 0}, 2, 1, 1, 1), tensors.FromFlatDataAndDimensions([]float32{0, 0}, 2, 1, 1, 1),
			tensors.FromFlatDataAndDimensions([]float32{0.5, 0, -0.5, 2}, 2, 2), tensors.FromFlatDataAndDimensions([]float32{0, 0, 0, 0}, 2, 2))
		return float64(tensors.ToScalar[float32](out)) - math.Log(2) // minus the reconstruction: softplus(0) per pixel
	}
	if got := kl(0); math.Abs(got-1.125) > 1e-6 {
		t.Errorf("KL term without free bits = %.6f, want 1.125", got)
	}
	if got := kl(0.5); math.Abs(got-1.5) > 1e-6 {
		t.Errorf("KL term with 0.5 free bits = %.6f, want 1.5", got)
	}
}
