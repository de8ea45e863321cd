package experiment

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mega-ssl/mega/gomlxssl/backend/backendtest"
	"github.com/mega-ssl/mega/gomlxssl/data"
	"github.com/mega-ssl/mega/gomlxssl/eval"
	"github.com/mega-ssl/mega/gomlxssl/method"
	"github.com/mega-ssl/mega/gomlxssl/models"
	"github.com/mega-ssl/mega/gomlxssl/results"
)

func tinySplit() data.Split {
	return data.Shapes(data.ShapesConfig{Train: 200, Test: 40, Seed: 3})
}

// Fine-tuning is not a frozen probe: it trains the encoder's weights, from
// a copy of the pre-trained ones (the run's own store is left as it was).
func TestFineTuneChangesTheEncoder(t *testing.T) {
	be := backendtest.Go(t)
	split := tinySplit()
	enc := models.ConvNet{Widths: []int{16, 16}}
	embed := encoderOnly(enc)
	// A "pre-trained" store, as a finished run leaves it: trained a few
	// steps, so that it holds the optimiser's state too (Adam's moments
	// under /AdamOptimizer, the step and learning rate under /optimizers),
	// which the fine-tuning must not inherit.
	pre := model.NewStore()
	warm := fineTuneJob{be: be, embed: embed, labelled: split.Train, test: split.Test, classes: len(split.Train.Classes),
		recipe: recipes()[0], steps: 3, seed: 5, label: "pre-training"}
	if _, _, err := warm.runOn(context.Background(), pre); err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(slices.Collect(pre.IterVariables()), func(v *model.Variable) bool { return strings.HasPrefix(v.Path(), "/AdamOptimizer") }) {
		t.Fatal("the pre-trained store holds no Adam state: the check below could not fail")
	}
	const kernel = "/encoder/block0/conv/weights"
	weights := func(s *model.Store) []float32 {
		v := s.GetVariable(kernel)
		if v == nil {
			t.Fatalf("no variable %s", kernel)
		}
		return tensors.MustCopyFlatData[float32](v.MustValue())
	}
	before := weights(pre)
	rows := eval.FractionRows(split.Train.Labels, 0.2, 1)
	j := fineTuneJob{be: be, init: pre, embed: embed, labelled: split.Train.Subset(rows), test: split.Test,
		classes: len(split.Train.Classes), recipe: recipes()[0], steps: 6, seed: 1, label: "test"}
	store, err := startingPoint(j.init)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(weights(store), before) {
		t.Fatal("the starting point is not the pre-trained encoder")
	}
	for v := range store.IterVariables() {
		if strings.HasPrefix(v.Path(), "/optimizers") || strings.HasPrefix(v.Path(), "/AdamOptimizer") || v.Path() == "/global_step" {
			t.Errorf("the starting point carries the pre-training's optimiser state %s", v.Path())
		}
	}
	top1, steps, err := j.run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if steps < 6 || top1 < 0 || top1 > 1 {
		t.Fatalf("%d steps, top-1 %g", steps, top1)
	}
	if !slices.Equal(weights(pre), before) {
		t.Fatal("fine-tuning changed the run's own store")
	}
	// Train the same job again on a store we keep, and compare.
	tuned, err := startingPoint(pre)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := j.runOn(context.Background(), tuned); err != nil {
		t.Fatal(err)
	}
	after := weights(tuned)
	changed := 0
	for i := range after {
		if math.Abs(float64(after[i]-before[i])) > 1e-7 {
			changed++
		}
	}
	if changed < len(after)/2 {
		t.Fatalf("fine-tuning changed %d of the first layer's %d weights: the encoder is frozen", changed, len(after))
	}
}

// The labelled subset is each class's fraction, the same images for every
// call with the data seed — whatever the method or the model seed — and
// other images with another data seed.
func TestLabelledSubsetIsStratifiedAndShared(t *testing.T) {
	split := tinySplit()
	counts := split.Train.ClassCounts()
	rows := labelledRows(split.Train, 0.1, 1)
	got := make([]int, len(counts))
	for _, i := range rows {
		got[split.Train.Labels[i]]++
	}
	for c, n := range counts {
		if want := min(n, max(1, int(math.Ceil(0.1*float64(n))))); n > 0 && got[c] != want {
			t.Errorf("class %d: %d labelled of %d, want %d", c, got[c], n, want)
		}
	}
	if !slices.Equal(rows, labelledRows(split.Train, 0.1, 1)) {
		t.Fatal("the labelled subset changed between two calls")
	}
	if slices.Equal(rows, labelledRows(split.Train, 0.1, 2)) {
		t.Fatal("another data seed drew the same subset")
	}
	// The frozen probes' 1% subset is the same images.
	f := eval.Features{Dim: 1, Labels: split.Train.Labels, Data: make([]float32, split.Train.Len())}
	for i := range f.Data {
		f.Data[i] = float32(i)
	}
	few := f.Fraction(0.1, 1)
	for k, i := range rows {
		if int(few.Data[k]) != i {
			t.Fatalf("row %d: the frozen probe took image %v, the fine-tuning %d", k, few.Data[k], i)
		}
	}
	// They are written out for peers outside MEGA, one number a line.
	o := &Plan{Options: Options{BaselinesDir: t.TempDir(), DataSeed: 1}}
	if err := writeLabelledRows(split, o); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(o.BaselinesDir, "rows-shapes-train200-*-dataseed1-10pct.txt"))
	if len(files) != 1 {
		t.Fatalf("rows files %v", files)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Trim(strings.ReplaceAll(fmt.Sprint(rows), " ", "\n"), "[]") + "\n"; string(b) != want {
		t.Errorf("rows file %q, want %q", b, want)
	}
	// Every network a protocol measures — a run's, a baseline's, any seed's
	// — is handed the same rows.
	var seen [][]int
	p := Protocol{Key: "probe_test", Title: "test", Fraction: 0.1, Measure: func(_ context.Context, m Measurement) (float64, string, error) {
		seen = append(seen, m.Rows)
		return 0.5, "recorded", nil
	}}
	for seed := uint64(1); seed <= 2; seed++ {
		if _, err := measure(context.Background(), []Protocol{p}, Measurement{Split: split, Seed: seed, Label: "x"}, 1); err != nil {
			t.Fatal(err)
		}
	}
	if len(seen) != 2 || !slices.Equal(seen[0], rows) || !slices.Equal(seen[1], rows) {
		t.Fatal("a protocol was handed other rows than the labelled subset")
	}
}

// The baseline trained from scratch uses the run's labelled images and
// recipe: same key, same protocol line, only the starting point differs;
// and a protocol of the list reaches run.json with its description.
func TestBaselineSharesTheSubsetAndRecipe(t *testing.T) {
	dir := t.TempDir()
	o, fs := tinyOptions(t, dir, "-finetune-steps", "4", "-scratch-epochs", "1")
	r, err := planAndRun(context.Background(), tinySpec(func() {}), o, fs)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Scores) != 2 || r.Baselines.Scratch == nil || r.Baselines.Practitioner == nil {
		t.Fatalf("scores %v, scratch %v, practitioner %v", r.Scores, r.Baselines.Scratch, r.Baselines.Practitioner)
	}
	for _, s := range r.Scores {
		b, ok := r.Baselines.Scratch.Scores.Get(s.Key)
		if !ok {
			t.Fatalf("the baseline from scratch has no %s", s.Key)
		}
		if b.Protocol != s.Protocol || b.Labels != s.Labels {
			t.Errorf("%s: the run's protocol\n  %s (%d labels)\nthe baseline's\n  %s (%d labels)", s.Key, s.Protocol, s.Labels, b.Protocol, b.Labels)
		}
	}
	if _, ok := r.Baselines.Scratch.Scores.Get("finetune_100pct"); !ok {
		t.Error("the baseline from scratch has no figure on all of the labels")
	}
	back, err := results.ReadRun(dir + "/" + tinyRun + "/run.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Scores) != 2 || back.Scores[0].Key != "finetune_1pct" || back.Scores[1].Title != "10% labels: fine-tuned" {
		t.Fatalf("run.json's scores: %+v", back.Scores)
	}
	if s := Summary(back); !strings.Contains(s, "top-1 with few labels") || !strings.Contains(s, "10% labels: fine-tuned: the encoder") {
		t.Errorf("the summary leaves out the protocols:\n%s", s)
	}
}

func TestFineTuneFlagsFailClearly(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-finetune", "plain,strong"}, `unknown recipe "strong"`},
		{[]string{"-finetune-steps", "-3"}, "-finetune-steps -3"},
	} {
		o, fs := tinyOptions(t, t.TempDir(), c.args...)
		_, err := planAndRun(context.Background(), tinySpec(func() {}), o, fs)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want one saying %q", c.args, err, c.want)
		}
	}
}

// -resume of a finished run adds the protocols' figures without training
// again: a run made with -finetune none gains them, its epochs untouched;
// and a second recipe reuses the first's cached baselines.
func TestResumeAddsTheProtocols(t *testing.T) {
	out := t.TempDir()
	o, fs := tinyOptions(t, out, "-finetune", "none")
	r, err := planAndRun(context.Background(), tinySpec(func() {}), o, fs)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Scores) != 0 || r.Baselines.Scratch != nil {
		t.Fatalf("-finetune none measured %v", r.Scores)
	}
	trained := 0
	spec := tinySpec(func() {})
	build := spec.Build
	spec.Build = func(enc models.Encoder) Method {
		m := build(enc)
		loss := m.Loss
		m.Loss = func(scope *model.Scope, b method.Batch) *Node { trained++; return loss(scope, b) }
		return m
	}
	o, fs = tinyOptions(t, out, "-resume", "-finetune", "plain,crop-flip", "-finetune-steps", "3", "-scratch-epochs", "1")
	r, err = planAndRun(context.Background(), spec, o, fs)
	if err != nil {
		t.Fatal(err)
	}
	if trained != 0 {
		t.Errorf("the resumed run built its pre-training step %d times: it trained again", trained)
	}
	var keys []string
	for _, s := range r.Scores {
		keys = append(keys, s.Key)
	}
	if want := []string{"finetune_1pct", "finetune_10pct", "finetune_cropflip_1pct", "finetune_cropflip_10pct"}; !slices.Equal(keys, want) {
		t.Errorf("after -resume: scores %v, want %v", keys, want)
	}
	if r.Baselines.Scratch == nil || len(r.Baselines.Scratch.Scores) != 6 {
		t.Fatalf("the baseline from scratch: %+v, want both recipes at 1%%, 10%% and all labels", r.Baselines.Scratch)
	}
	if c, _ := r.Baselines.Scratch.Scores.Get("finetune_cropflip_1pct"); !strings.Contains(c.Protocol, "crop and flip") {
		t.Errorf("the crop-and-flip recipe's protocol: %q", c.Protocol)
	}
}

// A finished run resumed with fewer recipes keeps the others' figures: it
// is evaluated again on the same weights.
func TestResumeKeepsTheOtherRecipes(t *testing.T) {
	out := t.TempDir()
	o, fs := tinyOptions(t, out, "-finetune", "plain,crop-flip", "-finetune-steps", "3", "-scratch-epochs", "1")
	if _, err := planAndRun(context.Background(), tinySpec(func() {}), o, fs); err != nil {
		t.Fatal(err)
	}
	o, fs = tinyOptions(t, out, "-resume", "-finetune-steps", "3", "-scratch-epochs", "1")
	r, err := planAndRun(context.Background(), tinySpec(func() {}), o, fs)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Scores) != 4 {
		t.Errorf("after -resume with the plain recipe only: %d scores, want the crop-and-flip ones kept beside", len(r.Scores))
	}
	if r.Baselines.Scratch == nil || len(r.Baselines.Scratch.Scores) != 6 {
		t.Errorf("after -resume with the plain recipe only, the baseline from scratch: %+v, want both recipes' figures", r.Baselines.Scratch)
	}
}
