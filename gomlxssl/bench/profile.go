package bench

import (
	"bufio"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Share is the part of a training step's CPU time spent in one kind of
// work (kinds), from a CPU profile. It is not a share of the wall time: a
// pass that runs on one core while the others wait counts once.
type Share struct {
	Kind     string  `json:"kind"`
	Fraction float64 `json:"fraction"`
}

// kind is one kind of work of the Go backend, by the functions that do it.
type kind struct {
	name  string
	match *regexp.Regexp
}

// kinds are the kinds of work a step's profile is split into, matched in
// order against each function's full name (the first that matches takes its
// time; the last takes the rest). They follow the Go backend's packages:
// its matrix products (dot/: the kernels and their packing; the fused dense
// layers'), its other fused ops (a ViT's attention, layer norm and softmax,
// each one pass), the gathers
// and scatters the convolution reads and writes its windows with, the
// elementwise passes and reductions (batch norm, ReLU, the loss, the
// optimiser), and the layout passes (pads, slices, transposes, broadcasts,
// copies and fills) around them.
func kinds() []kind {
	k := func(name, re string) kind { return kind{name, regexp.MustCompile(re)} }
	return []kind{
		k("matrix products (kernels and packing)", `/gobackend/(dot/|fusedops/dense\.)`),
		k("fused attention, layer norm and softmax", `/gobackend/fusedops`),
		k("gathers and scatters", `/gobackend/ops\.(exec(Gather|Scatter)|\(\*gatherIterator\)|\(\*subIndicesIterator\)|.*[Ss]catter)`),
		k("elementwise passes and reductions", `/gobackend/(activations|ops/avx512)|^simd/|/fastmath\.|/simdmath\.|/gobackend/ops\.(simd|where|vjp|dispatch(Binary|Reduce|Unary)|reduce|exec(Add|Sub|Mul|Div|Where|Max|Min|Sqrt|Rsqrt|Exp|Log|Reduce|Cos|Sin|Rem|Neg|Abs|Tanh|Logistic|Pow|Sign|Compare|Equal|Greater|Less|Select|Clamp|ConvertDType|Erf))`),
		k("layout: pads, slices, transposes, broadcasts, copies", `/gobackend/ops\.(exec(Pad|Slice|Transpose|BroadcastInDim|Broadcast|Concatenate|Identity|Reshape|Iota|DynamicSlice|DynamicUpdateSlice)|pad|transpose|broadcast|dispatch(Fast)?Transpose|ExecuteTranspose|\(\*TransposeIterator\))|runtime\.memmove|runtime\.memclr|CopyFlat|fillBuffer|\(\*Buffer\)\.(Fill|Zeros)|xslices\.FillSlice|IterFlatIndices`),
		k("other (scheduling, the runtime, the rest)", `.`),
	}
}

// StepProfile splits the flat time of a CPU profile's functions — the
// output of `go tool pprof -top -nodecount=N` — into kinds of work, as
// fractions of the profile's total that sum to 1, in the kinds' order.
func StepProfile(top string) ([]Share, error) {
	ks := kinds()
	spent := make([]time.Duration, len(ks))
	var total time.Duration
	header := false
	sc := bufio.NewScanner(strings.NewReader(top))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "flat" && f[1] == "flat%" {
			header = true
			continue
		}
		if !header || len(f) < 6 {
			continue
		}
		d, err := time.ParseDuration(strings.Replace(f[0], "us", "µs", 1))
		if err != nil {
			return nil, fmt.Errorf("profile line %q: %v", sc.Text(), err)
		}
		name := strings.Join(f[5:], " ")
		for i, k := range ks {
			if k.match.MatchString(name) {
				spent[i] += d
				break
			}
		}
		total += d
	}
	if !header || total == 0 {
		return nil, fmt.Errorf("not a profile's top listing (no flat times)")
	}
	shares := make([]Share, len(ks))
	for i, k := range ks {
		shares[i] = Share{Kind: k.name, Fraction: float64(spent[i]) / float64(total)}
	}
	return shares, nil
}
