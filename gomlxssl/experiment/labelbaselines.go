package experiment

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gomlx/compute"

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

// scratchProtocols are the protocols of one recipe a network trained from
// scratch is measured under: the run's (at each labelled fraction) and all
// of the labels for -scratch-epochs epochs — the supervised figure a
// pre-trained encoder's fine-tuning is measured against when labels are not
// scarce.
func scratchProtocols(rc recipe, o *Options) []Protocol {
	var ps []Protocol
	for _, f := range labelFractions {
		ps = append(ps, fineTuneProtocol(rc, f, o.FineTuneSteps, 0))
	}
	return append(ps, fineTuneProtocol(rc, 1, 0, o.ScratchEpochs))
}

// practitionerNet is the plain supervised network beside an encoder: a
// PoolNet of a ConvNet's widths; none for other encoders.
func practitionerNet(enc models.Encoder) (models.Encoder, bool) {
	c, ok := enc.(models.ConvNet)
	if !ok {
		return nil, false
	}
	return models.PoolNet{Widths: c.Widths}, true
}

// LabelBaselines trains, on the fine-tuning protocol's labelled images and
// with its recipe, the run's encoder from random initialisation (the talk's
// "supervised" row: the same network without pre-training) and the plain
// supervised network a practitioner would use (PoolNet), each also on all of
// the labels. They depend on the data, the encoder, the protocol's budget,
// the data seed and the model seed (-seed: each seed of a method is read
// against the baseline of its own seed), so they are cached in OUT/baselines/
// and shared by every experiment with the same settings.
func LabelBaselines(ctx context.Context, be compute.Backend, enc models.Encoder, split data.Split, o *Options) (labelBaselines, error) {
	var out labelBaselines
	rs, err := o.chosenRecipes()
	if err != nil {
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

// merge adds b's figures (another recipe's) to l's.
func (l *labelBaselines) merge(b labelBaselines) {
	for _, pair := range []struct{ dst, src **results.LabelBaseline }{{&l.Scratch, &b.Scratch}, {&l.Practitioner, &b.Practitioner}} {
		switch {
		case *pair.src == nil:
		case *pair.dst == nil:
			*pair.dst = *pair.src
		default:
			(*pair.dst).Scores = append((*pair.dst).Scores, (*pair.src).Scores...)
		}
	}
}

// recipeBaselines is LabelBaselines for one recipe, cached.
func recipeBaselines(ctx context.Context, be compute.Backend, enc models.Encoder, split data.Split, o *Options, rc recipe) (labelBaselines, error) {
	var out labelBaselines
	ps := scratchProtocols(rc, o)
	key := fmt.Sprintf("labels-v1-%s-train%d-test%d-%016x-%s-dataseed%d-seed%d-steps%d-epochs%d-%s", split.Train.Name,
		split.Train.Len(), split.Test.Len(), fingerprint(split), enc.Name(), o.DataSeed, o.Seed, o.FineTuneSteps, o.ScratchEpochs, rc.Flag)
	path := filepath.Join(o.baselines(), sanitize(key)+".json")
	unlock, err := lock(path)
	if err != nil {
		return out, err
	}
	defer unlock()
	if b, err := os.ReadFile(path); err == nil && json.Unmarshal(b, &out) == nil && out.Scratch != nil {
		return out, nil
	}
	type network struct {
		enc   models.Encoder
		title string
		dst   **results.LabelBaseline
	}
	nets := []network{{enc, "supervised from scratch (the same encoder)", &out.Scratch}}
	if p, ok := practitionerNet(enc); ok {
		nets = append(nets, network{p, "plain supervised convnet (max-pooled)", &out.Practitioner})
	}
	for _, n := range nets {
		scores, err := measure(ctx, ps, Measurement{Backend: be, Embed: encoderOnly(n.enc), Split: split, Seed: o.Seed,
			Label: "baseline " + n.enc.Name() + " from scratch"}, o.DataSeed)
		if err != nil {
			return out, fmt.Errorf("label-efficiency baseline: %w", err)
		}
		*n.dst = &results.LabelBaseline{Name: n.enc.Name(), Title: n.title, Seed: o.Seed, Scores: scores}
	}
	return out, results.WriteJSON(path, out)
}
