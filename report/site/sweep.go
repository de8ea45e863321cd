package site

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/mega-ssl/mega/gomlxssl/plots"
	"github.com/mega-ssl/mega/report/markdown"
)

// sweep draws, for an experiment's runs (placed before the directive) that measured a pretext task, the
// task's accuracy beside the kNN and linear probes (the jigsaw sweep: a task
// too easy or too hard teaches less), into OUT/.cache/sweep-NAME.svg.
func (b *builder) sweep(p *partView, runs []*Experiment) error {
	// One data per sweep: the data most of the runs are of (a sweep is a
	// comparison, and runs on other data are not comparable).
	count := map[string]int{}
	data := ""
	for _, e := range runs {
		if r := e.Run; r != nil && r.Metrics.PretextAccuracy != nil && r.Status != "failed" {
			if count[r.Dataset.Name]++; count[r.Dataset.Name] > count[data] {
				data = r.Dataset.Name
			}
		}
	}
	var labels []string
	var pretext, knn, linear []float64
	for _, e := range runs {
		if r := e.Run; r != nil && r.Metrics.PretextAccuracy != nil && r.Status != "failed" && r.Dataset.Name == data {
			labels = append(labels, r.Title)
			pretext = append(pretext, 100**r.Metrics.PretextAccuracy)
			knn = append(knn, 100*r.Metrics.KNNTop1)
			linear = append(linear, 100*r.Metrics.LinearTop1)
		}
	}
	if len(labels) < 2 { // a sweep of one run is no sweep: its section has its figures
		p.Sweep = &tsneView{Missing: fmt.Sprintf("The sweep needs several runs of %s on one dataset (%d so far): go run run.go run %s-sweep.", p.names[0], len(labels), p.names[0])}
		return nil
	}
	id, num := b.page.Figure()
	p.Sweep = &tsneView{Figure: &figureView{ID: id, Number: num}}
	labels = trimCommonWords(labels)
	path := filepath.Join(b.cfg.Out, ".cache", "sweep-"+p.names[0]+".svg")
	if err := plots.GroupedBars(path, plots.Chart{Title: "the pretext task and the probes, run by run", YLabel: "accuracy (%)", YMin: 0, YMax: 100},
		labels, []plots.Series{{Name: "pretext task (test)", Values: pretext}, {Name: "kNN top-1", Values: knn}, {Name: "linear top-1", Values: linear}}); err != nil {
		return err
	}
	uri, err := markdown.DataURI(filepath.Dir(path), filepath.Base(path))
	if err != nil {
		return err
	}
	f := p.Sweep.Figure
	f.Src = markdown.Src(uri)
	f.Caption = fmt.Sprintf("The runs of %s: the accuracy on the pretext task itself (held-out images) beside the kNN and linear probes of the encoder.", p.names[0])
	f.Alt = f.Caption
	return nil
}

// trimCommonWords drops the words every label starts with ("Jigsaw").
func trimCommonWords(labels []string) []string {
	words := make([][]string, len(labels))
	for i, l := range labels {
		words[i] = strings.Fields(l)
	}
	common := 0
	for ; len(labels) > 1; common++ {
		same := true
		for _, w := range words {
			if common >= len(w)-1 || w[common] != words[0][common] {
				same = false
				break
			}
		}
		if !same {
			break
		}
	}
	out := make([]string, len(labels))
	for i, w := range words {
		out[i] = strings.Join(w[common:], " ")
	}
	return out
}
