package cli

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/mega-ssl/mega/gomlxssl/data"
	"github.com/mega-ssl/mega/report/sitetest"
)

// -tta-data takes a list of the known datasets; anything else, and a
// negative -tta-epochs, is a usage error that names the flag, before
// anything runs.
func TestBenchTTAFlags(t *testing.T) {
	sets, err := ttaSetsNamed("shapes, fashion-mnist")
	if err != nil || len(sets) != 2 || sets[0].name != "shapes" || sets[1].label != "Fashion-MNIST" {
		t.Errorf("ttaSetsNamed: %v, %v", sets, err)
	}
	root, out := sitetest.Fixture(t, repoRoot)
	for _, c := range []struct{ args, want []string }{
		{[]string{"-tta-data", "cifar10"}, []string{`unknown dataset "cifar10"`, "fashion-mnist, shapes"}},
		{[]string{"-tta-data", "shapes,"}, []string{`unknown dataset ""`}},
		{[]string{"-tta-epochs", "-1"}, []string{"-tta-epochs must not be negative"}},
	} {
		code, _, stderr := runVerb(t, append([]string{"bench", "-root", root, "-out", out}, c.args...)...)
		if code != 2 {
			t.Errorf("bench %v: exit %d, want 2", c.args, code)
		}
		for _, w := range c.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("bench %v: stderr %q lacks %q", c.args, stderr, w)
			}
		}
	}
}

// The peer trains on the very images MEGA's -dataset shapes makes: the
// exported files read back equal to the generated split, and MEGA is told
// the same sizes, seed and image size, and to search every training image
// with k = 200, as the peer's monitor does.
func TestTTAShapesSameImages(t *testing.T) {
	i := slices.IndexFunc(ttaSets, func(s ttaSet) bool { return s.name == "shapes" })
	tmp := t.TempDir()
	ours, peer, err := ttaSets[i].args(tmp, "OUT", true)
	if err != nil {
		t.Fatal(err)
	}
	flags := strings.Join(ours, " ")
	for _, w := range []string{"-dataset shapes", "-train 2000", "-test 500", "-image-size 32", "-data-seed 1", "-knn-k 200", "-knn-train 2000"} {
		if !strings.Contains(flags, w) {
			t.Errorf("MEGA's flags %q lack %q", flags, w)
		}
	}
	if len(peer) != 2 || peer[0] != "--data" {
		t.Fatalf("peer's flags %q, want --data DIR", peer)
	}
	got, err := data.LoadCIFAR10(peer[1], false)
	if err != nil {
		t.Fatal(err)
	}
	want := data.Shapes(data.ShapesConfig{Train: 2000, Test: 500, Size: 32, Seed: 1})
	for _, p := range [][2]*data.Dataset{{got.Train, want.Train}, {got.Test, want.Test}} {
		if !bytes.Equal(p[0].Pixels, p[1].Pixels) || !slices.Equal(p[0].Labels, p[1].Labels) {
			t.Errorf("%s: the exported images or labels differ from the generated ones", p[1].Name)
		}
	}
}
