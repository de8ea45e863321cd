// Package results writes and reads the files an experiment leaves under
// out/<experiment>/ — the contract the report is built on: run.json (what ran,
// how, and what it scored), metrics.csv (one row per epoch), embeddings.csv (a
// labelled sample of test representations for t-SNE) and SVG figures. Every
// file is written atomically (package atomicfile), so a reader — the report
// watcher, or a user after Ctrl-C — never sees half a file.
//
// It does not import GoMLX: the report reads results with it.
package results

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/mega-ssl/mega/gomlxssl/atomicfile"
	"github.com/mega-ssl/mega/gomlxssl/data"
)

// Status values of a run.
const (
	StatusComplete = "complete"
	StatusPartial  = "partial"
	StatusFailed   = "failed"
)

// Run is out/<exp>/run.json. Accuracies are fractions in [0, 1].
type Run struct {
	Experiment string `json:"experiment"`
	// Variant names a run that is not the experiment's main one (its
	// results are in OUT/<experiment>-<variant>/); empty for the main run.
	Variant string `json:"variant,omitempty"`
	Title   string `json:"title"`
	// Labels says the pre-training itself used the labels (a supervised
	// Siamese network): the run is then not self-supervised.
	Labels    bool      `json:"pretrained_with_labels,omitempty"`
	Status    string    `json:"status"`
	Error     string    `json:"error,omitempty"`
	Started   time.Time `json:"started"`
	Finished  time.Time `json:"finished"`
	DurationS float64   `json:"duration_s"`
	// EarlierS is the time the run had taken before it was last resumed
	// (from its partial run.json); DurationS includes it.
	EarlierS float64 `json:"earlier_s,omitempty"`
	// MonitorS and FinalEvalS are the evaluation's share of DurationS: the
	// kNN monitor after every epoch (metrics.csv's eval_s, summed) and the
	// final evaluation (features of both splits, the probes, the t-SNE
	// sample, embeddings.csv); 0 in runs from before they were measured.
	MonitorS   float64 `json:"monitor_s,omitempty"`
	FinalEvalS float64 `json:"final_eval_s,omitempty"`
	// FineTuneS is the time the fine-tuning protocols (Scores) took, after
	// the final evaluation.
	FineTuneS float64    `json:"finetune_s,omitempty"`
	Git       Git        `json:"git"`
	Env       Env        `json:"env"`
	Dataset   DatasetRef `json:"dataset"`
	// Config holds every flag of the run, by flag name.
	Config map[string]any `json:"config"`
	// ConfigFrom says where each budget setting in Config came from: "flag",
	// "method" (the method's own), "preset NAME", "dataset NAME" (the
	// data's own preset), "experiment" (the experiment's own data).
	ConfigFrom map[string]string `json:"config_from,omitempty"`
	// Args are the flags given on the command line, but -out and -resume:
	// appended to "go run ./experiments/<experiment>", they run it again.
	Args    []string `json:"args,omitempty"`
	Metrics Metrics  `json:"metrics"`
	// Scores are the protocols beyond the frozen probes (fine-tuning on a
	// fraction of the labels), each with its description; nil in runs from
	// before them, or where the run stopped before its final evaluation.
	Scores    Scores    `json:"scores,omitempty"`
	Baselines Baselines `json:"baselines"`
	Figures   []Figure  `json:"figures"`
	// Measures are the method's own measurements (a VAE's active units, a
	// GAN's covered classes…), in the order it made them.
	Measures []Measure `json:"measures,omitempty"`
	// Collapsed flags a run whose embeddings collapsed: it is not a result.
	Collapsed bool `json:"collapsed"`
	// Unlabelled marks a run on data without labels (a folder of images
	// with no class folders): no probe, baseline or fine-tuning can be
	// fitted, and the collapse figures (embedding std, effective rank)
	// stand in for them.
	Unlabelled bool `json:"unlabelled,omitempty"`
	// Protocol says, in words, how the metrics were measured.
	Protocol string `json:"protocol"`
}

// Git identifies the code that ran.
type Git struct {
	Commit string `json:"commit"`
	Dirty  bool   `json:"dirty"`
}

// Env is where it ran.
type Env struct {
	Backend string `json:"backend"`
	Go      string `json:"go"`
	OS      string `json:"os"`
	Arch    string `json:"arch"`
	CPUs    int    `json:"cpus"`
	SIMD    bool   `json:"simd"`
	// CPU is the processor's model (CPUModel; empty in runs from before it
	// was recorded).
	CPU string `json:"cpu,omitempty"`
}

// CPUModel is this machine's processor as /proc/cpuinfo names it ("AMD
// EPYC"); empty where the file is not there.
func CPUModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// DatasetRef describes the data of a run.
type DatasetRef struct {
	Name    string `json:"name"`
	Train   int    `json:"train"`
	Test    int    `json:"test"`
	Image   [3]int `json:"image"`
	Classes int    `json:"classes"`
	// TrainPerClass and TestPerClass count each split's images by class.
	TrainPerClass []int `json:"train_per_class,omitempty"`
	TestPerClass  []int `json:"test_per_class,omitempty"`
}

// Metrics are the final evaluation of the trained encoder.
type Metrics struct {
	KNNTop1    float64 `json:"knn_top1"`
	KNNK       int     `json:"knn_k"`
	KNNT       float64 `json:"knn_t"`
	LinearTop1 float64 `json:"linear_top1"`
	LinearTop5 float64 `json:"linear_top5"`
	// The semi-supervised setting: the kNN and the linear probe fitted on
	// 1% of the training labels (OnePctLabels images, 1% of each class).
	KNNTop1OnePct    float64 `json:"knn_top1_1pct"`
	LinearTop1OnePct float64 `json:"linear_top1_1pct"`
	OnePctLabels     int     `json:"labels_1pct"`
	EmbeddingStd     float64 `json:"embedding_std"`
	EffectiveRank    float64 `json:"effective_rank"`
	// PretextAccuracy is a pretext task's own accuracy on the test split
	// (rotation, permutation), when the method has one (nil otherwise; a
	// task too hard to learn measures 0).
	PretextAccuracy *float64 `json:"pretext_accuracy,omitempty"`
	// Epochs completed when these were measured.
	Epochs int `json:"epochs"`
	// ImagesPerS is the mean training throughput (views per second).
	ImagesPerS float64 `json:"images_per_s"`
}

// Measure is one of a method's own measurements.
type Measure struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	// Note says how it was measured.
	Note string `json:"note,omitempty"`
}

// Baseline is the evaluation of a reference encoder under the same protocol.
type Baseline struct {
	KNNTop1    float64 `json:"knn_top1"`
	LinearTop1 float64 `json:"linear_top1"`
	LinearTop5 float64 `json:"linear_top5"`
	// The 1%-labels setting, as in Metrics.
	KNNTop1OnePct    float64 `json:"knn_top1_1pct"`
	LinearTop1OnePct float64 `json:"linear_top1_1pct"`
	// Epochs the supervised encoder trained for (0 for random init).
	Epochs int `json:"epochs"`
	// Scores are the protocol figures of the baseline (Run.Scores).
	Scores Scores `json:"scores,omitempty"`
}

// LabelBaseline is a supervised network trained from random initialisation
// on each labelled fraction the fine-tuning protocol uses, under its recipe:
// what the same labels give without pre-training.
type LabelBaseline struct {
	// Name is the network ("convnet-16-32-64-128", "poolnet-16-32-64-128"),
	// Title what it is to a reader.
	Name  string `json:"name"`
	Title string `json:"title"`
	// Seed is the model seed it trained with (the run's -seed).
	Seed   uint64 `json:"seed"`
	Scores Scores `json:"scores"`
}

// Baselines are the floor (random init) and ceiling (supervised) of a run.
type Baselines struct {
	RandomInit Baseline `json:"random_init"`
	Supervised Baseline `json:"supervised"`
	// RawPixels is the same probes on the flattened pixels (nil in runs
	// made before it was measured).
	RawPixels *Baseline `json:"raw_pixels,omitempty"`
	// Scratch is the run's encoder trained from scratch on the fine-tuning
	// protocol's labelled fractions, with its recipe (the talk's
	// "supervised" row of the semi-supervised column); Practitioner a plain
	// supervised network of about the same size (PoolNet) on the same
	// images. Nil in runs from before them.
	Scratch      *LabelBaseline `json:"scratch,omitempty"`
	Practitioner *LabelBaseline `json:"practitioner,omitempty"`
}

// Figure is an SVG under the experiment's directory, with its caption.
type Figure struct {
	File    string `json:"file"`
	Caption string `json:"caption"`
}

// WriteJSON writes v as indented JSON, atomically.
func WriteJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, append(b, '\n'))
}

// ReadRun reads a run.json.
func ReadRun(path string) (*Run, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Run
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &r, nil
}

// DatasetTitle is a dataset's name as a reader knows it ("fashion-mnist" is
// Fashion-MNIST: data.Source's Title); names it does not know are returned
// as they are.
func DatasetTitle(name string) string { return data.Title(name) }

// LinearProbed tells whether the run's linear probe has run: a partial run
// (stopped, or still training) has only the per-epoch kNN, and its linear
// figures are zero, not measured.
func (r *Run) LinearProbed() bool {
	return !r.Unlabelled && (r.Status != StatusPartial || r.Metrics.LinearTop1 > 0)
}
