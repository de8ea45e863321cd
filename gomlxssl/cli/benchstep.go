package cli

import (
	"fmt"

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
	return stepDefault, nil
}
