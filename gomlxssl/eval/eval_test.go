package eval

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// clusters makes n rows per class around well-separated class centres.
func clusters(rng *rand.Rand, classes, n, dim int, spread float64) Features {
	centres := make([][]float64, classes)
	for c := range centres {
		centres[c] = make([]float64, dim)
		for j := range centres[c] {
			centres[c][j] = rng.NormFloat64()
		}
	}
	f := Features{Dim: dim}
	for i := range classes * n {
		c := i % classes
		f.Labels = append(f.Labels, int32(c))
		for j := range dim {
			f.Data = append(f.Data, float32(centres[c][j]+spread*rng.NormFloat64()))
		}
	}
	return f
}

// knnReference is the weighted cosine kNN in float64 with a full sort.
func knnReference(train, test Features, k int, t float64, classes int) []int {
	var preds []int
	norm := func(f Features, i int) []float64 {
		row := make([]float64, f.Dim)
		var ss float64
		for j := range row {
			row[j] = float64(f.Data[i*f.Dim+j])
			ss += row[j] * row[j]
		}
		for j := range row {
			row[j] /= math.Sqrt(ss)
		}
		return row
	}
	for i := range test.Len() {
		q := norm(test, i)
		type ns struct {
			s float64
			j int
		}
		var all []ns
		for j := range train.Len() {
			r := norm(train, j)
			var s float64
			for d := range r {
				s += q[d] * r[d]
			}
			all = append(all, ns{s, j})
		}
		sort.Slice(all, func(a, b int) bool { return all[a].s > all[b].s })
		votes := make([]float64, classes)
		for _, n := range all[:k] {
			votes[train.Labels[n.j]] += math.Exp(n.s / t)
		}
		preds = append(preds, argmax(votes))
	}
	return preds
}

func TestKNNMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	train := clusters(rng, 4, 50, 8, 1.5) // overlapping: not every answer is right
	test := clusters(rng, 4, 20, 8, 1.5)
	for _, k := range []int{1, 7, 200} {
		preds := knnReference(train, test, min(k, train.Len()), 0.1, 4)
		correct := 0
		for i, p := range preds {
			if p == int(test.Labels[i]) {
				correct++
			}
		}
		want := float64(correct) / float64(test.Len())
		got, err := KNN{K: k, T: 0.1}.Accuracy(train, test, 4)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-want) > 1e-9 {
			t.Errorf("k=%d: accuracy %.4f, reference %.4f", k, got, want)
		}
	}
}

// Sizes that fill no whole panel, vector or block of four rows, and more
// query rows than one task takes, give the reference's answers too.
func TestKNNOddSizes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	train := clusters(rng, 7, 29, 13, 2) // 203 rows of 13
	test := clusters(rng, 7, 43, 13, 2)  // 301 rows: two tasks, the last of 45 rows
	for _, k := range []int{1, 7, 200} {
		preds := knnReference(train, test, k, 0.1, 7)
		correct := 0
		for i, p := range preds {
			if p == int(test.Labels[i]) {
				correct++
			}
		}
		got, err := KNN{K: k, T: 0.1}.Accuracy(train, test, 7)
		if err != nil {
			t.Fatal(err)
		}
		if want := float64(correct) / float64(test.Len()); math.Abs(got-want) > 1e-9 {
			t.Errorf("k=%d: accuracy %.4f, reference %.4f", k, got, want)
		}
	}
}

// The similarity kernel equals float64 dot products on every row and
// column, the padded ones left out.
func TestBankSimilarities(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	tr := clusters(rng, 3, 67, 19, 1) // 201 rows of 19
	q := clusters(rng, 1, 8, 19, 1)   // 8 rows
	b := newBank(tr)
	out := make([]float32, q.Len()*b.stride)
	similarities(&b, q.Data, q.Len(), out)
	for r := range q.Len() {
		for j := range tr.Len() {
			var want float64
			for d := range tr.Dim {
				want += float64(q.Data[r*q.Dim+d]) * float64(tr.Data[j*tr.Dim+d])
			}
			if got := float64(out[r*b.stride+j]); math.Abs(got-want) > 1e-4*(1+math.Abs(want)) {
				t.Fatalf("row %d, column %d: %g, want %g", r, j, got, want)
			}
		}
	}
}

func TestLinearProbe(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	all := clusters(rng, 10, 50, 16, 0.3) // train and test share the class centres
	train := Features{Dim: 16, Data: all.Data[:400*16], Labels: all.Labels[:400]}
	test := Features{Dim: 16, Data: all.Data[400*16:], Labels: append([]int32{}, all.Labels[400:]...)}
	res, err := Linear{}.Fit(train, test, 10)
	if err != nil {
		t.Fatal(err)
	}
	if res.Top1 < 0.95 || res.Top5 < res.Top1 {
		t.Errorf("separable clusters: top-1 %.3f, top-5 %.3f", res.Top1, res.Top5)
	}
	// Pure noise labels: the probe must not score far above chance on test.
	for i := range test.Labels {
		test.Labels[i] = int32(rng.IntN(10))
	}
	res, _ = Linear{}.Fit(train, test, 10)
	if res.Top1 > 0.3 {
		t.Errorf("random test labels: top-1 %.3f, want about 0.1", res.Top1)
	}
}

// The analytic gradient of the probe's loss matches central finite differences.
func TestSoftmaxGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	f := clusters(rng, 3, 5, 4, 1)
	mean, std := columnStats(f)
	x := standardise(f, mean, std)
	d, c := 4, 3
	p := make([]float64, (d+1)*c)
	for i := range p {
		p[i] = rng.NormFloat64()
	}
	logits := mat.NewDense(f.Len(), c, nil)
	grad := mat.NewDense(d+1, c, nil)
	softmaxLoss(x, f.Labels, p, d, c, logits, grad)
	g := grad.RawMatrix().Data
	for i := range p {
		const h = 1e-6
		old := p[i]
		p[i] = old + h
		up := softmaxLoss(x, f.Labels, p, d, c, logits, nil)
		p[i] = old - h
		down := softmaxLoss(x, f.Labels, p, d, c, logits, nil)
		p[i] = old
		if num := (up - down) / (2 * h); math.Abs(num-g[i]) > 1e-6 {
			t.Errorf("param %d: gradient %.8f, finite difference %.8f", i, g[i], num)
		}
	}
}

func TestCollapse(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	d := 64
	healthy := Features{Dim: d}
	collapsed := Features{Dim: d}
	for i := range 500 {
		healthy.Labels = append(healthy.Labels, 0)
		collapsed.Labels = append(collapsed.Labels, 0)
		for j := range d {
			healthy.Data = append(healthy.Data, float32(rng.NormFloat64()))
			collapsed.Data = append(collapsed.Data, float32(j+1)+float32(i%2)*1e-4)
		}
	}
	h, c := CollapseOf(healthy), CollapseOf(collapsed)
	if want := 1 / math.Sqrt(float64(d)); math.Abs(h.Std-want) > 0.1*want {
		t.Errorf("healthy std %.4f, want about 1/sqrt(d) = %.4f", h.Std, want)
	}
	if h.EffectiveRank < 0.8*float64(d) {
		t.Errorf("healthy effective rank %.1f of %d", h.EffectiveRank, d)
	}
	if c.Std > 1e-3 || c.EffectiveRank > 1.1 {
		t.Errorf("collapsed: std %.5f, effective rank %.2f; want ~0 and ~1", c.Std, c.EffectiveRank)
	}
}

func BenchmarkKNN(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 5))
	train := clusters(rng, 10, 1000, 128, 2) // 10,000 x 128
	test := clusters(rng, 10, 100, 128, 2)   // 1,000 x 128
	for b.Loop() {
		if _, err := (KNN{K: 200, T: 0.1}).Accuracy(train, test, 10); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(test.Len()*b.N)/b.Elapsed().Seconds(), "queries/s")
}

// The labelled subset takes the same fraction of every class, rows intact,
// and the same rows for the same seed.
func TestFraction(t *testing.T) {
	f := Features{Dim: 2}
	for i := range 850 {
		class := int32(i % 4) // 200 rows each
		if i >= 800 {
			class = 4 // a small class of 50 rows: 1% rounds up to one row
		}
		f.Labels = append(f.Labels, class)
		f.Data = append(f.Data, float32(i), float32(-i))
	}
	s := f.Fraction(0.01, 7)
	count := map[int32]int{}
	for i, l := range s.Labels {
		count[l]++
		row := int(s.Data[2*i])
		if s.Data[2*i+1] != -float32(row) || f.Labels[row] != l {
			t.Fatalf("row %d of the subset is not a row of the set with its label", i)
		}
	}
	for c, want := range []int{2, 2, 2, 2, 1} {
		if count[int32(c)] != want {
			t.Errorf("class %d: %d rows, want %d", c, count[int32(c)], want)
		}
	}
	if again := f.Fraction(0.01, 7); !slices.Equal(again.Data, s.Data) {
		t.Error("the same seed drew another subset")
	}
	if other := f.Fraction(0.01, 8); slices.Equal(other.Data, s.Data) {
		t.Error("another seed drew the same subset")
	}
}

// BenchmarkLinearProbe fits the probe on Fashion-MNIST-sized features
// (60,000 × 128, 10 classes) for 30 L-BFGS iterations.
func BenchmarkLinearProbe(b *testing.B) {
	rng := rand.New(rand.NewPCG(6, 6))
	train := clusters(rng, 10, 6000, 128, 4)
	test := clusters(rng, 10, 100, 128, 4)
	for b.Loop() {
		if _, err := (Linear{MaxIterations: 30}).Fit(train, test, 10); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkKNNFashion is the final kNN of a Fashion-MNIST run: 10,000
// queries against 60,000 rows of 128.
func BenchmarkKNNFashion(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 5))
	train := clusters(rng, 10, 6000, 128, 2)
	test := clusters(rng, 10, 1000, 128, 2)
	for b.Loop() {
		if _, err := (KNN{K: 200, T: 0.1}).Accuracy(train, test, 10); err != nil {
			b.Fatal(err)
		}
	}
}
