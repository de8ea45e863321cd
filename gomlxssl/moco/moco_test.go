package moco

import (
	"flag"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
)

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		queue, groups, train, batch int
		ok                          bool
	}{{4096, 8, 6000, 128, true}, {4096, 8, 2048, 64, true}, {1000, 8, 6000, 128, false}, {1024, 8, 2048, 64, true}, {1024, 3, 2048, 64, false}} {
		c := Default()
		c.Queue, c.BNGroups = tc.queue, tc.groups
		if err := c.Check(tc.train, tc.batch); (err == nil) != tc.ok {
			t.Errorf("queue %d, %d groups, train %d, batch %d: error %v", tc.queue, tc.groups, tc.train, tc.batch, err)
		}
	}
}

// The default queue that a training set cannot hold is sized to the largest
// multiple of 2B that fits, and recorded; a -queue given explicitly is
// refused instead.
func TestQueueSizedOrRefused(t *testing.T) {
	c := Default()
	c.Flags(flag.NewFlagSet("moco", flag.ContinueOnError))
	if err := c.Check(2000, 64); err != nil || c.Queue != 1920 || c.SizedFrom != 4096 {
		t.Errorf("default queue on 2,000 images, batch 64: error %v, K = %d (from %d); want 1920 from 4096", err, c.Queue, c.SizedFrom)
	}
	c = Default()
	fs := flag.NewFlagSet("moco", flag.ContinueOnError)
	c.Flags(fs)
	if err := fs.Parse([]string{"-queue", "4096"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Check(2048, 64); err == nil || !strings.Contains(err.Error(), "-queue 4096 is larger than the training set") || c.Queue != 4096 {
		t.Errorf("explicit -queue 4096 on 2,048 images: error %v, K = %d; want it refused and unchanged", err, c.Queue)
	}
}

// A momentum outside [0, 1] or a temperature that is not positive is refused,
// naming the flag; the ends of the momentum's range are allowed.
func TestCheckMomentumAndTemperature(t *testing.T) {
	for _, tc := range []struct {
		momentum, temperature float64
		flag                  string
	}{{-0.1, 0.1, "-momentum"}, {1.5, 0.1, "-momentum"}, {0.99, 0, "-temperature"}, {0.99, -1, "-temperature"}, {0, 0.1, ""}, {1, 0.2, ""}} {
		c := Default()
		c.Momentum, c.Temperature = tc.momentum, tc.temperature
		err := c.Check(6000, 128)
		if tc.flag == "" && err != nil || tc.flag != "" && (err == nil || !strings.Contains(err.Error(), tc.flag)) {
			t.Errorf("m %g, τ %g: error %v, want one naming %q", tc.momentum, tc.temperature, err, tc.flag)
		}
	}
}

// Interleaving puts consecutive rows in different groups, and its inverse
// undoes it.
func TestInterleave(t *testing.T) {
	perm, inv := Interleave(8, 4)
	p, q := tensors.MustCopyFlatData[int32](perm), tensors.MustCopyFlatData[int32](inv)
	want := []int32{0, 2, 4, 6, 1, 3, 5, 7}
	for i := range p {
		if p[i] != want[i] || p[q[i]] != int32(i) {
			t.Fatalf("perm %v inverse %v, want perm %v and its inverse", p, q, want)
		}
	}
}
