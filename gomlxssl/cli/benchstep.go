package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/mega-ssl/mega/gomlxssl/bench"
)

// steps measures the training step of each benchmarked encoder (a `go test
// -bench` process), and the benchmark encoder's against its PyTorch peer
// (torchScript) in alternated rounds; it returns the default encoder's
// images/s.
func (s *benchRun) steps(rounds int, torchScript string) (float64, error) {
	c := s.c
	steps, err := c.stepBenchmarks("BenchmarkStep")
	if err != nil {
		return 0, err
	}
	stepDefault := steps["BenchmarkStepDefaultEncoder"]
	cmd := "GOEXPERIMENT=simd go test -run '^$' -bench BenchmarkStep -benchtime 10x ./gomlxssl/train"
	// The benchmark encoder against PyTorch: the first round is the run
	// above, then one more of each side per round.
	var sr stepRounds
	for round := range rounds {
		this := steps
		if round > 0 { // the other benchmarks' figures stay the first round's
			if this, err = c.stepBenchmarks("BenchmarkStepBenchmarkEncoder$"); err != nil {
				return 0, err
			}
		}
		sr.ours = append(sr.ours, this["BenchmarkStepBenchmarkEncoder"])
		if s.peers && len(sr.peer) == round {
			if v, err := c.torchPeer(torchScript); err != nil {
				s.note("PyTorch peer not measured: %v", err)
			} else {
				sr.peer = append(sr.peer, v)
			}
		}
	}
	s.add(sr.result(bench.Result{Name: "SimCLR step, benchmark encoder (conv 32-64-128-256, B = 128 pairs)",
		Unit: "images/s", HigherIsBetter: true, Command: cmd}, "PyTorch CPU, 2 threads, channels-last (torch_simclr_step.py --model small)"))
	s.add(bench.Result{Name: "SimCLR step, default encoder (conv 16-32-64-128, B = 128 pairs)", Value: stepDefault,
		Unit: "images/s", HigherIsBetter: true, Command: cmd})
	fashion := bench.Result{Name: "SimCLR step, default encoder on 28×28 one-channel images (Fashion-MNIST's; B = 128 pairs)",
		Value: steps["BenchmarkStepFashion"], Unit: "images/s", HigherIsBetter: true, Command: cmd}
	if stepDefault > 0 && fashion.Value > 0 { // per pixel of the image plane, 28² against 32²
		fashion.Detail = fmt.Sprintf("%.2fx the 32×32×3 step's pixels per second", fashion.Value*28*28/(stepDefault*32*32))
	}
	s.add(fashion)
	vit := bench.Result{Name: "SimCLR step, small ViT (vit-96-4-3: width 96, depth 4, 3 heads, patch 4; B = 128 pairs)", Value: steps["BenchmarkStepViT"],
		Unit: "images/s", HigherIsBetter: true, Command: cmd}
	if stepDefault > 0 && vit.Value > 0 {
		vit.Detail = fmt.Sprintf("%.2fx the default convnet's step", vit.Value/stepDefault)
	}
	s.add(vit)
	// Where the step's CPU time goes: the matrix products against the
	// passes around them, for the benchmark encoder, the Fashion-MNIST one
	// and the ViT.
	for _, p := range []struct{ bench, name string }{
		{"BenchmarkStepBenchmarkEncoder", "benchmark encoder (conv 32-64-128-256, 32×32×3)"},
		{"BenchmarkStepFashion", "default encoder on Fashion-MNIST (conv 16-32-64-128, 28×28×1)"},
		{"BenchmarkStepViT", "small ViT (vit-96-4-3, 32×32×3)"},
	} {
		shares, err := c.stepProfile(p.bench)
		if err != nil {
			s.note("step profile of the %s not measured: %v", p.name, err)
			continue
		}
		for _, sh := range shares {
			s.add(bench.Result{Name: fmt.Sprintf("step profile, %s: %s", p.name, sh.Kind), Value: 100 * sh.Fraction,
				Unit: "% of its CPU time", Command: "go run run.go bench (a CPU profile of 20 steps, go tool pprof)",
				Detail: "CPU time, not wall time: a pass on one core while the other waits counts once"})
		}
	}
	return stepDefault, nil
}

// stepProfile runs one step benchmark under the CPU profiler and splits its
// execution into kinds of work (bench.StepProfile); graph compilation and
// the variables' initialisation are left out.
func (c *command) stepProfile(benchmark string) ([]bench.Share, error) {
	dir, err := os.MkdirTemp("", "mega-profile-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	bin, prof := filepath.Join(dir, "train.test"), filepath.Join(dir, "cpu.out")
	cmd := exec.CommandContext(c.ctx, "go", "test", "-run", "^$", "-bench", "^"+benchmark+"$", "-benchtime", "20x",
		"-cpuprofile", prof, "-o", bin, "./gomlxssl/train")
	cmd.Dir = c.root
	cmd.Env = append(os.Environ(), "GOEXPERIMENT=simd")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%s: %v\n%s", benchmark, err, out)
	}
	top, err := exec.CommandContext(c.ctx, "go", "tool", "pprof", "-top", "-nodecount=100000", "-nodefraction=0", "-edgefraction=0", // every function, however small
		"-ignore=[Cc]ompile|Builder|InitializeVariables", bin, prof).Output()
	if err != nil {
		return nil, fmt.Errorf("go tool pprof: %v", err)
	}
	return bench.StepProfile(string(top))
}
