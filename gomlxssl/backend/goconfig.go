package backend

import (
	"fmt"
	"runtime"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/gobackend"
)

// NewGo returns the pure-Go backend with config (GoMLX's "parallelism=N,
// num_executors=N,…", possibly empty) applied over GoConfig's defaults.
func NewGo(config string) (compute.Backend, error) {
	return gobackend.New(GoConfig(config))
}

// GoConfig is the Go backend's configuration: one graph executor per core,
// then config, whose settings come last and so win.
//
// Why: the backend runs the independent nodes of a graph on up to
// num_executors executor goroutines (8 by default), each holding one of its
// worker pool's 2×GOMAXPROCS slots for the whole execution, idle or not;
// matrix products, transposes and the other ops that split their work take
// the slots left. On 2 cores the default's executors held all four slots, so
// every matrix product ran on one goroutine (the step ran as fast with
// GOMAXPROCS=1 as with 2). With one executor per core two slots stay free:
// the SimCLR step on Fashion-MNIST +33% (BenchmarkStepFashion, three
// alternated rounds: 1,815 / 1,827 / 1,967 → 2,522 / 2,458 / 2,611
// images/s), the benchmark encoder's +15–40% (598 / 594 / 672 → 690 / 827 /
// 855). The products split their work the same way as before (by the
// core count), so the results are the same to the bit. From 8 cores up it
// is the backend's own default.
func GoConfig(config string) string {
	base := fmt.Sprintf("num_executors=%d", min(runtime.GOMAXPROCS(0), maxExecutors))
	if config == "" {
		return base
	}
	return base + "," + config
}

// maxExecutors is the Go backend's own default number of executors
// (gobackend's DefaultNumExecutors, internal to its module).
const maxExecutors = 8
