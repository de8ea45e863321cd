package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"gonum.org/v1/gonum/stat"

	"github.com/mega-ssl/mega/gomlxssl/atomicfile"
	"github.com/mega-ssl/mega/gomlxssl/bench"
	"github.com/mega-ssl/mega/gomlxssl/data"
	"github.com/mega-ssl/mega/gomlxssl/eval"
	"github.com/mega-ssl/mega/report/site"
)

// benchSizes are the problem sizes of one bench run.
type benchSizes struct {
	augment, knnTrain, knnTest, probeTrain, probeTest, tsne int
}

var (
	fullSizes  = benchSizes{augment: 6000, knnTrain: 10000, knnTest: 10000, probeTrain: 10000, probeTest: 2000, tsne: 10000}
	quickSizes = benchSizes{augment: 1000, knnTrain: 2000, knnTest: 1000, probeTrain: 2000, probeTest: 500, tsne: 1000}
)

// python is Debian's interpreter, where python3-torch and python3-sklearn
// install (the peers of ../shared/bench).
const python = "/usr/bin/python3"

func (c *command) bench(args []string) error {
	fs := c.flags("bench")
	quick := fs.Bool("quick", false, "small problem sizes (a check that the verb works, not figures to quote)")
	noStep := fs.Bool("no-step", false, "skip the training-step benchmark (which runs `go test -bench`)")
	noPeers := fs.Bool("no-peers", false, "skip the PyTorch and scikit-learn peers")
	rounds := fs.Int("rounds", 3, "rounds of the benchmark-encoder step and its PyTorch peer, alternated; the figures are their medians")
	torchScript := fs.String("torch-script", filepath.Join("..", "shared", "bench", "torch_simclr_step.py"), "the PyTorch peer of the SimCLR step (relative to -root)")
	tta := fs.Bool("tta", false, "also time SimCLR to kNN accuracy against the PyTorch peer trainer on the same images (both train one after the other; Fashion-MNIST's pair about an hour on 2 cores, shapes' about 10 minutes; with -quick, 2 epochs of 2,000 images)")
	ttaData := fs.String("tta-data", data.FashionMNISTName+","+data.ShapesName, "the datasets -tta trains on, comma-separated")
	ttaEpochs := fs.Int("tta-epochs", 0, "epochs of each -tta run, the schedule's length on both sides (0: Fashion-MNIST 10, shapes 25)")
	ttaScript := fs.String("tta-script", filepath.Join("..", "shared", "bench", "torch_simclr_train.py"), "the PyTorch peer trainer (relative to -root)")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	ttaOn, err := ttaSetsNamed(*ttaData)
	if err != nil {
		fmt.Fprintf(c.stderr, "run.go bench: %v\n", err)
		return errUsage
	}
	if *ttaEpochs < 0 {
		fmt.Fprintf(c.stderr, "run.go bench: -tta-epochs must not be negative, got %d\n", *ttaEpochs)
		return errUsage
	}
	if *rounds < 1 {
		fmt.Fprintf(c.stderr, "run.go bench: -rounds must be at least 1, got %d\n", *rounds)
		return errUsage
	}
	sizes := fullSizes
	if *quick {
		sizes = quickSizes
	}
	rep := bench.Report{Date: time.Now().UTC(), Machine: machine(c.root)}
	add := func(r bench.Result) {
		rep.Results = append(rep.Results, r)
		fmt.Fprintf(c.stderr, "run.go bench: %s: %s %s\n", r.Name, bench.Format(r.Value), r.Unit)
	}
	note := func(format string, a ...any) {
		rep.Notes = append(rep.Notes, fmt.Sprintf(format, a...))
		fmt.Fprintf(c.stderr, "run.go bench: %s\n", rep.Notes[len(rep.Notes)-1])
	}
	peers := !*noPeers

	// 1. The training step, in GoMLX (a separate process: run.go never
	// imports GoMLX), then its PyTorch peer right after, not at the same time.
	var stepDefault float64
	if !*noStep {
		steps, err := c.stepBenchmarks("BenchmarkStep")
		if err != nil {
			return err
		}
		stepDefault = steps["BenchmarkStepDefaultEncoder"]
		cmd := "GOEXPERIMENT=simd go test -run '^$' -bench BenchmarkStep -benchtime 10x ./gomlxssl/train"
		// The benchmark encoder against PyTorch: the first round is the run
		// above, then one more of each side per round.
		var sr stepRounds
		for round := range *rounds {
			this := steps
			if round > 0 { // the other benchmarks' figures stay the first round's
				if this, err = c.stepBenchmarks("BenchmarkStepBenchmarkEncoder$"); err != nil {
					return err
				}
			}
			sr.ours = append(sr.ours, this["BenchmarkStepBenchmarkEncoder"])
			if peers && len(sr.peer) == round {
				if v, err := c.torchPeer(filepath.Join(c.root, *torchScript)); err != nil {
					note("PyTorch peer not measured: %v", err)
				} else {
					sr.peer = append(sr.peer, v)
				}
			}
		}
		add(sr.result(bench.Result{Name: "SimCLR step, benchmark encoder (conv 32-64-128-256, B = 128 pairs)",
			Unit: "images/s", HigherIsBetter: true, Command: cmd}, "PyTorch CPU, 2 threads, channels-last (torch_simclr_step.py --model small)"))
		add(bench.Result{Name: "SimCLR step, default encoder (conv 16-32-64-128, B = 128 pairs)", Value: stepDefault,
			Unit: "images/s", HigherIsBetter: true, Command: cmd})
		fashion := bench.Result{Name: "SimCLR step, default encoder on 28×28 one-channel images (Fashion-MNIST's; B = 128 pairs)",
			Value: steps["BenchmarkStepFashion"], Unit: "images/s", HigherIsBetter: true, Command: cmd}
		if stepDefault > 0 && fashion.Value > 0 { // per pixel of the image plane, 28² against 32²
			fashion.Detail = fmt.Sprintf("%.2fx the 32×32×3 step's pixels per second", fashion.Value*28*28/(stepDefault*32*32))
		}
		add(fashion)
		vit := bench.Result{Name: "SimCLR step, small ViT (vit-96-4-3: width 96, depth 4, 3 heads, patch 4; B = 128 pairs)", Value: steps["BenchmarkStepViT"],
			Unit: "images/s", HigherIsBetter: true, Command: cmd}
		if stepDefault > 0 && vit.Value > 0 {
			vit.Detail = fmt.Sprintf("%.2fx the default convnet's step", vit.Value/stepDefault)
		}
		add(vit)
	}

	// 2. The data pipeline, against what the trainer consumes.
	aug := bench.Result{Name: fmt.Sprintf("augmentation pipeline, two SimCLR views (%d images, %d workers)", sizes.augment, runtime.GOMAXPROCS(0)),
		Value: bench.Augmentation(sizes.augment), Unit: "images/s", HigherIsBetter: true,
		Command: "go test -run '^$' -bench Augment ./gomlxssl/augment"}
	if stepDefault > 0 {
		aug.Detail = fmt.Sprintf("%.0fx what the default encoder's step consumes (%.0f images/s)", aug.Value/stepDefault, stepDefault)
	}
	add(aug)

	// 3. Evaluation.
	sets := bench.Clusters(128, 10, 3, 1, sizes.knnTrain, sizes.knnTest)
	secs, acc, err := bench.KNN(sets[0], sets[1], 10)
	if err != nil {
		return err
	}
	add(bench.Result{Name: fmt.Sprintf("kNN monitor, %d train × %d test × 128 dims, k = 200", sizes.knnTrain, sizes.knnTest),
		Value: secs, Unit: "s", Detail: fmt.Sprintf("top-1 %.1f%% on the synthetic clusters", 100*acc), Command: "go run run.go bench"})
	sets = bench.Clusters(128, 10, 3, 2, sizes.probeTrain, sizes.probeTest)
	secs, acc, err = bench.Linear(sets[0], sets[1], 10)
	if err != nil {
		return err
	}
	add(bench.Result{Name: fmt.Sprintf("linear probe, %d × 128 → 10 classes, L-BFGS ≤ 300 iterations", sizes.probeTrain),
		Value: secs, Unit: "s", Detail: fmt.Sprintf("top-1 %.1f%%", 100*acc), Command: "go run run.go bench"})

	// 4. t-SNE, and scikit-learn's on the same points.
	pts := bench.Clusters(128, 10, 3, 3, sizes.tsne)[0]
	secs, _, agree, err := bench.TSNE(pts)
	if err != nil {
		return err
	}
	ts := bench.Result{Name: fmt.Sprintf("t-SNE (Barnes-Hut), %d points × 128 dims, perplexity 30, 1,000 iterations", sizes.tsne),
		Value: secs, Unit: "s", Detail: fmt.Sprintf("1-NN label agreement in 2-D %.1f%%", 100*agree), Command: "go run run.go bench"}
	if peers {
		if ps, pagree, err := sklearnPeer(pts); err != nil {
			note("scikit-learn peer not measured: %v", err)
		} else {
			ts.SetPeer("scikit-learn TSNE(method='barnes_hut'), same points", ps)
			ts.Detail += fmt.Sprintf("; scikit-learn's %.1f%%", 100*pagree)
		}
	}
	add(ts)

	// 5. Time to accuracy, when asked for (long).
	if *tta {
		epochs := *ttaEpochs
		if *quick {
			epochs = 2
		}
		for _, set := range ttaOn {
			res, notes, err := c.timeToAccuracy(set, epochs, *quick, filepath.Join(c.root, *ttaScript))
			if err != nil {
				return err
			}
			for _, r := range res {
				add(r)
			}
			for _, n := range notes {
				note("%s", n)
			}
		}
	}

	// 6. The report.
	var builds []float64
	for range 5 {
		r, err := site.Build(site.Config{Root: c.root, Out: c.out})
		if err != nil {
			return err
		}
		builds = append(builds, r.Elapsed.Seconds())
	}
	add(bench.Result{Name: "report build (t-SNE cached), median of 5", Value: median(builds), Unit: "s", Command: "go run run.go report"})

	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(c.out, "bench.json")
	if err := atomicfile.Write(path, append(b, '\n')); err != nil {
		return err
	}
	printBench(c, rep)
	fmt.Fprintf(c.stdout, "wrote %s\n", path)
	return c.build()
}

func printBench(c *command, rep bench.Report) {
	tw := tabwriter.NewWriter(c.stdout, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "WHAT\tOURS\tPEER\tRATIO\tNOTE")
	for _, r := range rep.Results {
		peer, ratio := "—", "—"
		if r.Peer != "" {
			peer = bench.Format(r.PeerValue) + " " + r.Unit
			ratio = fmt.Sprintf("%.2fx", r.Ratio)
		}
		fmt.Fprintf(tw, "%s\t%s %s\t%s\t%s\t%s\n", r.Name, bench.Format(r.Value), r.Unit, peer, ratio, r.Detail)
	}
	tw.Flush()
}

var stepLine = regexp.MustCompile(`^(BenchmarkStep\w+)-\d+\s+\d+\s+[\d.]+ ns/op\s+([\d.]+) images/s`)

// stepBenchmarks runs the training-step benchmarks of gomlxssl/train that
// pattern selects and returns images/s by benchmark name.
func (c *command) stepBenchmarks(pattern string) (map[string]float64, error) {
	cmd := exec.CommandContext(c.ctx, "go", "test", "-run", "^$", "-bench", pattern, "-benchtime", "10x", "./gomlxssl/train")
	cmd.Dir = c.root
	cmd.Env = append(os.Environ(), "GOEXPERIMENT=simd")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("step benchmark: %v\n%s", err, out.String())
	}
	res := map[string]float64{}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		if m := stepLine.FindStringSubmatch(sc.Text()); m != nil {
			res[m[1]], _ = strconv.ParseFloat(m[2], 64)
		}
	}
	if len(res) == 0 {
		return nil, fmt.Errorf("step benchmark printed no images/s:\n%s", out.String())
	}
	return res, nil
}

// torchPeer runs the PyTorch SimCLR step on the benchmark encoder and
// returns its images/s.
func (c *command) torchPeer(script string) (float64, error) {
	if err := peerReady(script); err != nil {
		return 0, err
	}
	cmd := exec.CommandContext(c.ctx, python, script, "--model", "small", "--channels-last")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("%v: %s", err, lastLine(out))
	}
	var summary struct {
		ImagesPerS float64 `json:"images_per_s"`
	}
	if err := json.Unmarshal([]byte(lastLine(out)), &summary); err != nil || summary.ImagesPerS <= 0 {
		return 0, fmt.Errorf("unexpected output: %s", lastLine(out))
	}
	return summary.ImagesPerS, nil
}

// peerReady says why python cannot run a PyTorch peer script (nil when it
// can): checked before anything is measured, so that no run of ours is made
// for a comparison that cannot happen.
func peerReady(script string) error {
	if _, err := os.Stat(script); err != nil {
		return fmt.Errorf("no peer script: %v", err)
	}
	if err := exec.Command(python, "-c", "import torch").Run(); err != nil {
		return fmt.Errorf("%s cannot import torch (apt-get install -y python3-torch)", python)
	}
	return nil
}

// median is the middle value of the bench's repeated figures (rounds, report
// builds, seconds an epoch); the lower middle for an even count.
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return stat.Quantile(0.5, stat.Empirical, s, nil)
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}

// sklearnTSNE is scikit-learn's Barnes-Hut t-SNE with the same settings
// (perplexity 30, 1,000 iterations; its own default initialisation and
// learning rate), timed around fit_transform only.
const sklearnTSNE = `
import json, sys, time
import numpy as np
from sklearn.manifold import TSNE
x = np.fromfile(sys.argv[1], dtype="<f4").reshape(-1, int(sys.argv[2]))
t = time.time()
y = TSNE(n_components=2, perplexity=30.0, method="barnes_hut", random_state=1, n_jobs=2).fit_transform(x)
secs = time.time() - t
np.asarray(y, dtype="<f8").tofile(sys.argv[3])
print(json.dumps({"seconds": secs}))
`

// sklearnPeer lays out the same points with scikit-learn and returns its
// seconds and 1-NN label agreement.
func sklearnPeer(f eval.Features) (float64, float64, error) {
	if err := exec.Command(python, "-c", "import sklearn.manifold").Run(); err != nil {
		return 0, 0, fmt.Errorf("%s cannot import sklearn (apt-get install -y python3-sklearn)", python)
	}
	dir, err := os.MkdirTemp("", "mega-tsne")
	if err != nil {
		return 0, 0, err
	}
	defer os.RemoveAll(dir)
	in, out := filepath.Join(dir, "x.f32"), filepath.Join(dir, "y.f64")
	var buf bytes.Buffer
	if err := binary.Write(&buf, binary.LittleEndian, f.Data); err != nil {
		return 0, 0, err
	}
	if err := os.WriteFile(in, buf.Bytes(), 0o644); err != nil {
		return 0, 0, err
	}
	res, err := exec.Command(python, "-c", sklearnTSNE, in, strconv.Itoa(f.Dim), out).CombinedOutput()
	if err != nil {
		return 0, 0, fmt.Errorf("%v: %s", err, lastLine(res))
	}
	var summary struct {
		Seconds float64 `json:"seconds"`
	}
	if err := json.Unmarshal([]byte(lastLine(res)), &summary); err != nil {
		return 0, 0, fmt.Errorf("unexpected output: %s", lastLine(res))
	}
	raw, err := os.ReadFile(out)
	if err != nil || len(raw) != 16*f.Len() {
		return 0, 0, fmt.Errorf("layout file: %v (%d bytes)", err, len(raw))
	}
	y := make([]float64, 2*f.Len())
	for i := range y {
		y[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:]))
	}
	return summary.Seconds, bench.OneNNAgreement(y, f.Labels), nil
}

// machine describes this computer for bench.json.
func machine(root string) bench.Machine {
	m := bench.Machine{Cores: runtime.NumCPU(), Go: runtime.Version(), Backend: "go", CPU: runtime.GOARCH}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	m.SIMD = strings.Contains(os.Getenv("GOEXPERIMENT"), "simd")
	if out, err := exec.CommandContext(context.Background(), "git", "-C", root, "rev-parse", "--short", "HEAD").Output(); err == nil {
		m.Commit = strings.TrimSpace(string(out))
	}
	return m
}
