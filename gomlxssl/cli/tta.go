package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mega-ssl/mega/gomlxssl/bench"
	"github.com/mega-ssl/mega/gomlxssl/data"
)

// Time to accuracy (`run.go bench -tta`): MEGA's SimCLR and the PyTorch peer
// trainer (gomlxssl/bench/peers/torch_simclr_train.py: the same encoder, head,
// loss, optimizer, schedule and augmentation) train on the same images one
// after the other, and each epoch's kNN (k = 200, τ = 0.1, every training
// image searched for every test image) is timed from the first training
// step: the time counts training and the per-epoch monitor, on both sides
// the same work, and not start-up or the random-init probes. Two datasets:
// the real Fashion-MNIST (the peer reads the same IDX files) and MEGA's
// generated shapes (exported for the peer in CIFAR-10's binary layout).

// ttaSet is one dataset the comparison trains on.
type ttaSet struct {
	name   string // -tta-data's value, MEGA's -dataset
	label  string // in the results' names
	epochs int    // the schedule's length on both sides unless -tta-epochs says
	// args writes what the peer reads under tmp (if anything) and returns
	// MEGA's data flags and the peer's; quick: a check on 2,000 training
	// and 500 test images.
	args func(tmp, out string, quick bool) (ours, peer []string, err error)
}

// ttaSets are the datasets -tta-data names.
var ttaSets = []ttaSet{
	{name: data.FashionMNISTName, label: data.Title(data.FashionMNISTName), epochs: 10, args: func(tmp, out string, quick bool) ([]string, []string, error) {
		// The monitor searches every training image, as the peer's does;
		// the full data's baselines are cached in OUT, a check's go to tmp.
		ours := []string{"-dataset", data.FashionMNISTName, "-knn-train", "60000", "-baselines", filepath.Join(out, "baselines")}
		peer := []string{"--idx", data.FashionMNISTSystemDir}
		if quick { // later flags win
			ours = append(ours, "-train", "2000", "-test", "500", "-knn-train", "2000", "-supervised-epochs", "1", "-baselines", filepath.Join(tmp, "baselines"))
			peer = append(peer, "--train", "2000", "--test", "500")
		}
		return ours, peer, nil
	}},
	{name: data.ShapesName, label: data.Title(data.ShapesName), epochs: 25, args: func(tmp, out string, quick bool) ([]string, []string, error) {
		// The default preset's shapes split (the Source's sizes, the
		// flags' -image-size and -data-seed said out loud), written for
		// the peer.
		shapes, err := data.SourceNamed(data.ShapesName)
		if err != nil {
			return nil, nil, err
		}
		opts := data.ShapesConfig{Train: shapes.Train, Test: shapes.Test, Size: 32, Seed: 1}
		baselines := filepath.Join(out, "baselines")
		if quick {
			opts.Train, opts.Test, baselines = 2000, 500, filepath.Join(tmp, "baselines")
		}
		dir := filepath.Join(tmp, "shapes-cifar")
		if err := data.ExportCIFAR10(dir, data.Shapes(opts)); err != nil {
			return nil, nil, err
		}
		ours := []string{"-dataset", data.ShapesName, "-train", strconv.Itoa(opts.Train), "-test", strconv.Itoa(opts.Test),
			"-image-size", strconv.Itoa(opts.Size), "-data-seed", strconv.FormatUint(opts.Seed, 10),
			"-knn-k", "200", "-knn-train", strconv.Itoa(opts.Train), "-baselines", baselines}
		if quick {
			ours = append(ours, "-supervised-epochs", "1")
		}
		return ours, []string{"--data", dir}, nil
	}},
}

// ttaSetsNamed parses -tta-data's comma-separated list.
func ttaSetsNamed(list string) ([]ttaSet, error) {
	var sets []ttaSet
	for name := range strings.SplitSeq(list, ",") {
		name = strings.TrimSpace(name)
		i := slices.IndexFunc(ttaSets, func(s ttaSet) bool { return s.name == name })
		if i < 0 {
			names := make([]string, len(ttaSets))
			for j, s := range ttaSets {
				names[j] = s.name
			}
			return nil, fmt.Errorf("-tta-data: unknown dataset %q (want a comma-separated list of %s)", name, strings.Join(names, ", "))
		}
		sets = append(sets, ttaSets[i])
	}
	return sets, nil
}

// ttaPoint is one epoch of a time-to-accuracy curve.
type ttaPoint struct {
	Epoch   int
	Seconds float64 // since the first training step, monitor included
	KNN     float64 // fraction
}

var (
	ttaTrainLine = regexp.MustCompile(`^simclr epoch (\d+)/\d+: loss \S+ \(([0-9.]+)s\)`)
	ttaKNNLine   = regexp.MustCompile(`^simclr epoch (\d+): kNN top-1 ([0-9.]+)%`)
)

// oursCurve follows MEGA's progress lines as they arrive: the first
// epoch's line says how long it trained, which dates the first step; each
// kNN line is a point.
type oursCurve struct {
	start time.Time
	curve []ttaPoint
}

func (o *oursCurve) line(s string, t time.Time) {
	if m := ttaTrainLine.FindStringSubmatch(s); m != nil && m[1] == "1" {
		secs, _ := strconv.ParseFloat(m[2], 64)
		o.start = t.Add(-time.Duration(secs * float64(time.Second)))
	}
	if m := ttaKNNLine.FindStringSubmatch(s); m != nil && !o.start.IsZero() {
		e, _ := strconv.Atoi(m[1])
		p, _ := strconv.ParseFloat(m[2], 64)
		o.curve = append(o.curve, ttaPoint{Epoch: e, Seconds: t.Sub(o.start).Seconds(), KNN: p / 100})
	}
}

// peerPoint reads the peer trainer's JSON line of an epoch (its wall_s
// counts from its first step, the monitor included).
func peerPoint(s string) (ttaPoint, bool) {
	var row struct {
		Epoch int      `json:"epoch"`
		KNN   *float64 `json:"knn_top1"`
		Wall  float64  `json:"wall_s"`
	}
	if json.Unmarshal([]byte(s), &row) != nil || row.Epoch <= 0 || row.KNN == nil {
		return ttaPoint{}, false
	}
	return ttaPoint{Epoch: row.Epoch, Seconds: row.Wall, KNN: *row.KNN}, true
}

// timeTo is the time at which a curve first reaches kNN target (false if it
// never does).
func timeTo(curve []ttaPoint, target float64) (float64, bool) {
	for _, p := range curve {
		if p.KNN >= target {
			return p.Seconds, true
		}
	}
	return 0, false
}

// ttaTargets are the kNN accuracies timed: the whole percents that both
// runs reach but neither reaches in its first epoch (a time to a figure
// the first epoch already passes says only how long an epoch takes), at
// most four of them spread over that range; else the lower of the two best
// figures.
func ttaTargets(ours, peer []ttaPoint) []float64 {
	if len(ours) == 0 || len(peer) == 0 {
		return nil
	}
	lo := math.Floor(100*max(ours[0].KNN, peer[0].KNN)) + 1
	hi := math.Floor(100 * min(best(ours), best(peer)))
	if hi < lo {
		return []float64{min(best(ours), best(peer))}
	}
	step := math.Ceil((hi - lo + 1) / 4)
	var t []float64
	for p := hi; p >= lo; p -= step {
		t = append([]float64{p / 100}, t...)
	}
	return t
}

// ttaResults turns the two curves into bench results, one per target.
func ttaResults(label string, ours, peer []ttaPoint, targets []float64, detail, command string) ([]bench.Result, []string) {
	var res []bench.Result
	var notes []string
	for _, target := range targets {
		name := fmt.Sprintf("time to kNN %.1f%% on %s, SimCLR (training + per-epoch monitor)", 100*target, label)
		o, okO := timeTo(ours, target)
		p, okP := timeTo(peer, target)
		if !okO {
			notes = append(notes, fmt.Sprintf("%s: not reached by MEGA's run (best %.1f%%)", name, 100*best(ours)))
			continue
		}
		r := bench.Result{Name: name, Value: o, Unit: "s", Detail: detail, Command: command}
		if okP {
			r.SetPeer("PyTorch CPU, same recipe and monitor (torch_simclr_train.py)", p)
		} else {
			notes = append(notes, fmt.Sprintf("%s: not reached by the PyTorch peer (best %.1f%%)", name, 100*best(peer)))
		}
		res = append(res, r)
	}
	return res, notes
}

// epochSeconds is the median time between a curve's points (from the first
// step to the first point, then point to point): the speed, apart from how
// fast the accuracy climbs.
func epochSeconds(curve []ttaPoint) float64 {
	var d []float64
	prev := 0.0
	for _, p := range curve {
		d = append(d, p.Seconds-prev)
		prev = p.Seconds
	}
	return median(d)
}

func best(curve []ttaPoint) float64 {
	b := 0.0
	for _, p := range curve {
		b = max(b, p.KNN)
	}
	return b
}

// timeToAccuracy runs both trainers on set for epochs epochs (set's own
// when 0; a check on a few images when quick) and returns the results and
// caveats.
func (c *command) timeToAccuracy(set ttaSet, epochs int, quick bool, peerScript string) ([]bench.Result, []string, error) {
	if err := peerReady(peerScript); err != nil {
		return nil, []string{fmt.Sprintf("time to accuracy on %s not measured: %v", set.label, err)}, nil
	}
	if epochs == 0 {
		epochs = set.epochs
	}
	tmp, err := os.MkdirTemp("", "mega-tta-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(tmp)
	oursData, peerData, err := set.args(tmp, c.out, quick)
	if err != nil {
		return nil, nil, fmt.Errorf("time to accuracy on %s: %v", set.label, err)
	}
	args := append([]string{"run", "./experiments/simclr", "-epochs", strconv.Itoa(epochs), "-out", tmp, "-embeddings", "0"}, oursData...)
	peerArgs := append([]string{peerScript, "--epochs", strconv.Itoa(epochs), "--out", filepath.Join(tmp, "peer")}, peerData...)
	cmd := exec.CommandContext(c.ctx, "go", args...)
	cmd.Dir = c.root
	cmd.Env = append(os.Environ(), "GOEXPERIMENT=simd")
	var ours oursCurve
	if log, err := runLines(cmd, func(l string) { ours.line(l, time.Now()) }); err != nil {
		return nil, nil, fmt.Errorf("MEGA's SimCLR on %s: %v\n%s", set.label, err, log)
	}
	var peer []ttaPoint
	log, err := runLines(exec.CommandContext(c.ctx, python, peerArgs...), func(l string) {
		if p, ok := peerPoint(l); ok {
			peer = append(peer, p)
		}
	})
	if err != nil {
		return nil, []string{fmt.Sprintf("time to accuracy on %s: the PyTorch peer failed: %v %s", set.label, err, log)}, nil
	}
	detail := fmt.Sprintf("%d epochs each, %.1f s an epoch against %.1f s (medians, monitor included); MEGA reached %.1f%%, PyTorch %.1f%%",
		epochs, epochSeconds(ours.curve), epochSeconds(peer), 100*best(ours.curve), 100*best(peer))
	res, notes := ttaResults(set.label, ours.curve, peer, ttaTargets(ours.curve, peer), detail, "go run run.go bench -tta -tta-data "+set.name)
	return res, notes, nil
}

// runLines runs cmd and hands each line of its output (stdout and stderr
// merged) to line as it arrives; it returns the last lines, for an error.
func runLines(cmd *exec.Cmd, line func(string)) (string, error) {
	pr, pw, err := os.Pipe()
	if err != nil {
		return "", err
	}
	defer pr.Close()
	cmd.Stdout, cmd.Stderr = pw, pw
	err = cmd.Start()
	pw.Close() // the child holds its own copy
	if err != nil {
		return "", err
	}
	var tail []string
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		line(sc.Text())
		if tail = append(tail, sc.Text()); len(tail) > 20 {
			tail = tail[1:]
		}
	}
	return strings.Join(tail, "\n"), cmd.Wait()
}
