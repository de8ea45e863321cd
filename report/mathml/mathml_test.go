package mathml

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// elements parses out as XML (MathML output must be well-formed) and returns
// its element names in document order.
func elements(t *testing.T, out string) []string {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(out))
	var names []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return names
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, out)
		}
		if se, ok := tok.(xml.StartElement); ok {
			names = append(names, se.Name.Local)
		}
	}
}

func TestConvertStructure(t *testing.T) {
	cases := []struct {
		tex     string
		display bool
		want    string // element sequence (space separated) expected as a substring
		text    []string
	}{
		{`x_i^2`, false, "math msubsup mi mi mn", nil},
		{`\frac{a}{b}`, false, "math mfrac mi mi", nil},
		{`\sum_{k=1}^{2N} x_k`, true, "munderover mo mrow mi mo mn mrow mn mi", []string{"∑", `movablelimits="true"`, `display="block"`}},
		{`\exp(\mathrm{sim}(z_i, z_j)/\tau)`, false, "mrow mi mo mo mi", []string{"exp", "sim", "τ", "\u2061"}},
		{`\mathbb{1}_{[k \ne i]}`, false, "msub mn mrow mo mi mo mi mo", []string{"𝟙", "≠"}},
		{`\mathcal{L}_{BT}`, false, "msub mi", []string{"ℒ"}},
		{`\mathbb{E}_{q}`, false, "msub mi mi", []string{"𝔼"}},
		{`\left\lVert z \right\rVert_2`, false, "msub mrow mo mi mo mn", []string{`stretchy="true"`, "‖"}},
		{`\sqrt{d}`, false, "msqrt mi", nil},
		{`a < b`, false, "mi mo mi", []string{"&lt;"}},
		{`D_{\mathrm{KL}}\big(q \,\|\, p\big)`, true, "msub mi mi mo mi mspace mo", []string{"KL"}},
		{`\text{if } y = 0`, false, "mtext mi mo mn", []string{"if "}},
		{`\hat{x}'`, false, "msup mover mi mo mo", []string{"′"}},
		{`-1.5`, false, "mo mn", []string{"−", "1.5"}},
	}
	for _, c := range cases {
		out, err := Convert(c.tex, c.display)
		if err != nil {
			t.Errorf("%s: %v", c.tex, err)
			continue
		}
		seq := strings.Join(elements(t, out), " ")
		if !strings.Contains(seq, c.want) {
			t.Errorf("%s: elements %q, want %q in them\n%s", c.tex, seq, c.want, out)
		}
		for _, s := range c.text {
			if !strings.Contains(out, s) {
				t.Errorf("%s: output lacks %q\n%s", c.tex, s, out)
			}
		}
		if !strings.Contains(out, `alttext="`) {
			t.Errorf("%s: no alttext", c.tex)
		}
	}
}

// The formulas of the narrative, verbatim, must all convert.
func TestNarrativeFormulas(t *testing.T) {
	for _, tex := range []string{
		`\ell_{i,j} = -\log \frac{\exp(\mathrm{sim}(z_i, z_j)/\tau)}{\sum_{k \ne i} \exp(\mathrm{sim}(z_i, z_k)/\tau)}`,
		`\mathcal{L}_{BT} = \sum_i (1 - \mathcal{C}_{ii})^2 + \lambda \sum_i \sum_{j \ne i} \mathcal{C}_{ij}^2`,
		`D_{\mathrm{KL}}\left(q_\phi(z \mid x) \,\|\, p(z)\right) = \frac{1}{2}\sum_{j=1}^{J}\left(\mu_j^2 + \sigma_j^2 - \log \sigma_j^2 - 1\right)`,
		`L = (1-Y)\,\tfrac{1}{2} D^2 + Y\,\tfrac{1}{2}\max(0, m - D)^2`,
		`\mathrm{sim}(u, v) = \frac{u^\top v}{\lVert u \rVert \, \lVert v \rVert}`,
	} {
		out, err := Convert(tex, true)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		elements(t, out)
	}
}

func TestConvertErrors(t *testing.T) {
	for tex, want := range map[string]string{
		`\foo x`:         `unknown command \foo`,
		`\frac{a}`:       `missing argument`,
		`{a`:             `missing closing }`,
		`a}`:             `unbalanced }`,
		`x^2^3`:          `double superscript`,
		`\left( x`:       `missing closing \right`,
		`a & b`:          `unsupported character "&"`,
		`x_`:             `missing argument`,
		`\text x`:        `expected {`,
		`\right)`:        `\right without \left`,
		`\sqrt[3{x}`:     `missing closing ]`,
		`\mathbb`:        `missing argument`,
		`\`:              `lone backslash`,
		`\left x\right)`: `needs a delimiter`,
	} {
		_, err := Convert(tex, false)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want it to contain %q", tex, err, want)
		}
	}
}
