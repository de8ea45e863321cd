package experiment

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"

	"github.com/mega-ssl/mega/gomlxssl/augment"
	"github.com/mega-ssl/mega/gomlxssl/data"
	"github.com/mega-ssl/mega/gomlxssl/eval"
	"github.com/mega-ssl/mega/gomlxssl/method"
	"github.com/mega-ssl/mega/gomlxssl/models"
	"github.com/mega-ssl/mega/gomlxssl/results"
	"github.com/mega-ssl/mega/gomlxssl/train"
)

type runner struct {
	spec   Spec
	method Method
	o      *Plan
	enc    models.Encoder
	be     compute.Backend
	split  data.Split
	dir    string
	run    *results.Run
	rows   []results.EpochRow
	// last holds the features the latest epoch's monitor extracted, and the
	// step they were taken at: the final evaluation reuses them when they
	// cover the whole training split.
	last     features
	lastStep int
	// aheadS is the seconds the last epoch spent embedding the training
	// images its monitor's sample left out, for the final evaluation (which
	// counts them).
	aheadS float64
	// figures are the method's own (Artifacts.Figure).
	figures []results.Figure
	// classifier is the supervised baseline's checkpoint directory.
	classifier string
	// kept are the protocol figures of the finished run this one resumes,
	// on the same weights: those it does not measure again stay.
	kept          results.Scores
	keptBaselines labelBaselines
}

// report calls the method's Report, if any.
func (r *runner) report(store *model.Store, epoch int, final bool) error {
	if r.method.Report == nil {
		return nil
	}
	return r.method.Report(&Artifacts{Backend: r.be, Store: store, Split: r.split, Dir: r.dir, Epoch: epoch, Final: final, Seed: r.o.Seed, r: r})
}

// execute is the run after its preparation: the augmentation's figure,
// the baselines, training with the per-epoch monitor, the final evaluation
// and the protocols.
func (r *runner) execute(ctx context.Context) error {
	if err := r.augmentationFigure(); err != nil {
		return err
	}
	if !r.run.Unlabelled { // without labels there is nothing to compare with
		if err := r.baselines(ctx); err != nil {
			return err
		}
	}
	pipe, tr, err := r.trainer()
	if err != nil {
		return err
	}
	if err := r.resumeRows(tr); err != nil {
		return err
	}
	mon := r.monitor(tr)
	// A run killed after an epoch's checkpoint but before that epoch was
	// evaluated evaluates it now, so that its row is not lost.
	if st, ok := tr.LastEpoch(); r.o.Resume && ok && (len(r.rows) == 0 || r.rows[len(r.rows)-1].Epoch < st.Epoch) {
		fmt.Fprintf(os.Stderr, "%s: epoch %d was trained but not evaluated before the stop: evaluating it\n", r.spec.Name, st.Epoch)
		if err := mon.epoch(st); err != nil {
			return err
		}
	}
	inputs := func(b augment.Batch) []*tensors.Tensor { return train.Views(b, r.method.Labels) }
	if err := tr.Run(ctx, pipe, inputs, r.spec.Name, mon.epoch); err != nil {
		// Keep what the completed epochs measured (also after a resume that
		// was interrupted before its first epoch ended). Best effort: Run
		// writes run.json again with the final status.
		r.fillFromRows()
		_ = r.writeProgress()
		return err
	}
	if err := r.finalEval(tr, r.method); err != nil {
		return err
	}
	if r.run.Unlabelled {
		return nil
	}
	return r.fineTune(ctx, tr, r.method)
}

// baselines measures (or reads from the cache) what the run is compared
// with: the random-init and supervised encoders, raw pixels, and the
// networks trained from scratch on the fine-tuning protocol's labels.
func (r *runner) baselines(ctx context.Context) error {
	base, classifier, err := Baselines(ctx, r.be, r.enc, r.split, r.o)
	if err != nil {
		return fmt.Errorf("baselines: %w", err)
	}
	r.classifier = classifier
	pixels, err := RawPixels(r.split, r.o)
	if err != nil {
		return err
	}
	base.RawPixels = &pixels
	labelled, err := LabelBaselines(ctx, r.be, r.enc, r.split, r.o)
	if err != nil {
		return err
	}
	labelled.merge(r.keptBaselines)
	base.Scratch, base.Practitioner = labelled.Scratch, labelled.Practitioner
	r.run.Baselines = base
	return nil
}

// trainer is the augmentation pipeline and the trainer of the method's
// loss, from the checkpoint where -resume continues.
func (r *runner) trainer() (*augment.Pipeline, *train.Trainer, error) {
	o, m := r.o, r.method
	pipe := augment.NewPipeline(r.split.Train, r.spec.Augment, o.Batch, o.Seed, !r.spec.SingleView)
	cfg := o.trainConfig()
	cfg.PeakLRScopes, cfg.AdamBeta1 = m.PeakLRScopes, m.AdamBeta1
	steps := pipe.StepsPerEpoch()
	loss := func(scope *model.Scope, in []*Node) *Node {
		b := method.Batch{V1: in[0], StepsPerEpoch: steps, TotalSteps: steps * o.Epochs, TrainSize: r.split.Train.Len(),
			Step: optimizer.GetGlobalStepVar(scope).NodeValue(in[0].Graph())}
		in = in[1:]
		if !r.spec.SingleView {
			b.V2, in = in[0], in[1:]
			b.Local, in = in[:r.spec.Augment.Local.N], in[r.spec.Augment.Local.N:]
		}
		b.Index = in[0]
		if m.Labels {
			b.Label = in[1]
		}
		return m.Loss(scope, b)
	}
	tr, err := train.New(r.be, cfg, steps, loss, filepath.Join(r.dir, "checkpoint"), o.Resume)
	return pipe, tr, err
}

// resumeRows keeps, on -resume, the metrics.csv rows of the epochs the
// checkpoint has trained, and says where the run continues.
func (r *runner) resumeRows(tr *train.Trainer) error {
	if !r.o.Resume {
		return nil
	}
	rows, err := results.ReadMetrics(filepath.Join(r.dir, "metrics.csv"))
	if err != nil {
		return err
	}
	done := tr.GlobalStep() / tr.StepsPerEpoch()
	for _, row := range rows {
		if row.Epoch <= done {
			r.rows = append(r.rows, row)
		}
	}
	switch {
	case done >= r.o.Epochs:
		fmt.Fprintf(os.Stderr, "%s: all %d epochs were trained (step %d): evaluating\n", r.spec.Name, r.o.Epochs, tr.GlobalStep())
	case tr.GlobalStep() > 0:
		fmt.Fprintf(os.Stderr, "%s: resuming at step %d (epoch %d of %d)\n", r.spec.Name, tr.GlobalStep(), done+1, r.o.Epochs)
	}
	return nil
}

const evalBatch = 250

// finalEval probes the trained encoder and writes the final results.
func (r *runner) finalEval(tr *train.Trainer, m Method) error {
	start := time.Now()
	// The last epoch's monitor embedded every image (completed by embedRest
	// where it searched a sample): its seconds count here. Else embed now.
	f, ahead := r.last, r.aheadS
	featuresS := ahead
	if r.lastStep != tr.GlobalStep() || f.hTrain.Len() != r.split.Train.Len() {
		var err error
		if f, err = extract(r.be, tr.Store, m.Embed, r.split.Train, r.split.Test); err != nil {
			return err
		}
		ahead, featuresS = 0, time.Since(start).Seconds()
	}
	defer func() { r.run.FinalEvalS = ahead + time.Since(start).Seconds() }()
	hTest, zTest := f.hTest, f.zTest
	probeStart := time.Now()
	var scores Scores
	if !r.run.Unlabelled {
		var err error
		if scores, err = probe(f.hTrain, hTest, len(r.split.Train.Classes), r.o); err != nil {
			return err
		}
	}
	probesS := time.Since(probeStart).Seconds()
	defer func() {
		total := ahead + time.Since(start).Seconds()
		fmt.Fprintf(os.Stderr, "%s: final evaluation %.0f s: features %.0f s, probes %.0f s (kNN, linear, 1%% labels), figures and files %.0f s\n",
			r.spec.Name, total, featuresS, probesS, total-featuresS-probesS)
	}()
	col := eval.CollapseOf(zTest)
	r.run.Metrics = results.Metrics{KNNTop1: scores.KNNTop1, KNNK: r.o.KNNK, KNNT: r.o.KNNT, LinearTop1: scores.LinearTop1,
		LinearTop5: scores.LinearTop5, KNNTop1OnePct: scores.KNNTop1OnePct, LinearTop1OnePct: scores.LinearTop1OnePct,
		OnePctLabels: scores.OnePctLabels, EmbeddingStd: col.Std, EffectiveRank: col.EffectiveRank, Epochs: r.o.Epochs,
		ImagesPerS: r.meanImagesPerS()}
	r.run.Collapsed = Collapsed(col, zTest.Dim)
	if m.Pretext != nil {
		acc, err := train.Mean(r.be, tr.Store, m.Pretext, r.split.Test, evalBatch)
		if err != nil {
			return err
		}
		r.run.Metrics.PretextAccuracy = &acc
	}
	if err := r.report(tr.Store, r.o.Epochs, true); err != nil {
		return err
	}
	if !r.run.Unlabelled {
		if err := writeNeighbours(r.be, r.enc, r.split, r.o, r.dir, r.run.Title, f.hTrain, hTest); err != nil {
			return err
		}
	}
	n := min(r.o.Embeddings, hTest.Len())
	if err := results.WriteEmbeddings(filepath.Join(r.dir, "embeddings.csv"), hTest.Data[:n*hTest.Dim], hTest.Dim,
		hTest.Labels[:n], r.split.Test.Classes); err != nil {
		return err
	}
	return r.writeProgress()
}

// fineTune measures the trained network under the evaluation protocols
// (fine-tuning on fractions of the labels) and writes them to run.json, its
// time apart from the final evaluation's (finetune_s). It comes last, after
// the frozen probes are written: a stop during it (Ctrl-C)
// keeps them, and -resume evaluates the finished run again with no training.
func (r *runner) fineTune(ctx context.Context, tr *train.Trainer, m Method) error {
	ps, err := protocols(r.o)
	if err != nil {
		return err
	}
	start := time.Now()
	scores, err := measure(ctx, ps, Measurement{Backend: r.be, Init: tr.Store, Embed: m.Embed, Split: r.split, Seed: r.o.Seed,
		Label: r.spec.Name}, r.o.DataSeed)
	if err != nil {
		return err
	}
	for _, s := range r.kept {
		if _, ok := scores.Get(s.Key); !ok {
			scores = append(scores, s)
		}
	}
	r.run.Scores = scores
	r.run.FineTuneS = time.Since(start).Seconds()
	return r.writeProgress()
}

// embedRest returns the features of every image of split, in its order: the
// monitor's sample's as it embedded them (rows are their images in split),
// and the others embedded now.
func embedRest(be compute.Backend, store *model.Store, embed train.EmbedFn, split *data.Dataset, sample eval.Features, rows []int) (eval.Features, error) {
	inSample := make([]bool, split.Len())
	for _, i := range rows {
		inSample[i] = true
	}
	var rest []int
	for i, in := range inSample {
		if !in {
			rest = append(rest, i)
		}
	}
	h, _, err := train.Extract(be, store, embed, split.Subset(rest), evalBatch)
	if err != nil {
		return h, err
	}
	d := h.Dim
	all := eval.Features{Dim: d, Labels: split.Labels, Data: make([]float32, split.Len()*d)}
	for k, i := range rows {
		copy(all.Data[i*d:(i+1)*d], sample.Data[k*d:(k+1)*d])
	}
	for k, i := range rest {
		copy(all.Data[i*d:(i+1)*d], h.Data[k*d:(k+1)*d])
	}
	return all, nil
}

// Collapsed flags embeddings whose spread fell below a fifth of the healthy
// 1/√d, or whose effective rank is under 2: the run is then not a result.
func Collapsed(c eval.Collapse, dim int) bool {
	return c.Std*math.Sqrt(float64(dim)) < 0.2 || c.EffectiveRank < 2
}

// fillFromRows records the last monitored epoch as the metrics of a partial run.
