package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mega-ssl/mega/gomlxssl/experiment"
	"github.com/mega-ssl/mega/gomlxssl/results"
	"github.com/mega-ssl/mega/report/livereload"
	"github.com/mega-ssl/mega/report/sitetest"
)

const repoRoot = "../.."

func runVerb(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(context.Background(), args, &command{stdout: &o, stderr: &e})
	return code, o.String(), e.String()
}

func TestUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
	}{{nil, 2}, {[]string{"-h"}, 0}, {[]string{"help"}, 0}, {[]string{"nosuchverb"}, 2}} {
		code, out, errOut := runVerb(t, c.args...)
		all := out + errOut
		if code != c.code {
			t.Errorf("%q: exit %d, want %d", c.args, code, c.code)
		}
		for _, v := range []string{"report", "watch", "serve", "run NAME", "list", "-out DIR"} {
			if !strings.Contains(all, v) {
				t.Errorf("%q: usage lacks %q:\n%s", c.args, v, all)
			}
		}
	}
	if code, _, errOut := runVerb(t, "report", "-nosuchflag"); code != 2 || !strings.Contains(errOut, "nosuchflag") {
		t.Errorf("unknown flag: exit %d, %q", code, errOut)
	}
	if code, _, errOut := runVerb(t, "report", "-root", t.TempDir()); code != 1 || !strings.Contains(errOut, "repository root") {
		t.Errorf("outside the repository: exit %d, %q", code, errOut)
	}
}

func TestReportAndList(t *testing.T) {
	root, out := sitetest.Fixture(t, repoRoot)
	code, stdout, stderr := runVerb(t, "report", "-root", root, "-out", out)
	if code != 0 || !strings.Contains(stdout, "index.html") || !strings.Contains(stdout, "2 experiment(s), 1 with results") {
		t.Fatalf("report: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, _ = runVerb(t, "list", "-root", root, "-out", out)
	if code != 0 {
		t.Fatalf("list: exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], "rotation") || !strings.Contains(lines[1], "not run") ||
		!strings.HasPrefix(lines[2], "simclr") || !strings.Contains(lines[2], "complete") || !strings.Contains(lines[2], "28.4%") {
		t.Errorf("list:\n%s", stdout)
	}
	// A run with an aggregate over seeds has a row of its mean ± sd, with the
	// command that reproduces it.
	agg := &results.Seeds{Experiment: "simclr", Title: "SimCLR", Seeds: []uint64{1, 2}, Dirs: []string{"simclr", "simclr-seed2"}, DataSeed: 1,
		Metrics: map[string]results.Spread{"knn_top1": results.SpreadOf([]float64{0.284, 0.30})}}
	if err := results.WriteJSON(filepath.Join(out, "simclr", results.SeedsFile), agg); err != nil {
		t.Fatal(err)
	}
	_, stdout, _ = runVerb(t, "list", "-root", root, "-out", out)
	if !regexp.MustCompile(`(?m)^  mean of seeds 1, 2 +2 seeds +29\.2±1\.1% +— .*go run ./experiments/simclr -seeds 2$`).MatchString(stdout) {
		t.Errorf("list with seeds:\n%s", stdout)
	}
	// What a finished run prints last names its directory and commands
	// that run as printed.
	next := experiment.NextSteps(filepath.Join(out, "simclr"), out, 1)
	commands := regexp.MustCompile(`go run run\.go ([^(\n]+?)\s+\(`).FindAllStringSubmatch(next, -1)
	if !strings.Contains(next, filepath.Join(out, "simclr")+"/") || len(commands) != 2 {
		t.Errorf("next steps:\n%s", next)
	}
	for _, c := range commands {
		if code, _, stderr := runVerb(t, append(strings.Fields(c[1]), "-root", root)...); code != 0 {
			t.Errorf("next step %q: exit %d, %s", c[1], code, stderr)
		}
	}
	if code, _, stderr := runVerb(t, "run", "-root", root, "-out", out, "nosuch"); code != 1 || !strings.Contains(stderr, `no experiment "nosuch"`) || !strings.Contains(stderr, "simclr") {
		t.Errorf("run nosuch: exit %d, %q", code, stderr)
	}
}

// server runs `watch -serve -port 0` on a fixture until the test ends;
// prepare, if not nil, adjusts the fixture first.
func server(t *testing.T, prepare func(root, out string)) (root, out, addr string) {
	t.Helper()
	root, out = sitetest.Fixture(t, repoRoot)
	if prepare != nil {
		prepare(root, out)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan int, 1)
	var o, e syncBuffer
	go func() {
		done <- run(ctx, []string{"serve", "-root", root, "-out", out, "-port", "0"}, &command{stdout: &o, stderr: &e, ready: func(a string) { ready <- a }})
	}()
	select {
	case addr = <-ready:
	case code := <-done:
		t.Fatalf("serve exited %d: %s", code, e.String())
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not start")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("serve exited %d: %s", code, e.String())
			}
		case <-time.After(10 * time.Second):
			t.Error("serve did not stop")
		}
	})
	return root, out, addr
}

type syncBuffer struct {
	mu  chanMutex
	buf bytes.Buffer
}

type chanMutex chan struct{}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.lock()
	defer b.unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.lock()
	defer b.unlock()
	return b.buf.String()
}

func (b *syncBuffer) lock() {
	if b.mu == nil {
		b.mu = make(chanMutex, 1)
	}
	b.mu <- struct{}{}
}
func (b *syncBuffer) unlock() { <-b.mu }

// events subscribes to the live-reload stream.
func events(t *testing.T, addr string) <-chan livereload.State {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+addr+livereload.EventsPath, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan livereload.State, 16)
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var s livereload.State
				if json.Unmarshal([]byte(data), &s) == nil {
					ch <- s
				}
			}
		}
	}()
	return ch
}

func waitState(t *testing.T, ch <-chan livereload.State, what string, ok func(livereload.State) bool) (livereload.State, time.Duration) {
	t.Helper()
	start := time.Now()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case s := <-ch:
			if ok(s) {
				return s, time.Since(start)
			}
		case <-timeout:
			t.Fatalf("%s: no such build event in 5 s", what)
		}
	}
}

func edit(t *testing.T, path string, f func(string) string) (restore func()) {
	t.Helper()
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(f(string(orig))), 0o644); err != nil {
		t.Fatal(err)
	}
	return func() {
		if err := os.WriteFile(path, orig, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// TestWatchServe: saving an experiment's source rebuilds the page in under
// 2 s and tells the page; a broken template reports the error and keeps the
// last good page; fixing it recovers; a new result is picked up.
func TestWatchServe(t *testing.T) {
	root, out, addr := server(t, nil)
	ch := events(t, addr)
	first, _ := waitState(t, ch, "initial build", func(s livereload.State) bool { return s.OK })

	edit(t, filepath.Join(root, "experiments/simclr/main.go"), func(s string) string {
		return strings.Replace(s, "is the talk's \"successful", "is — watch marker — the talk's \"successful", 1)
	})
	s, took := waitState(t, ch, "rebuild after a source change", func(s livereload.State) bool { return s.OK && s.Good > first.Good })
	t.Logf("source change → build %d in %v", s.Build, took)
	if took > 2*time.Second {
		t.Errorf("rebuild took %v, want < 2 s", took)
	}
	if page := get(t, "http://"+addr+"/"); !strings.Contains(page, "watch marker") || !strings.Contains(page, "EventSource") {
		t.Error("the served page lacks the change or the live-reload script")
	}

	restore := edit(t, filepath.Join(root, "templates/page.html"), func(s string) string { return s + "{{.NoSuchField" })
	bad, _ := waitState(t, ch, "failed build", func(s livereload.State) bool { return !s.OK })
	if !strings.Contains(bad.Error, "page.html") || bad.Good != s.Good {
		t.Errorf("failed build state %+v", bad)
	}
	if page := get(t, "http://"+addr+"/"); !strings.Contains(page, "watch marker") {
		t.Error("after a failed build the last good page is not served")
	}
	restore()
	waitState(t, ch, "recovery", func(x livereload.State) bool { return x.OK && x.Good > bad.Build })

	sitetest.WriteSampleResults(t, out, "rotation", "RotNet")
	waitState(t, ch, "new results", func(x livereload.State) bool { return x.OK })
	deadline := time.Now().Add(3 * time.Second)
	for !strings.Contains(get(t, "http://"+addr+"/"), "Run it again: <code>go run ./experiments/rotation") {
		if time.Now().After(deadline) {
			t.Fatal("the rotation results written during watch never reached the page")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// The bench verb, at its quick sizes and without the training step and the
// peers (both need minutes): bench.json holds every figure with a command to
// reproduce it, and the report shows the table.
func TestBenchQuick(t *testing.T) {
	root, out := sitetest.Fixture(t, repoRoot)
	code, stdout, stderr := runVerb(t, "bench", "-root", root, "-out", out, "-quick", "-no-step", "-no-peers")
	if code != 0 {
		t.Fatalf("bench: exit %d\n%s%s", code, stdout, stderr)
	}
	raw, err := os.ReadFile(filepath.Join(out, "bench.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Machine struct{ Cores int }
		Results []struct {
			Name, Unit, Command string
			Value               float64
		}
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	want := []string{"augmentation", "kNN", "linear probe", "t-SNE", "report build"}
	if rep.Machine.Cores == 0 || len(rep.Results) != len(want) {
		t.Fatalf("bench.json: %s", raw)
	}
	for i, r := range rep.Results {
		if !strings.Contains(r.Name, want[i]) || r.Value <= 0 || r.Unit == "" || r.Command == "" {
			t.Errorf("result %d: %+v, want %q with a value, unit and command", i, r, want[i])
		}
	}
	for _, col := range []string{"WHAT", "OURS", "PEER", "RATIO", "t-SNE"} {
		if !strings.Contains(stdout, col) {
			t.Errorf("the printed table lacks %q:\n%s", col, stdout)
		}
	}
	page, _ := os.ReadFile(filepath.Join(out, "index.html"))
	if !strings.Contains(string(page), `<table class="bench">`) || !strings.Contains(string(page), "report build") {
		t.Error("the report does not show the bench table")
	}
}

// Time to accuracy reads MEGA's progress lines (dating the first step from
// the first epoch's own duration) and the peer's JSON lines, and times the
// first epoch at or above each target on both sides.
func TestTimeToAccuracyCurves(t *testing.T) {
	t0 := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	var ours oursCurve
	for _, l := range []struct {
		at   float64
		line string
	}{
		{5, "baseline raw pixels (784 values an image): kNN 78.8%, linear 83.4% (34 s)"},
		{100, "simclr epoch 1/3: loss 3.3077 (80.0s)"},
		{110, "simclr epoch 1: kNN top-1 75.8%, embedding std 0.086"},
		{190, "simclr epoch 2/3: loss 2.4623 (80.0s)"},
		{200, "simclr epoch 2: kNN top-1 78.3%, embedding std 0.085"},
		{290, "simclr epoch 3: kNN top-1 80.1%, embedding std 0.085"},
	} {
		ours.line(l.line, t0.Add(time.Duration(l.at*float64(time.Second))))
	}
	want := []ttaPoint{{1, 90, 0.758}, {2, 180, 0.783}, {3, 270, 0.801}}
	if len(ours.curve) != 3 {
		t.Fatalf("MEGA's curve %v, want %v", ours.curve, want)
	}
	for i, p := range ours.curve {
		if p.Epoch != want[i].Epoch || math.Abs(p.Seconds-want[i].Seconds) > 1e-9 || math.Abs(p.KNN-want[i].KNN) > 1e-9 {
			t.Errorf("point %d: %+v, want %+v", i, p, want[i])
		}
	}
	var peer []ttaPoint
	for _, l := range []string{
		"data: train (60000, 28, 28, 1) test (10000, 28, 28, 1)",
		`{"epoch": 1, "loss": 3.1, "knn_top1": 0.77, "lr": 0.005, "epoch_s": 70.0, "wall_s": 70.0}`,
		`{"epoch": 2, "loss": 2.4, "knn_top1": 0.79, "lr": 0.004, "epoch_s": 70.0, "wall_s": 140.0}`,
		`{"epochs_schedule": 2, "knn": 0.79}`,
	} {
		if p, ok := peerPoint(l); ok {
			peer = append(peer, p)
		}
	}
	if len(peer) != 2 || peer[1].Seconds != 140 {
		t.Fatalf("peer curve %v", peer)
	}
	res, notes := ttaResults("Fashion-MNIST", ours.curve, peer, []float64{0.76, 0.78, 0.80}, "", "")
	if len(res) != 3 || res[0].Value != 180 || res[0].PeerValue != 70 || res[1].Value != 180 || res[1].PeerValue != 140 ||
		res[2].PeerValue != 0 || len(notes) != 1 || !strings.Contains(notes[0], "not reached by the PyTorch peer (best 79.0%)") {
		t.Errorf("results %+v, notes %q", res, notes)
	}
	if ours, peer := epochSeconds(ours.curve), epochSeconds(peer); ours != 90 || peer != 70 {
		t.Errorf("seconds an epoch %g and %g, want 90 and 70", ours, peer)
	}
	if r := res[0].Ratio; math.Abs(r-70.0/180) > 1e-9 {
		t.Errorf("ratio %g, want peer/ours = %g (a time: > 1 is faster)", r, 70.0/180)
	}
}

// The timed targets are whole percents both runs reach after their first
// epoch, at most four; with none, the lower best figure.
func TestTimeToAccuracyTargets(t *testing.T) {
	curve := func(knn ...float64) []ttaPoint {
		var c []ttaPoint
		for i, k := range knn {
			c = append(c, ttaPoint{Epoch: i + 1, Seconds: float64(i + 1), KNN: k})
		}
		return c
	}
	for _, c := range []struct {
		ours, peer []ttaPoint
		want       []float64
	}{
		{curve(0.798, 0.811, 0.819), curve(0.77, 0.80, 0.815), []float64{0.80, 0.81}},
		{curve(0.70, 0.80, 0.84, 0.86), curve(0.72, 0.85, 0.87), []float64{0.74, 0.78, 0.82, 0.86}},
		{curve(0.80, 0.801), curve(0.79, 0.795), []float64{0.795}},
	} {
		got := ttaTargets(c.ours, c.peer)
		if len(got) != len(c.want) {
			t.Errorf("targets %v, want %v", got, c.want)
			continue
		}
		for i := range got {
			if math.Abs(got[i]-c.want[i]) > 1e-9 {
				t.Errorf("targets %v, want %v", got, c.want)
				break
			}
		}
	}
}
