package results

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat"
)

// SeedsFile is the aggregate's file name, in the directory of the first
// seed's run.
const SeedsFile = "seeds.json"

// Seeds is the aggregate of one experiment (or variant) trained with
// several seeds on the same data: every metric's mean, standard deviation
// and per-seed values, and the per-epoch curves' mean and spread.
type Seeds struct {
	Experiment string `json:"experiment"`
	Variant    string `json:"variant,omitempty"`
	Title      string `json:"title"`
	// Seeds are the model and augmentation seeds (-seed), one run each;
	// Dirs their runs' directories, relative to the aggregate's parent
	// (out/): "simclr", "simclr-seed2", …
	Seeds []uint64 `json:"seeds"`
	Dirs  []string `json:"dirs"`
	// DataSeed is the seed of the data every run shared (-data-seed).
	DataSeed uint64 `json:"data_seed"`
	// Metrics are the final figures ("knn_top1", "linear_top1", …, the
	// names of run.json's metrics).
	Metrics map[string]Spread `json:"metrics"`
	// Scores describe the protocol figures among Metrics (the first run's
	// Scores; their values are the first seed's, the spread is in Metrics).
	Scores Scores `json:"scores,omitempty"`
	// Curves are the per-epoch figures of metrics.csv ("loss",
	// "knn_top1", "effective_rank"), over the epochs every run completed.
	Curves map[string]Curve `json:"curves"`
}

// Spread is a figure over seeds: its mean, sample standard deviation
// (n − 1; 0 for one seed) and the values, in the order of Seeds.
type Spread struct {
	Mean   float64   `json:"mean"`
	SD     float64   `json:"sd"`
	Values []float64 `json:"values"`
}

// Curve is a per-epoch figure over seeds.
type Curve struct {
	Epochs []int     `json:"epochs"`
	Mean   []float64 `json:"mean"`
	SD     []float64 `json:"sd"`
}

// SpreadOf is the mean and sample standard deviation of values (gonum's
// stat.MeanStdDev).
func SpreadOf(values []float64) Spread {
	s := Spread{Values: values}
	if len(values) == 1 {
		s.Mean = values[0]
		return s
	}
	s.Mean, s.SD = stat.MeanStdDev(values, nil)
	return s
}

// Aggregate builds the aggregate of the runs of several seeds (in seed
// order) with their metrics.csv rows.
func Aggregate(runs []*Run, rows [][]EpochRow, dirs []string, dataSeed uint64) (*Seeds, error) {
	if len(runs) == 0 || len(runs) != len(rows) || len(runs) != len(dirs) {
		return nil, fmt.Errorf("results.Aggregate: %d runs, %d metrics files, %d directories", len(runs), len(rows), len(dirs))
	}
	a := &Seeds{Experiment: runs[0].Experiment, Variant: runs[0].Variant, Title: runs[0].Title, Dirs: dirs, DataSeed: dataSeed,
		Metrics: map[string]Spread{}, Curves: map[string]Curve{}, Scores: runs[0].Scores}
	figures := map[string][]float64{}
	for _, r := range runs {
		seed, _ := r.Config["seed"].(uint64)
		if f, ok := r.Config["seed"].(float64); ok { // a run read back from JSON
			seed = uint64(f)
		}
		a.Seeds = append(a.Seeds, seed)
		m := r.Metrics
		for name, v := range map[string]float64{"knn_top1": m.KNNTop1, "linear_top1": m.LinearTop1, "linear_top5": m.LinearTop5,
			"knn_top1_1pct": m.KNNTop1OnePct, "linear_top1_1pct": m.LinearTop1OnePct, "embedding_std": m.EmbeddingStd,
			"effective_rank": m.EffectiveRank, "duration_s": r.DurationS} {
			figures[name] = append(figures[name], v)
		}
		if m.PretextAccuracy != nil {
			figures["pretext_accuracy"] = append(figures["pretext_accuracy"], *m.PretextAccuracy)
		}
		// The protocols' figures by their keys, and the networks trained
		// from scratch with each seed as "scratch:KEY", "practitioner:KEY".
		for _, sc := range r.Scores {
			figures[sc.Key] = append(figures[sc.Key], sc.Value)
		}
		for prefix, lb := range map[string]*LabelBaseline{"scratch:": r.Baselines.Scratch, "practitioner:": r.Baselines.Practitioner} {
			if lb != nil {
				for _, sc := range lb.Scores {
					figures[prefix+sc.Key] = append(figures[prefix+sc.Key], sc.Value)
				}
			}
		}
	}
	for name, v := range figures {
		if len(v) == len(runs) {
			a.Metrics[name] = SpreadOf(v)
		}
	}
	epochs := math.MaxInt
	for _, rs := range rows {
		epochs = min(epochs, len(rs))
	}
	for name, get := range map[string]func(EpochRow) float64{
		"loss":           func(r EpochRow) float64 { return r.Loss },
		"knn_top1":       func(r EpochRow) float64 { return r.KNNTop1 },
		"effective_rank": func(r EpochRow) float64 { return r.EffectiveRank },
	} {
		var c Curve
		for e := range epochs {
			v := make([]float64, len(rows))
			for i, rs := range rows {
				v[i] = get(rs[e])
			}
			s := SpreadOf(v)
			c.Epochs, c.Mean, c.SD = append(c.Epochs, rows[0][e].Epoch), append(c.Mean, s.Mean), append(c.SD, s.SD)
		}
		a.Curves[name] = c
	}
	return a, nil
}

// ReadAggregate reads the aggregate of the run in dir (its SeedsFile) where
// it spans several seeds; none, or one of a single seed, is (nil, nil).
func ReadAggregate(dir string) (*Seeds, error) {
	agg, err := ReadSeeds(filepath.Join(dir, SeedsFile))
	if err != nil || agg == nil || len(agg.Seeds) < 2 {
		return nil, err
	}
	return agg, nil
}

// ReadSeeds reads an aggregate; a missing file is (nil, nil).
func ReadSeeds(path string) (*Seeds, error) {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var s Seeds
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &s, nil
}

// SeedList writes seeds as prose: "1, 2, 3".
func SeedList(seeds []uint64) string {
	each := make([]string, len(seeds))
	for i, s := range seeds {
		each[i] = strconv.FormatUint(s, 10)
	}
	return strings.Join(each, ", ")
}

// ScoreKeys are the keys of the protocol figures (Run.Scores) the aggregate
// holds for the runs themselves, in the protocols' order.
func (a *Seeds) ScoreKeys() []string {
	var keys []string
	for _, s := range a.Scores {
		if _, ok := a.Metrics[s.Key]; ok {
			keys = append(keys, s.Key)
		}
	}
	return keys
}
