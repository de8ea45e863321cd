package experiment

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mega-ssl/mega/gomlxssl/augment"
	"github.com/mega-ssl/mega/gomlxssl/data"
	"github.com/mega-ssl/mega/gomlxssl/eval"
	"github.com/mega-ssl/mega/gomlxssl/losses"
	"github.com/mega-ssl/mega/gomlxssl/models"
	"github.com/mega-ssl/mega/gomlxssl/results"
	"github.com/mega-ssl/mega/gomlxssl/train"
)

// Scores are the accuracies of the talk's protocol on frozen features: with
// every training label, and with 1% of them (the semi-supervised columns).
type Scores struct {
	KNNTop1, LinearTop1, LinearTop5 float64
	KNNTop1OnePct, LinearTop1OnePct float64
	OnePctLabels                    int
}

func (s Scores) baseline(epochs int) results.Baseline {
	return results.Baseline{KNNTop1: s.KNNTop1, LinearTop1: s.LinearTop1, LinearTop5: s.LinearTop5,
		KNNTop1OnePct: s.KNNTop1OnePct, LinearTop1OnePct: s.LinearTop1OnePct, Epochs: epochs}
}

// onePct is the fraction of labels of the semi-supervised setting.
const onePct = 0.01

// probe runs the kNN classifier and the linear probe on frozen features,
// fitted on the whole training split and on 1% of its labels.
func probe(hTrain, hTest eval.Features, classes int, o *Plan) (Scores, error) {
	knn := eval.KNN{K: o.KNNK, T: o.KNNT}
	linear := eval.Linear{MaxIterations: o.ProbeIterations}
	few := hTrain.Fraction(onePct, o.DataSeed) // one subset for every seed
	s := Scores{OnePctLabels: few.Len()}
	var err error
	if s.KNNTop1, err = knn.Accuracy(hTrain, hTest, classes); err != nil {
		return s, err
	}
	if s.KNNTop1OnePct, err = knn.Accuracy(few, hTest, classes); err != nil {
		return s, err
	}
	full, err := linear.Fit(hTrain, hTest, classes)
	if err != nil {
		return s, err
	}
	part, err := linear.Fit(few, hTest, classes)
	if err != nil {
		return s, err
	}
	s.LinearTop1, s.LinearTop5, s.LinearTop1OnePct = full.Top1, full.Top5, part.Top1
	return s, nil
}

// fingerprint hashes the pixels and labels of both splits, so that cached
// baselines are never reused for other data (a changed generator, other files).
func fingerprint(s data.Split) uint64 {
	h := fnv.New64a()
	for _, d := range []*data.Dataset{s.Train, s.Test} {
		h.Write(d.Pixels)
		for _, l := range d.Labels {
			h.Write([]byte{byte(l), byte(l >> 8)})
		}
	}
	return h.Sum64()
}

// features are the frozen representations of both splits, and the test
// split's projections (for the collapse figures).
type features struct {
	hTrain, hTest, zTest eval.Features
}

// extract embeds a training set and a test set with the weights in store.
func extract(be compute.Backend, store *model.Store, embed train.EmbedFn, trainSet, testSet *data.Dataset) (features, error) {
	var f features
	var err error
	if f.hTrain, _, err = train.Extract(be, store, embed, trainSet, evalBatch); err != nil {
		return f, err
	}
	f.hTest, f.zTest, err = train.Extract(be, store, embed, testSet, evalBatch)
	return f, err
}

// encoderOnly embeds with the bare encoder, under the scope name every method
// uses for its encoder ("encoder").
func encoderOnly(enc models.Encoder) train.EmbedFn {
	return func(scope *model.Scope, x *Node) (*Node, *Node) {
		h := enc.Apply(scope.In("encoder"), x)
		return h, h
	}
}

// supervisedLogits is the supervised baseline's network: the encoder (scope
// "encoder") and a linear classifier (scope "classifier").
func supervisedLogits(enc models.Encoder, classes int, scope *model.Scope, x *Node) *Node {
	return layers.DenseWithBias(scope.In("classifier"), enc.Apply(scope.In("encoder"), x), classes)
}

// Baselines evaluates the floor and the ceiling under the same protocol as the
// methods: the encoder at random initialisation, and the encoder trained with
// labels (cross-entropy through a linear layer, crop + flip augmentation,
// -supervised-epochs epochs). Both depend only on the data, the encoder, the
// budget and the data seed (-data-seed: every -seed of a method shares
// them), so they are cached in OUT/baselines/ and shared by
// every experiment with the same settings. The supervised classifier's
// checkpoint is kept beside them (the directory returned), for methods that
// classify their own images (a GAN's samples).
func Baselines(ctx context.Context, be compute.Backend, enc models.Encoder, split data.Split, o *Plan) (results.Baselines, string, error) {
	batch := o.BaselineBatch
	if batch == 0 || split.Train.Len() < batch {
		batch = o.Batch // a training set smaller than the preset's batch
	}
	key := fmt.Sprintf("v3-%s-train%d-test%d-%016x-%s-seed%d-sup%d-batch%d-lr%g-k%d-t%g-probe%d", split.Train.Name, split.Train.Len(),
		split.Test.Len(), fingerprint(split), enc.Name(), o.DataSeed, o.SupervisedEpochs, batch, o.BaselineLR, o.KNNK, o.KNNT, o.ProbeIterations)
	path := filepath.Join(o.baselines(), sanitize(key)+".json")
	classifier := strings.TrimSuffix(path, ".json") + "-classifier"
	var cached results.Baselines
	unlock, err := lock(path)
	if err != nil {
		return cached, "", err
	}
	defer unlock()
	if b, err := os.ReadFile(path); err == nil {
		saved, _ := filepath.Glob(filepath.Join(classifier, "*.json"))
		if err := json.Unmarshal(b, &cached); err == nil && len(saved) > 0 {
			return cached, classifier, nil
		}
	}
	classes := len(split.Train.Classes)
	// The floor: the same architecture, untrained.
	store := model.NewStore()
	if err := store.SetRNGStateFromSeed(int64(o.DataSeed)); err != nil {
		return cached, "", err
	}
	f, err := extract(be, store, encoderOnly(enc), split.Train, split.Test)
	if err != nil {
		return cached, "", err
	}
	floor, err := probe(f.hTrain, f.hTest, classes, o)
	if err != nil {
		return cached, "", err
	}
	fmt.Fprintf(os.Stderr, "baseline random-init %s: kNN %.1f%%, linear %.1f%%\n", enc.Name(), 100*floor.KNNTop1, 100*floor.LinearTop1)

	// The ceiling: the same architecture, trained with labels.
	pipe := augment.NewPipeline(split.Train, augment.Supervised().ForData(split.Train.Name, split.Train.Channels), batch, o.DataSeed, false)
	cfg := train.Config{Epochs: o.SupervisedEpochs, BatchSize: batch, Optimizer: "adam", LR: o.BaselineLR, WarmupEpochs: min(1, o.SupervisedEpochs-1), Seed: o.DataSeed}
	loss := func(scope *model.Scope, in []*Node) *Node {
		return losses.CrossEntropy(supervisedLogits(enc, classes, scope, in[0]), in[1])
	}
	tr, err := train.New(be, cfg, pipe.StepsPerEpoch(), loss, classifier, false)
	if err != nil {
		return cached, "", err
	}
	if err := tr.Run(ctx, pipe, train.ViewAndLabels, "supervised baseline", nil); err != nil {
		return cached, "", err
	}
	if f, err = extract(be, tr.Store, encoderOnly(enc), split.Train, split.Test); err != nil {
		return cached, "", err
	}
	ceil, err := probe(f.hTrain, f.hTest, classes, o)
	if err != nil {
		return cached, "", err
	}
	fmt.Fprintf(os.Stderr, "baseline supervised %s (%d epochs): kNN %.1f%%, linear %.1f%%\n", enc.Name(), o.SupervisedEpochs, 100*ceil.KNNTop1, 100*ceil.LinearTop1)
	out := results.Baselines{
		RandomInit: floor.baseline(0),
		Supervised: ceil.baseline(o.SupervisedEpochs),
	}
	return out, classifier, results.WriteJSON(path, out)
}

// lock takes an exclusive lock on path+".lock" (creating the directory), so
// that two runs sharing a baselines cache compute an entry once: the second
// waits, then finds it cached. The lock is released when the process ends,
// whatever the way.
func lock(path string) (unlock func(), err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("locking %s: %w", f.Name(), err)
	}
	return func() { f.Close() }, nil
}
