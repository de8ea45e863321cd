package cli

import (
	"bufio"
	"bytes"
	"cmp"
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
	"github.com/mega-ssl/mega/gomlxssl/results"
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
// install (the peers in gomlxssl/bench/peers).
const python = "/usr/bin/python3"

func (c *command) bench(args []string) error {
	fs := c.flags("bench")
	quick := fs.Bool("quick", false, "small problem sizes (a check that the verb works, not figures to quote)")
	noStep := fs.Bool("no-step", false, "skip the training-step benchmark (which runs `go test -bench`)")
	noPeers := fs.Bool("no-peers", false, "skip the PyTorch and scikit-learn peers")
	rounds := fs.Int("rounds", 3, "rounds of the benchmark-encoder step and its PyTorch peer, alternated; the figures are their medians")
	torchScript := fs.String("torch-script", filepath.Join("gomlxssl", "bench", "peers", "torch_simclr_step.py"), "the PyTorch peer of the SimCLR step (relative to -root)")
	tta := fs.Bool("tta", false, "also time SimCLR to kNN accuracy against the PyTorch peer trainer on the same images (both train one after the other; Fashion-MNIST's pair about an hour on 2 cores, shapes' about 10 minutes; with -quick, 2 epochs of 2,000 images)")
	ttaData := fs.String("tta-data", data.FashionMNISTName+","+data.ShapesName, "the datasets -tta trains on, comma-separated")
	ttaEpochs := fs.Int("tta-epochs", 0, "epochs of each -tta run, the schedule's length on both sides (0: Fashion-MNIST 10, shapes 25)")
	ttaScript := fs.String("tta-script", filepath.Join("gomlxssl", "bench", "peers", "torch_simclr_train.py"), "the PyTorch peer trainer (relative to -root)")
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
	s := &benchRun{c: c, sizes: fullSizes, peers: !*noPeers, rep: bench.Report{Date: time.Now().UTC(), Machine: machine(c.root)}}
	if *quick {
		s.sizes = quickSizes
	}
	// 1. The training step, in GoMLX (a separate process: run.go never
	// imports GoMLX), then its PyTorch peer right after, not at the same time.
	var stepDefault float64
	if !*noStep {
		if stepDefault, err = s.steps(*rounds, filepath.Join(c.root, *torchScript)); err != nil {
			return err
		}
	}
	// 2. The data pipeline, against what the trainer consumes; 3. evaluation;
	// 4. t-SNE, and scikit-learn's on the same points.
	s.augmentation(stepDefault)
	if err := s.evaluation(); err != nil {
		return err
	}
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
				s.add(r)
			}
			for _, n := range notes {
				s.note("%s", n)
			}
		}
	}
	// 6. The report.
	if err := s.reportBuild(); err != nil {
		return err
	}
	b, err := json.MarshalIndent(s.rep, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(c.out, "bench.json")
	if err := atomicfile.Write(path, append(b, '\n')); err != nil {
		return err
	}
	printBench(c, s.rep)
	fmt.Fprintf(c.stdout, "wrote %s\n", path)
	return c.build()
}

// benchRun is one run of the bench verb: its report as it fills, the
// problem sizes, and whether the peers run.
type benchRun struct {
	c     *command
	rep   bench.Report
	sizes benchSizes
	peers bool
}

// add records a figure and says it.
func (s *benchRun) add(r bench.Result) {
	s.rep.Results = append(s.rep.Results, r)
	fmt.Fprintf(s.c.stderr, "run.go bench: %s: %s %s\n", r.Name, bench.Format(r.Value), r.Unit)
}

// note records a note (a peer not measured) and says it.
func (s *benchRun) note(format string, a ...any) {
	s.rep.Notes = append(s.rep.Notes, fmt.Sprintf(format, a...))
	fmt.Fprintf(s.c.stderr, "run.go bench: %s\n", s.rep.Notes[len(s.rep.Notes)-1])
}

// reportBuild measures the report's build (the median of five, t-SNE
// cached).
func (s *benchRun) reportBuild() error {
	var builds []float64
	for range 5 {
		r, err := site.Build(site.Config{Root: s.c.root, Out: s.c.out})
		if err != nil {
			return err
		}
		builds = append(builds, r.Elapsed.Seconds())
	}
	s.add(bench.Result{Name: "report build (t-SNE cached), median of 5", Value: median(builds), Unit: "s", Command: "go run run.go report"})
	return nil
}

// augmentation measures the data pipeline, beside what the default
// encoder's step consumes (stepDefault images/s; 0: not measured).
func (s *benchRun) augmentation(stepDefault float64) {
	aug := bench.Result{Name: fmt.Sprintf("augmentation pipeline, two SimCLR views (%d images, %d workers)", s.sizes.augment, runtime.GOMAXPROCS(0)),
		Value: bench.Augmentation(s.sizes.augment), Unit: "images/s", HigherIsBetter: true,
		Command: "go test -run '^$' -bench Augment ./gomlxssl/augment"}
	if stepDefault > 0 {
		aug.Detail = fmt.Sprintf("%.0fx what the default encoder's step consumes (%.0f images/s)", aug.Value/stepDefault, stepDefault)
	}
	s.add(aug)
}

// evaluation measures the kNN monitor, the linear probe and t-SNE on
// synthetic clusters, with scikit-learn's t-SNE on the same points.
func (s *benchRun) evaluation() error {
	sizes := s.sizes
	sets := bench.Clusters(128, 10, 3, 1, sizes.knnTrain, sizes.knnTest)
	secs, acc, err := bench.KNN(sets[0], sets[1], 10)
	if err != nil {
		return err
	}
	s.add(bench.Result{Name: fmt.Sprintf("kNN monitor, %d train × %d test × 128 dims, k = 200", sizes.knnTrain, sizes.knnTest),
		Value: secs, Unit: "s", Detail: fmt.Sprintf("top-1 %.1f%% on the synthetic clusters", 100*acc), Command: "go run run.go bench"})
	sets = bench.Clusters(128, 10, 3, 2, sizes.probeTrain, sizes.probeTest)
	secs, acc, err = bench.Linear(sets[0], sets[1], 10)
	if err != nil {
		return err
	}
	s.add(bench.Result{Name: fmt.Sprintf("linear probe, %d × 128 → 10 classes, L-BFGS ≤ 300 iterations", sizes.probeTrain),
		Value: secs, Unit: "s", Detail: fmt.Sprintf("top-1 %.1f%%", 100*acc), Command: "go run run.go bench"})
	pts := bench.Clusters(128, 10, 3, 3, sizes.tsne)[0]
	secs, _, agree, err := bench.TSNE(pts)
	if err != nil {
		return err
	}
	ts := bench.Result{Name: fmt.Sprintf("t-SNE (Barnes-Hut), %d points × 128 dims, perplexity 30, 1,000 iterations", sizes.tsne),
		Value: secs, Unit: "s", Detail: fmt.Sprintf("1-NN label agreement in 2-D %.1f%%", 100*agree), Command: "go run run.go bench"}
	if s.peers {
		if ps, pagree, err := sklearnPeer(pts); err != nil {
			s.note("scikit-learn peer not measured: %v", err)
		} else {
			ts.SetPeer("scikit-learn TSNE(method='barnes_hut'), same points", ps)
			ts.Detail += fmt.Sprintf("; scikit-learn's %.1f%%", 100*pagree)
		}
	}
	s.add(ts)
	return nil
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
	m := bench.Machine{Cores: runtime.NumCPU(), Go: runtime.Version(), Backend: "go", CPU: cmp.Or(results.CPUModel(), runtime.GOARCH)}
	m.SIMD = strings.Contains(os.Getenv("GOEXPERIMENT"), "simd")
	if out, err := exec.CommandContext(context.Background(), "git", "-C", root, "rev-parse", "--short", "HEAD").Output(); err == nil {
		m.Commit = strings.TrimSpace(string(out))
	}
	return m
}
