package site

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// The docs' measured tables are generated from the repository's reference
// runs, never typed: a Markdown file under docs/ (or the README) marks a
// block
//
//	<!-- generated: table1 fashion-mnist membank moco simclr swav -->
//	…
//	<!-- end generated -->
//
// and `go run run.go docs` rewrites what lies between from reference/ (a
// test fails when the checked-in text differs). The kinds are the entries of
// docBlocks.

// generatedBlock matches one generated block: its kind and arguments, and
// its body.
var generatedBlock = regexp.MustCompile(`(?s)(<!-- generated: ([^\n]*?) -->\n)(.*?)(<!-- end generated -->)`)

// docBlocks are the kinds of generated block, by name: each writes its
// Markdown from the reference runs (refs) and its arguments.
var docBlocks = map[string]struct {
	usage string
	write func(refs []*Experiment, args []string) (string, error)
}{
	"table1": {"table1 DATASET EXPERIMENT…", table1Markdown},
	"runs":   {"runs DATASET", runsMarkdown},
}

// GenerateDocs returns md with every generated block rewritten from the
// reference runs under root/reference, and the names of the blocks.
func GenerateDocs(root string, md []byte) ([]byte, []string, error) {
	exps, err := Experiments(root, "")
	if err != nil {
		return nil, nil, err
	}
	var refs []*Experiment
	for _, e := range exps {
		refs = append(refs, e.Runs()...)
	}
	var names []string
	var failed error
	out := generatedBlock.ReplaceAllFunc(md, func(m []byte) []byte {
		p := generatedBlock.FindSubmatch(m)
		fields := strings.Fields(string(p[2]))
		kind, ok := docBlocks[fields[0]]
		if !ok {
			failed = fmt.Errorf("generated block %q: unknown kind (known: table1, runs)", p[2])
			return m
		}
		body, err := kind.write(refs, fields[1:])
		if err != nil {
			failed = fmt.Errorf("generated block %q (%s): %w", p[2], kind.usage, err)
			return m
		}
		names = append(names, string(p[2]))
		return slices.Concat(p[1], []byte(body), p[4])
	})
	return out, names, failed
}

// onData keeps the runs on dataset name.
func onData(refs []*Experiment, name string) []*Experiment {
	var out []*Experiment
	for _, e := range refs {
		if e.Run.Dataset.Name == name {
			out = append(out, e)
		}
	}
	return out
}

// mdCell is a table cell as Markdown: "81.0 ± 0.1%", "—".
func mdCell(c cell) string {
	if c.PM == "" {
		return c.Text
	}
	return c.Text + " ± " + c.PM
}

// mdRow is one row of a Markdown table.
func mdRow(cells ...string) string {
	for i, c := range cells {
		cells[i] = strings.ReplaceAll(c, "|", `\|`)
	}
	return "| " + strings.Join(cells, " | ") + " |\n"
}

// table1Markdown is the talk's Table 1 on one dataset from the references,
// with the published figures and the sentences that say whether the claim
// holds.
func table1Markdown(refs []*Experiment, args []string) (string, error) {
	if len(args) < 2 {
		return "", fmt.Errorf("want a dataset and the experiments")
	}
	runs := onData(refs, args[0])
	v := labelTable(runs, nil, args[1:])
	if v == nil {
		return "", fmt.Errorf("no reference run of %s on %s has the fine-tuning figures", strings.Join(args[1:], ", "), args[0])
	}
	var b strings.Builder
	head := append(append([]string{""}, v.Columns...), v.Published...)
	for i := len(v.Columns) + 1; i < len(head); i++ {
		head[i] = "*published: " + head[i] + "*"
	}
	b.WriteString(mdRow(head...))
	b.WriteString(strings.Repeat("|---", len(head)) + "|\n")
	for _, r := range v.Rows {
		name := r.Name
		// Every run here is a reference: the docs say so once, above.
		if note := strings.TrimPrefix(strings.TrimSuffix(r.Note, "; reference run"), "reference run"); note != "" {
			name += " (" + note + ")"
		}
		row := []string{name}
		for _, c := range r.Cells {
			row = append(row, mdCell(c))
		}
		for _, c := range r.Published {
			if c.Text != "—" {
				c.Text = "*" + c.Text + "*"
			}
			row = append(row, c.Text)
		}
		b.WriteString(mdRow(row...))
	}
	b.WriteString("\n" + v.Note + " ± is the 95% half-width over the test images, or the standard deviation over seeds.\n")
	for _, c := range v.Claim {
		b.WriteString("\n" + c + "\n")
	}
	return b.String(), nil
}

// runsMarkdown lists every reference run on one dataset with its probes and
// protocols' figures, where it ran and the command that makes it again.
func runsMarkdown(refs []*Experiment, args []string) (string, error) {
	if len(args) != 1 {
		return "", fmt.Errorf("want a dataset")
	}
	runs := onData(refs, args[0])
	if len(runs) == 0 {
		return "", fmt.Errorf("no reference run on %s", args[0])
	}
	var b strings.Builder
	b.WriteString(mdRow("run", "seeds", "kNN", "linear", "1% labels: kNN", "1% labels: fine-tuned", "10% labels: fine-tuned", "made on", "command"))
	b.WriteString(strings.Repeat("|---", 9) + "|\n")
	for _, e := range runs {
		r, m, n := e.Run, e.Run.Metrics, e.Run.Dataset.Test
		seeds := "1"
		if e.Seeds != nil {
			seeds = fmt.Sprint(len(e.Seeds.Seeds))
		}
		fig := func(key string, v float64, ok bool) string { return mdCell(lookup(r, e.Seeds, "", key, v, ok).cell(n)) }
		ft := func(key string) string {
			v, ok := scoreOf(r.Scores, key)
			return fig(key, v, ok)
		}
		where, cmd := "", Command(r.Experiment, r.Args...)
		if e.Reference != nil {
			where, cmd = e.Reference.Where(), e.Reference.Command
		}
		b.WriteString(mdRow(e.Name, seeds, fig("knn_top1", m.KNNTop1, true), fig("linear_top1", m.LinearTop1, r.LinearProbed()),
			fig("knn_top1_1pct", m.KNNTop1OnePct, m.OnePctLabels > 0), ft("finetune_1pct"), ft("finetune_10pct"), where, "`"+cmd+"`"))
	}
	return b.String(), nil
}
