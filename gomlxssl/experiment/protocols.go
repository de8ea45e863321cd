package experiment

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mega-ssl/mega/gomlxssl/data"
	"github.com/mega-ssl/mega/gomlxssl/eval"
	"github.com/mega-ssl/mega/gomlxssl/results"
	"github.com/mega-ssl/mega/gomlxssl/train"
)

// Evaluation protocols beyond the frozen probes are data: each is one entry
// of the list protocols returns — its key, its title, its fraction of the
// labels and how it is computed (Measure) — and its figure reaches run.json
// with that description (results.Score), from which the summary, `run.go
// list`, the seeds' aggregate, the report's leaderboard, its Table 1, its
// label-efficiency chart and its citations are made without a line of their
// own. docs/adding-a-protocol.md says how to add one.

// Protocol is one evaluation protocol.
type Protocol struct {
	// Key names its figure (results.Score.Key); Title heads its column.
	Key, Title string
	// Kind is the protocol without the fraction ("fine-tuned").
	Kind string
	// Fraction of the training split's labels it fits on (each class's
	// share, drawn with the data seed: eval.FractionRows).
	Fraction float64
	// Measure computes its top-1 accuracy on the test split for a network
	// (embed's representation, the variables of init; a nil init is the
	// network at random initialisation), and the protocol line that says how.
	Measure func(ctx context.Context, m Measurement) (top1 float64, protocol string, err error)
}

// Measurement is what a protocol measures: a network and the data.
type Measurement struct {
	Backend compute.Backend
	Init    *model.Store
	Embed   train.EmbedFn
	Split   data.Split
	// Rows are the labelled images of the training split (the protocol's
	// fraction of each class, the same for every method and seed).
	Rows []int
	// Seed is the model seed (-seed): the classifier's initialisation and
	// the batches' order.
	Seed uint64
	// Label names the network on the progress line.
	Label string
}

// labelFractions are the fine-tuning protocol's labelled fractions: the
// talk's semi-supervised column (1%) and SimCLR's second (10%).
var labelFractions = []float64{0.01, 0.1}

// protocols are the protocols a run with options o measures, in their
// columns' order: each chosen fine-tuning recipe at each labelled fraction.
func protocols(o *Plan) ([]Protocol, error) {
	rs, err := o.chosenRecipes()
	if err != nil {
		return nil, err
	}
	var out []Protocol
	for _, rc := range rs {
		for _, f := range labelFractions {
			out = append(out, fineTuneProtocol(rc, f, o.FineTuneSteps, 0))
		}
	}
	return out, nil
}

// fineTuneProtocol is a recipe's protocol at a fraction of the labels:
// steps of training on them, or epochs over them when steps is 0 (the
// networks trained from scratch on all of the labels).
func fineTuneProtocol(rc recipe, fraction float64, steps, epochs int) Protocol {
	kind := "fine-tuned"
	if rc.Name != "" {
		kind += ", " + rc.Words
	}
	key := "finetune_" + strings.Trim(rc.Name+"_"+fractionKey(fraction), "_")
	return Protocol{Key: key, Title: fractionTitle(fraction) + ": " + kind, Kind: kind, Fraction: fraction,
		Measure: func(ctx context.Context, m Measurement) (float64, string, error) {
			labelled := m.Split.Train.Subset(m.Rows)
			j := fineTuneJob{be: m.Backend, init: m.Init, embed: m.Embed, labelled: labelled, test: m.Split.Test,
				classes: len(m.Split.Train.Classes), recipe: rc, steps: steps, epochs: epochs, seed: m.Seed,
				label: fmt.Sprintf("%s, %s", m.Label, strings.ToLower(fractionTitle(fraction)))}
			top1, taken, err := j.run(ctx)
			budget := fmt.Sprintf("%d steps", taken)
			if steps == 0 {
				budget = fmt.Sprintf("%s (%d steps)", plural(epochs, "epoch", "epochs"), taken)
			}
			return top1, fmt.Sprintf("the encoder and a linear classifier trained together on %d labelled images (%s), %s: "+
				"Adam, LR %g cosine-annealed to 0, no weight decay, batch %d, %s, model seed %d; top-1 on the %d test images",
				labelled.Len(), fractionWords(fraction), rc.Words, rc.LR, min(rc.Batch, labelled.Len()), budget, m.Seed, m.Split.Test.Len()), err
		}}
}

// fractionKey, fractionTitle and fractionWords name a fraction of the
// labels: "1pct", "1% labels", "1% of each class".
func fractionKey(f float64) string { return fmt.Sprintf("%gpct", 100*f) }

func fractionTitle(f float64) string {
	if f >= 1 {
		return "all labels"
	}
	return fmt.Sprintf("%g%% labels", 100*f)
}

func fractionWords(f float64) string {
	if f >= 1 {
		return "every training image"
	}
	return fmt.Sprintf("%g%% of each class, drawn with the data seed", 100*f)
}

// measure runs the protocols on one network and returns their figures.
func measure(ctx context.Context, ps []Protocol, m Measurement, dataSeed uint64) (results.Scores, error) {
	var out results.Scores
	for _, p := range ps {
		start := time.Now()
		m.Rows = labelledRows(m.Split.Train, p.Fraction, dataSeed)
		top1, protocol, err := p.Measure(ctx, m)
		if err != nil {
			return out, fmt.Errorf("%s (%s): %w", p.Title, m.Label, err)
		}
		s := results.Score{Key: p.Key, Title: p.Title, Kind: p.Kind, Fraction: p.Fraction, Labels: len(m.Rows), Value: top1,
			Test: m.Split.Test.Len(), Protocol: protocol, Seconds: time.Since(start).Seconds()}
		fmt.Fprintf(os.Stderr, "%s, %s: %.1f%% (%.0f s)\n", m.Label, strings.ToLower(p.Title), 100*top1, s.Seconds)
		out = append(out, s)
	}
	return out, nil
}

// labelledRows are the training images a protocol at fraction f fits on:
// all of them at 1, else eval.FractionRows (the frozen probes' 1% subset is
// the same images).
func labelledRows(train *data.Dataset, f float64, dataSeed uint64) []int {
	if f >= 1 {
		return seq(train.Len())
	}
	return eval.FractionRows(train.Labels, f, dataSeed)
}

// plural is "1 epoch", "10 epochs".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
