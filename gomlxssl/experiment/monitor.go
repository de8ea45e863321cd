package experiment

import (
	"fmt"
	"math"
	"os"
	"time"

	"github.com/mega-ssl/mega/gomlxssl/data"
	"github.com/mega-ssl/mega/gomlxssl/eval"
	"github.com/mega-ssl/mega/gomlxssl/results"
	"github.com/mega-ssl/mega/gomlxssl/train"
)

// epochMonitor measures the encoder after each epoch — the kNN accuracy on
// a stratified sample of the training images, the collapse figures — and
// writes the run's progress; after the last epoch it completes the
// features the final evaluation reuses.
type epochMonitor struct {
	r  *runner
	tr *train.Trainer
	// knnTrain is the sample the kNN searches, knnRows its images in the
	// training split (nil: all of them).
	knnTrain *data.Dataset
	knnRows  []int
}

// monitor is the run's monitor. It searches a stratified sample of
// -knn-train images (all of them when the split is no larger): never the
// first N, which in a class-ordered split would be a few classes.
func (r *runner) monitor(tr *train.Trainer) *epochMonitor {
	m := &epochMonitor{r: r, tr: tr, knnTrain: r.split.Train}
	if n := r.o.KNNTrain; n > 0 && n < m.knnTrain.Len() {
		m.knnRows = m.knnTrain.SampleIndices(n, r.o.DataSeed+2)
		m.knnTrain = m.knnTrain.Subset(m.knnRows)
	}
	return m
}

// epoch evaluates the epoch st ended, records its row and writes the
// run's files as they stand.
func (m *epochMonitor) epoch(st train.EpochStats) error {
	r, o := m.r, m.r.o
	start := time.Now()
	f, err := extract(r.be, m.tr.Store, r.method.Embed, m.knnTrain, r.split.Test)
	if err != nil {
		return err
	}
	r.last, r.lastStep = f, st.GlobalStep
	var knn float64 // 0 on data without labels: there is nothing to vote for
	if !r.run.Unlabelled {
		if knn, err = (eval.KNN{K: o.KNNK, T: o.KNNT}).Accuracy(f.hTrain, f.hTest, len(r.split.Train.Classes)); err != nil {
			return err
		}
	}
	col := eval.CollapseOf(f.zTest)
	r.rows = append(r.rows, results.EpochRow{Epoch: st.Epoch, Step: st.GlobalStep, Loss: st.Loss, KNNTop1: knn, LR: st.LR,
		EmbeddingStd: col.Std, EffectiveRank: col.EffectiveRank, Seconds: st.Seconds, ImagesPerS: st.ImagesPerS, IdleFrac: st.IdleFrac,
		EvalS: time.Since(start).Seconds()})
	if st.Epoch == o.Epochs && m.knnRows != nil {
		// The final evaluation embeds every image: the monitor's are
		// embedded already, so embed only the rest.
		ahead := time.Now()
		if r.last.hTrain, err = embedRest(r.be, m.tr.Store, r.method.Embed, r.split.Train, f.hTrain, m.knnRows); err != nil {
			return err
		}
		r.aheadS = time.Since(ahead).Seconds()
	}
	knnText := fmt.Sprintf("kNN top-1 %.1f%%, ", 100*knn)
	if r.run.Unlabelled {
		knnText = ""
	}
	fmt.Fprintf(os.Stderr, "%s epoch %d: %sembedding std %.3f (1/√d = %.3f), effective rank %.1f, data wait %.1f%%\n",
		r.spec.Name, st.Epoch, knnText, col.Std, 1/math.Sqrt(float64(f.zTest.Dim)), col.EffectiveRank, 100*st.IdleFrac)
	r.fillFromRows()
	if err := r.report(m.tr.Store, st.Epoch, false); err != nil {
		return err
	}
	return r.writeProgress()
}
