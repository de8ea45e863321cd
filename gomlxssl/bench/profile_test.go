package bench

import (
	"math"
	"strings"
	"testing"
)

// A profile's functions are summed by kind, as fractions of the whole; a
// text that is not a profile listing is refused.
func TestStepProfile(t *testing.T) {
	top := `File: train.test
Type: cpu
Showing nodes accounting for 1050ms, 100% of 1050ms total
      flat  flat%   sum%        cum   cum%
     0.40s 40.00% 40.00%      0.40s 40.00%  github.com/gomlx/compute/internal/gobackend/dot/matmul/avx512.avx512LargeKernelFloat32Asm
     100ms 10.00% 50.00%      0.10s 10.00%  runtime.memmove
     100ms 10.00% 60.00%      0.10s 10.00%  github.com/gomlx/compute/internal/gobackend/dot/matmul/avx512.avx512PackLHSKernelRows8Float32Asm
     0.08s  8.00% 68.00%      0.08s  8.00%  github.com/gomlx/compute/internal/gobackend/ops.execGatherGeneric[go.shape.int32]
     0.07s  7.00% 75.00%      0.07s  7.00%  github.com/gomlx/compute/internal/gobackend/ops.execScatterGeneric[go.shape.float32]
     0.10s 10.00% 85.00%      0.10s 10.00%  github.com/gomlx/compute/internal/gobackend/activations.vjpReluFloat32SIMD@simd512
     0.05s  5.00% 90.00%      0.05s  5.00%  github.com/gomlx/compute/internal/gobackend/ops.simdV2V1MulFloat32@simd512
     0.05s  5.00% 95.00%      0.05s  5.00%  github.com/gomlx/compute/internal/gobackend/ops.execSliceGeneric[go.shape.float32]
     0.05s  5.00% 95.00%      0.05s  5.00%  runtime.asyncPreempt
     0.03s  3.00% 98.00%      0.03s  3.00%  github.com/gomlx/compute/internal/gobackend/fusedops.layerNormTrailingAxes[go.shape.float32]
     0.02s  2.00% 100.00%     0.02s  2.00%  github.com/gomlx/compute/internal/gobackend/fusedops/dense.fusedDenseVJP[go.shape.float32]
         0     0%   100%      0.50s 50.00%  github.com/gomlx/compute/internal/gobackend.(*FunctionExecutable).executeNode
`
	shares, err := StepProfile(top)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0.52 / 1.05, 0.03 / 1.05, 0.15 / 1.05, 0.15 / 1.05, 0.15 / 1.05, 0.05 / 1.05}
	sum := 0.0
	for i, s := range shares {
		sum += s.Fraction
		if math.Abs(s.Fraction-want[i]) > 1e-9 {
			t.Errorf("%s: %.3f, want %.3f", s.Kind, s.Fraction, want[i])
		}
	}
	if math.Abs(sum-1) > 1e-9 || !strings.HasPrefix(shares[0].Kind, "matrix products") {
		t.Errorf("shares %+v sum to %g", shares, sum)
	}
	if _, err := StepProfile("File: x\nno listing here\n"); err == nil {
		t.Error("a text without a listing was read as a profile")
	}
}
