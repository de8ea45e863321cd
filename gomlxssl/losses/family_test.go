package losses

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/mega-ssl/mega/gomlxssl/backend/backendtest"
)

// cosine is the cosine similarity of two vectors, in float64.
func cosine(a, c []float64) float64 {
	var dot, na, nc float64
	for i := range a {
		dot += a[i] * c[i]
		na += a[i] * a[i]
		nc += c[i] * c[i]
	}
	return dot / (math.Sqrt(na) * math.Sqrt(nc))
}

// toTensor is rows as a float32 tensor [len(rows), len(rows[0])].
func toTensor(rows [][]float64) *tensors.Tensor {
	out := make([]float32, 0, len(rows)*len(rows[0]))
	for _, r := range rows {
		for _, v := range r {
			out = append(out, float32(v))
		}
	}
	return tensors.FromFlatDataAndDimensions(out, len(rows), len(rows[0]))
}

// The float64 references below are written from each paper's formula, with
// plain loops, independently of the graph code.

func column(z [][]float64, j int) []float64 {
	c := make([]float64, len(z))
	for i := range z {
		c[i] = z[i][j]
	}
	return c
}

func meanOf(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// barlowReference: C_ij = Σ_b ẑ1_bi ẑ2_bj / B with ẑ standardised per
// dimension over the batch (biased variance + 1e-5 under the root);
// L = Σ_i (1 − C_ii)² + λ Σ_{i≠j} C_ij².
func barlowReference(z1, z2 [][]float64, lambda float64) float64 {
	b, d := len(z1), len(z1[0])
	std := func(z [][]float64) [][]float64 {
		out := make([][]float64, b)
		for i := range out {
			out[i] = make([]float64, d)
		}
		for j := range d {
			c := column(z, j)
			m := meanOf(c)
			v := 0.0
			for _, x := range c {
				v += (x - m) * (x - m)
			}
			s := math.Sqrt(v/float64(b) + 1e-5)
			for i := range b {
				out[i][j] = (z[i][j] - m) / s
			}
		}
		return out
	}
	a, c := std(z1), std(z2)
	loss := 0.0
	for i := range d {
		for j := range d {
			cij := 0.0
			for k := range b {
				cij += a[k][i] * c[k][j]
			}
			cij /= float64(b)
			if i == j {
				loss += (1 - cij) * (1 - cij)
			} else {
				loss += lambda * cij * cij
			}
		}
	}
	return loss
}

// vicregReference follows Bardes et al.'s reference code: invariance is the
// mean squared difference; variance ½Σ_views mean_j relu(1 − √(Var_j + 1e-4))
// with the unbiased variance; covariance Σ_views Σ_{i≠j} Cov_ij² / D with
// Cov = centredᵀ·centred / (B − 1).
func vicregReference(z1, z2 [][]float64, w VICRegWeights) float64 {
	b, d := len(z1), len(z1[0])
	inv := 0.0
	for i := range b {
		for j := range d {
			inv += (z1[i][j] - z2[i][j]) * (z1[i][j] - z2[i][j])
		}
	}
	inv /= float64(b * d)
	var variance, covariance float64
	for _, z := range [][][]float64{z1, z2} {
		means := make([]float64, d)
		for j := range d {
			means[j] = meanOf(column(z, j))
		}
		for i := range d {
			for j := range d {
				cov := 0.0
				for k := range b {
					cov += (z[k][i] - means[i]) * (z[k][j] - means[j])
				}
				cov /= float64(b - 1)
				if i == j {
					variance += 0.5 * math.Max(0, 1-math.Sqrt(cov+1e-4)) / float64(d)
				} else {
					covariance += cov * cov / float64(d)
				}
			}
		}
	}
	return w.Invariance*inv + w.Variance*variance + w.Covariance*covariance
}

// hardNegReference is Robinson et al.'s eq. (4) estimator as their code
// computes it, for each of the 2B anchors over its 2B − 2 negatives.
func hardNegReference(z1, z2 [][]float64, tau, beta, tauPlus float64) float64 {
	z := append(append([][]float64{}, z1...), z2...)
	n, b := len(z), len(z1)
	cos := cosine
	N := float64(n - 2)
	total := 0.0
	for i := range n {
		pos := math.Exp(cos(z[i], z[(i+b)%n]) / tau)
		var sumImpNeg, sumImp float64
		for k := range n {
			if k == i || k == (i+b)%n {
				continue
			}
			neg := math.Exp(cos(z[i], z[k]) / tau)
			imp := math.Pow(neg, beta)
			sumImpNeg += imp * neg
			sumImp += imp
		}
		ng := (-tauPlus*N*pos + sumImpNeg/(sumImp/N)) / (1 - tauPlus)
		ng = math.Max(ng, N*math.Exp(-1/tau))
		total += -math.Log(pos / (pos + ng))
	}
	return total / float64(n)
}

func runLoss(t *testing.T, f func(a, b *Node) *Node, z1, z2 [][]float64) float64 {
	t.Helper()
	backend := backendtest.Go(t)
	flat := toTensor
	return float64(tensors.ToScalar[float32](MustExecOnce(backend, f, flat(z1), flat(z2))))
}

// rounded makes float64 rows exactly representable in float32, so that the
// reference sees the very inputs the graph sees.
func rounded(rows [][]float64) [][]float64 {
	for _, r := range rows {
		for j := range r {
			r[j] = float64(float32(r[j]))
		}
	}
	return rows
}

func checkClose(t *testing.T, name string, got, want float64) {
	t.Helper()
	if rel := math.Abs(got-want) / math.Max(math.Abs(want), 1e-6); rel > 1e-5 {
		t.Errorf("%s: graph %.8g, float64 reference %.8g (relative error %.2g)", name, got, want, rel)
	}
}

func TestBarlowTwinsMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 1))
	for _, tc := range []struct {
		b, d   int
		lambda float64
	}{{4, 2, 0.0051}, {16, 8, 0.1}, {64, 32, 0.0051 * 8191 / 31}} {
		z1, z2 := rounded(randomRows(rng, tc.b, tc.d)), rounded(randomRows(rng, tc.b, tc.d))
		// The second view correlated with the first, as in training.
		for i := range z2 {
			for j := range z2[i] {
				z2[i][j] = float64(float32(0.7*z1[i][j] + 0.3*z2[i][j]))
			}
		}
		got := runLoss(t, func(a, b *Node) *Node { return BarlowTwins(a, b, tc.lambda) }, z1, z2)
		checkClose(t, "BarlowTwins", got, barlowReference(z1, z2, tc.lambda))
	}
	// Hand-checked: identical views with uncorrelated, standardised columns
	// give C = I and a loss of ~0; opposite views give C = −I: (1 − (−1))² per
	// dimension.
	z := [][]float64{{1, 1}, {-1, 1}, {1, -1}, {-1, -1}}
	neg := [][]float64{{-1, -1}, {1, -1}, {-1, 1}, {1, 1}}
	if got := runLoss(t, func(a, b *Node) *Node { return BarlowTwins(a, b, 0.5) }, z, z); got > 1e-4 {
		t.Errorf("BarlowTwins(z, z) with decorrelated columns = %g, want ~0", got)
	}
	if got := runLoss(t, func(a, b *Node) *Node { return BarlowTwins(a, b, 0.5) }, z, neg); math.Abs(got-8) > 1e-3 {
		t.Errorf("BarlowTwins(z, −z) = %g, want 2·(1+1)² = 8", got)
	}
}

func TestVICRegMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 1))
	for _, tc := range []struct{ b, d int }{{4, 2}, {16, 8}, {64, 32}} {
		z1, z2 := rounded(randomRows(rng, tc.b, tc.d)), rounded(randomRows(rng, tc.b, tc.d))
		// Small spreads, so that the variance hinge is active for some dimensions.
		for i := range z1 {
			for j := range z1[i] {
				if j%2 == 0 {
					z1[i][j] = float64(float32(z1[i][j] * 0.3))
				}
			}
		}
		got := runLoss(t, func(a, b *Node) *Node { return VICReg(a, b, DefaultVICReg) }, z1, z2)
		checkClose(t, "VICReg", got, vicregReference(z1, z2, DefaultVICReg))
	}
	// Hand-checked: a collapsed batch (every row the same) has no invariance
	// or covariance loss and a variance loss of 1 − √1e-4 = 0.99 per branch
	// and dimension: L = 25 · ½ · 2 · 0.99 = 24.75.
	z := [][]float64{{0.5, -2}, {0.5, -2}, {0.5, -2}}
	if got := runLoss(t, func(a, b *Node) *Node { return VICReg(a, b, DefaultVICReg) }, z, z); math.Abs(got-24.75) > 1e-4 {
		t.Errorf("VICReg of a collapsed batch = %g, want 24.75", got)
	}
}

func TestHardNegativeMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 1))
	for _, tc := range []struct {
		b, d               int
		tau, beta, tauPlus float64
	}{{4, 8, 0.5, 1, 0.1}, {16, 32, 0.5, 1, 0.1}, {16, 32, 0.2, 0.5, 0.05}, {8, 16, 0.5, 0, 0.1}} {
		z1, z2 := rounded(randomRows(rng, tc.b, tc.d)), rounded(randomRows(rng, tc.b, tc.d))
		got := runLoss(t, func(a, b *Node) *Node { return HardNegative(a, b, tc.tau, tc.beta, tc.tauPlus) }, z1, z2)
		checkClose(t, "HardNegative", got, hardNegReference(z1, z2, tc.tau, tc.beta, tc.tauPlus))
	}
	// With β = 0 and τ⁺ = 0 it is NT-Xent.
	z1, z2 := rounded(randomRows(rng, 8, 16)), rounded(randomRows(rng, 8, 16))
	got := runLoss(t, func(a, b *Node) *Node { return HardNegative(a, b, 0.5, 0, 0) }, z1, z2)
	checkClose(t, "HardNegative(β=0, τ⁺=0) vs NT-Xent", got, ntxentReference(z1, z2, 0.5))
}

// simsiamReference: ½(−mean cos(p1_b, z2_b)) + ½(−mean cos(p2_b, z1_b)).
func simsiamReference(p1, p2, z1, z2 [][]float64) float64 {
	cos := cosine
	var s1, s2 float64
	for b := range p1 {
		s1 += cos(p1[b], z2[b])
		s2 += cos(p2[b], z1[b])
	}
	n := float64(len(p1))
	return -0.5*s1/n - 0.5*s2/n
}

func TestSimSiamMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 1))
	backend := backendtest.Go(t)
	flat := toTensor
	for _, tc := range []struct{ b, d int }{{2, 3}, {16, 32}, {64, 128}} {
		p1, p2 := rounded(randomRows(rng, tc.b, tc.d)), rounded(randomRows(rng, tc.b, tc.d))
		z1, z2 := rounded(randomRows(rng, tc.b, tc.d)), rounded(randomRows(rng, tc.b, tc.d))
		outs := MustExecOnceN(backend, func(p1, p2, z1, z2 *Node) []*Node {
			loss := SimSiam(p1, p2, z1, z2)
			g := Gradient(loss, p1, z1)
			return []*Node{loss, ReduceAllSum(Abs(g[1]))}
		}, flat(p1), flat(p2), flat(z1), flat(z2))
		checkClose(t, "SimSiam", float64(tensors.ToScalar[float32](outs[0])), simsiamReference(p1, p2, z1, z2))
		// The stop-gradient: no gradient reaches the projections.
		if g := tensors.ToScalar[float32](outs[1]); g != 0 {
			t.Errorf("gradient through the stop-gradient: Σ|∂L/∂z1| = %g", g)
		}
	}
	// Hand-checked: predictions equal to the other view's projections give −1.
	z := [][]float64{{1, 2}, {-3, 0.5}}
	if got := runLoss(t, func(a, b *Node) *Node { return SimSiam(a, b, b, a) }, z, [][]float64{{2, 4}, {-6, 1}}); math.Abs(got+1) > 1e-6 {
		t.Errorf("SimSiam with p1 ∥ z2, p2 ∥ z1 = %g, want −1", got)
	}
}

// infoNCEReference is MoCo's eq. (1) in float64 with cosine similarities;
// exclude[b][j] leaves negative j out of query b's sum.
func infoNCEReference(q, k, queue [][]float64, tau float64, exclude [][]bool) float64 {
	cos := cosine
	total := 0.0
	for b := range q {
		pos := math.Exp(cos(q[b], k[b]) / tau)
		denom := pos
		for j, n := range queue {
			if exclude != nil && exclude[b][j] {
				continue
			}
			denom += math.Exp(cos(q[b], n) / tau)
		}
		total += -math.Log(pos / denom)
	}
	return total / float64(len(q))
}

func TestInfoNCEMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 1))
	backend := backendtest.Go(t)
	flat := toTensor
	for _, tc := range []struct {
		b, d, k int
		tau     float64
	}{{2, 4, 3, 0.2}, {16, 32, 64, 0.1}, {8, 128, 256, 0.07}} {
		q, k := rounded(randomRows(rng, tc.b, tc.d)), rounded(randomRows(rng, tc.b, tc.d))
		queue := rounded(randomRows(rng, tc.k, tc.d))
		out := MustExecOnce(backend, func(q, k, queue *Node) *Node { return InfoNCE(q, k, queue, tc.tau, nil) }, flat(q), flat(k), flat(queue))
		checkClose(t, "InfoNCE", float64(tensors.ToScalar[float32](out)), infoNCEReference(q, k, queue, tc.tau, nil))
		// With some negatives left out of some queries' sums.
		exclude := make([][]bool, tc.b)
		mask := make([]bool, 0, tc.b*tc.k)
		for b := range exclude {
			exclude[b] = make([]bool, tc.k)
			for j := range exclude[b] {
				exclude[b][j] = rng.IntN(3) == 0
				mask = append(mask, exclude[b][j])
			}
		}
		out = MustExecOnce(backend, func(q, k, queue, ex *Node) *Node { return InfoNCE(q, k, queue, tc.tau, ex) },
			flat(q), flat(k), flat(queue), tensors.FromFlatDataAndDimensions(mask, tc.b, tc.k))
		checkClose(t, "InfoNCE with exclusions", float64(tensors.ToScalar[float32](out)), infoNCEReference(q, k, queue, tc.tau, exclude))
	}
	// Hand-checked: keys equal to the queries (cosine 1), τ = 0.2.
	q := [][]float64{{1, 0}, {0, 1}}
	queue := [][]float64{{-1, 0}, {0, -1}, {-1, 0}}
	out := MustExecOnce(backend, func(q, k, queue *Node) *Node { return InfoNCE(q, k, queue, 0.2, nil) }, flat(q), flat(q), flat(queue))
	// Row 0 sees negatives at cosines −1, 0, −1; row 1 at 0, −1, 0.
	row0 := -math.Log(math.Exp(5) / (math.Exp(5) + 2*math.Exp(-5) + 1))
	row1 := -math.Log(math.Exp(5) / (math.Exp(5) + math.Exp(-5) + 2))
	checkClose(t, "InfoNCE hand-checked", float64(tensors.ToScalar[float32](out)), (row0+row1)/2)
}
