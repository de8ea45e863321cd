package train

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progress draws one self-updating line on a terminal, and one line per epoch
// otherwise (logs, CI).
type progress struct {
	w             io.Writer
	label         string
	epochs, steps int
	tty           bool
	last, started time.Time
	drawn         bool
	firstStep     int // global step when the progress began (non-zero after -resume)
	// quiet keeps the line per epoch off a log (the self-updating line
	// still draws on a terminal).
	quiet bool
}

func newProgress(w io.Writer, label string, epochs, steps, firstStep int) *progress {
	tty := false
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &progress{w: w, label: label, epochs: epochs, steps: steps, tty: tty, started: time.Now(), firstStep: firstStep}
}

func (p *progress) update(epoch, step int, loss, lr, imagesPerS float64) {
	if !p.tty || (time.Since(p.last) < 200*time.Millisecond && step != p.steps) {
		return
	}
	p.last = time.Now()
	const width = 24
	done := epoch*p.steps + step
	filled := done * width / (p.epochs * p.steps)
	bar := strings.Repeat("=", filled) + strings.Repeat(" ", width-filled)
	remaining := float64(p.epochs*p.steps-done) * float64(time.Since(p.started)) / float64(max(1, done-p.firstStep))
	fmt.Fprintf(p.w, "\r%s epoch %d/%d [%s] %d/%d loss %.4f lr %.2e %.0f img/s ETA %s\033[K",
		p.label, epoch+1, p.epochs, bar, step, p.steps, loss, lr, imagesPerS, time.Duration(remaining).Round(time.Second))
	p.drawn = true
}

func (p *progress) epochDone(epoch int, loss, secs float64) {
	if p.quiet {
		return
	}
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
	fmt.Fprintf(p.w, "%s epoch %d/%d: loss %.4f (%.1fs)\n", p.label, epoch+1, p.epochs, loss, secs)
	p.drawn = false
}

func (p *progress) finish() {
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}
