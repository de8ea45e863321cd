package experiment

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/mega-ssl/mega/gomlxssl/data"
	"github.com/mega-ssl/mega/gomlxssl/eval"
	"github.com/mega-ssl/mega/gomlxssl/results"
)

// pixelFeatures are a dataset's images as flat vectors in [0, 1]: the
// representation every encoder starts from.
func pixelFeatures(d *data.Dataset) eval.Features {
	return eval.Features{Data: d.Float32(0, d.Len()), Dim: d.ImageSize(), Labels: d.Labels}
}

// RawPixels scores the same probes as every method (kNN, linear, and both on
// 1% of the labels) on the flattened pixels: the bar a representation must
// clear to be worth more than the image it came from (on Fashion-MNIST the
// pixels are a strong baseline). It depends only on the data and the probes'
// settings, so it is computed once and cached in OUT/baselines/ for every
// encoder and method.
func RawPixels(split data.Split, o *Plan) (results.Baseline, error) {
	key := fmt.Sprintf("pixels-v2-%s-train%d-test%d-%016x-seed%d-k%d-t%g-probe%d", split.Train.Name, split.Train.Len(),
		split.Test.Len(), fingerprint(split), o.DataSeed, o.KNNK, o.KNNT, o.ProbeIterations)
	path := filepath.Join(o.baselines(), sanitize(key)+".json")
	var b results.Baseline
	unlock, err := lock(path)
	if err != nil {
		return b, err
	}
	defer unlock()
	if raw, err := os.ReadFile(path); err == nil && json.Unmarshal(raw, &b) == nil {
		return b, nil
	}
	start := time.Now()
	s, err := probe(pixelFeatures(split.Train), pixelFeatures(split.Test), len(split.Train.Classes), o)
	if err != nil {
		return b, fmt.Errorf("raw-pixel baseline: %w", err)
	}
	b = s.baseline(0)
	// The label-efficiency chart's pixel line: the same linear probe at
	// each fraction of the fine-tuning protocol, and on every label.
	train, test := pixelFeatures(split.Train), pixelFeatures(split.Test)
	for _, f := range append(append([]float64{}, labelFractions...), 1) {
		fit := s.LinearTop1
		if f < 1 {
			few := train.Fraction(f, o.DataSeed)
			res, err := eval.Linear{MaxIterations: o.ProbeIterations}.Fit(few, test, len(split.Train.Classes))
			if err != nil {
				return b, fmt.Errorf("raw-pixel baseline at %s: %w", fractionTitle(f), err)
			}
			fit = res.Top1
		}
		n := train.Len()
		if f < 1 {
			n = len(eval.FractionRows(train.Labels, f, o.DataSeed))
		}
		b.Scores = append(b.Scores, results.Score{Key: "linear_" + fractionKey(f), Title: fractionTitle(f) + ": linear probe",
			Kind: "linear probe", Fraction: f, Labels: n, Value: fit, Test: test.Len(),
			Protocol: fmt.Sprintf("softmax regression on the raw pixels of %d labelled images (%s), no regularisation, L-BFGS ≤ %d iterations",
				n, fractionWords(f), o.ProbeIterations)})
	}
	fmt.Fprintf(os.Stderr, "baseline raw pixels (%d values an image): kNN %.1f%%, linear %.1f%% (%.0f s, cached in %s)\n",
		split.Train.ImageSize(), 100*b.KNNTop1, 100*b.LinearTop1, time.Since(start).Seconds(), path)
	return b, results.WriteJSON(path, b)
}
