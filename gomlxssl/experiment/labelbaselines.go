package experiment

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomlx/compute"

	"github.com/mega-ssl/mega/gomlxssl/atomicfile"
	"github.com/mega-ssl/mega/gomlxssl/data"
	"github.com/mega-ssl/mega/gomlxssl/models"
	"github.com/mega-ssl/mega/gomlxssl/results"
)

// labelBaselines are the supervised networks the fine-tuning protocol's
// figures are read against.
type labelBaselines struct {
	Scratch      *results.LabelBaseline `json:"scratch"`
	Practitioner *results.LabelBaseline `json:"practitioner,omitempty"`
}

// practitionerNet is the plain supervised network beside an encoder: a
// PoolNet of a ConvNet's widths; none for other encoders.
func practitionerNet(enc models.Encoder) (models.Encoder, bool) {
	c, ok := enc.(models.ConvNet)
	if !ok {
		return nil, false
	}
	return models.PoolNet(c), true
}

// LabelBaselines trains, on the fine-tuning protocol's labelled images and
// with its recipe, the run's encoder from random initialisation (the talk's
// "supervised" row: the same network without pre-training) and the plain
// supervised network a practitioner would use (PoolNet), each also on all of
// the labels. They depend on the data, the encoder, the protocol's budget,
// the data seed and the model seed (-seed: each seed of a method is read
// against the baseline of its own seed), so they are cached in OUT/baselines/
// and shared by every experiment with the same settings.
func LabelBaselines(ctx context.Context, be compute.Backend, enc models.Encoder, split data.Split, o *Plan) (labelBaselines, error) {
	var out labelBaselines
	rs, err := o.chosenRecipes()
	if err != nil {
		return out, err
	}
	if err := writeLabelledRows(split, o); err != nil {
		return out, err
	}
	for _, rc := range rs { // one cache entry per recipe: adding one reuses the others
		b, err := recipeBaselines(ctx, be, enc, split, o, rc)
		if err != nil {
			return out, err
		}
		out.merge(b)
	}
	return out, nil
}

// merge adds b's figures (another recipe's, or those of the finished run
// a resume evaluates again) that l lacks, network by network.
func (l *labelBaselines) merge(b labelBaselines) {
	l.Scratch, l.Practitioner = l.Scratch.With(b.Scratch), l.Practitioner.With(b.Practitioner)
}

// recipeBaselines is LabelBaselines for one recipe, cached.
func recipeBaselines(ctx context.Context, be compute.Backend, enc models.Encoder, split data.Split, o *Plan, rc recipe) (labelBaselines, error) {
	var out labelBaselines
	err := cachedBaseline(ctx, be, split, o, rc, &out, false, network{enc: enc, title: "supervised from scratch (the same encoder)",
		steps: o.FineTuneSteps})
	if err != nil {
		return out, err
	}
	if p, ok := practitionerNet(enc); ok {
		err = cachedBaseline(ctx, be, split, o, rc, &out, true, network{enc: p, title: "plain supervised convnet (max-pooled)",
			steps: practitionerSteps * o.FineTuneSteps})
	}
	return out, err
}

// practitionerSteps is how many times the protocol's steps the plain
// supervised convnet trains for on each fraction: the 3,000 steps of 64 with
// which its PyTorch bar was measured (docs/results.md gives the bar and what
// the protocol's 1,000 steps fell short by). The same encoder from scratch
// keeps the protocol's own budget: it is the talk's comparison.
const practitionerSteps = 3

// network is a baseline trained from scratch, with its steps on each
// labelled fraction.
type network struct {
	enc   models.Encoder
	title string
	steps int
}

// cachedBaseline measures a network from scratch under one recipe's
// protocols, or reads it from its cache entry (one file per network and
// recipe), into out's Scratch, or its Practitioner with practitioner set.
func cachedBaseline(ctx context.Context, be compute.Backend, split data.Split, o *Plan, rc recipe, out *labelBaselines, practitioner bool, n network) error {
	prefix, dst := "labels-v1", &out.Scratch
	if practitioner {
		prefix, dst = "practitioner-v1", &out.Practitioner
	}
	key := fmt.Sprintf("%s-%s-train%d-test%d-%016x-%s-dataseed%d-seed%d-steps%d-epochs%d-%s", prefix, split.Train.Name,
		split.Train.Len(), split.Test.Len(), fingerprint(split), n.enc.Name(), o.DataSeed, o.Seed, n.steps, o.ScratchEpochs, rc.Flag)
	path := filepath.Join(o.baselines(), sanitize(key)+".json")
	unlock, err := lock(path)
	if err != nil {
		return err
	}
	defer unlock()
	var cached labelBaselines
	if b, err := os.ReadFile(path); err == nil && json.Unmarshal(b, &cached) == nil {
		c := cached.Scratch
		if practitioner {
			c = cached.Practitioner
		}
		if c != nil {
			*dst = c
			return nil
		}
	}
	ps := []Protocol{}
	for _, f := range labelFractions {
		ps = append(ps, fineTuneProtocol(rc, f, n.steps, 0))
	}
	ps = append(ps, fineTuneProtocol(rc, 1, 0, o.ScratchEpochs))
	scores, err := measure(ctx, ps, Measurement{Backend: be, Embed: encoderOnly(n.enc), Split: split, Seed: o.Seed,
		Label: "baseline " + n.enc.Name() + " from scratch"}, o.DataSeed)
	if err != nil {
		return fmt.Errorf("label-efficiency baseline: %w", err)
	}
	*dst = &results.LabelBaseline{Name: n.enc.Name(), Title: n.title, Seed: o.Seed, Scores: scores}
	var file labelBaselines
	if practitioner {
		file.Practitioner = *dst
	} else {
		file.Scratch = *dst
	}
	return results.WriteJSON(path, file)
}

// writeLabelledRows writes, for each labelled fraction, the training rows
// every method and baseline fine-tunes on (one number a line) into
// OUT/baselines/, once: what a peer outside MEGA trains on to compare with
// the same images (gomlxssl/bench/peers/torch_fewlabels.py --rows).
func writeLabelledRows(split data.Split, o *Plan) error {
	for _, f := range labelFractions {
		path := filepath.Join(o.baselines(), sanitize(fmt.Sprintf("rows-%s-train%d-%016x-dataseed%d-%gpct.txt", split.Train.Name,
			split.Train.Len(), fingerprint(split), o.DataSeed, 100*f)))
		if _, err := os.Stat(path); err == nil {
			continue
		}
		var b strings.Builder
		for _, r := range labelledRows(split.Train, f, o.DataSeed) {
			fmt.Fprintln(&b, r)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := atomicfile.Write(path, []byte(b.String())); err != nil {
			return err
		}
	}
	return nil
}
