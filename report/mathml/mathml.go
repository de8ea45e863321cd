// Package mathml converts the subset of TeX math that the report's narrative
// uses into MathML Core, which browsers render natively. The page then shows
// NT-Xent, InfoNCE, the KL divergence or the Barlow Twins objective with no
// script, no font download and no network.
//
// No maintained Go library converts TeX to MathML (the KaTeX and MathJax ports
// are JavaScript), so this is written here. It is deliberately strict: a
// command it does not know is an error naming the command, so a typo in the
// narrative fails the build instead of rendering garbage.
package mathml

import (
	"fmt"
	"html"
	"strings"
	"unicode"
)

// Convert renders the TeX source tex (without its $ delimiters) as a <math>
// element; display selects block (display="block") or inline layout.
func Convert(tex string, display bool) (string, error) {
	p := &parser{src: []rune(tex)}
	nodes, err := p.sequence(0)
	if err != nil {
		return "", fmt.Errorf("math %q: %w", tex, err)
	}
	if p.pos < len(p.src) {
		return "", fmt.Errorf("math %q: unexpected %q at offset %d", tex, string(p.src[p.pos]), p.pos)
	}
	var b strings.Builder
	b.WriteString(`<math xmlns="http://www.w3.org/1998/Math/MathML"`)
	if display {
		b.WriteString(` display="block"`)
	}
	fmt.Fprintf(&b, ` alttext="%s">`, html.EscapeString(tex))
	writeRow(&b, nodes)
	b.WriteString(`</math>`)
	return b.String(), nil
}

// node is one MathML element: tag with attributes, and either text or children.
type node struct {
	tag, attrs, text string
	kids             []*node
}

func leaf(tag, text string) *node { return &node{tag: tag, text: text} }

func (n *node) write(b *strings.Builder) {
	b.WriteString("<" + n.tag + n.attrs + ">")
	if n.kids == nil {
		b.WriteString(html.EscapeString(n.text))
	}
	for _, k := range n.kids {
		k.write(b)
	}
	b.WriteString("</" + n.tag + ">")
}

func writeRow(b *strings.Builder, nodes []*node) {
	if len(nodes) == 1 {
		nodes[0].write(b)
		return
	}
	row(nodes).write(b)
}

func row(nodes []*node) *node {
	if nodes == nil {
		nodes = []*node{}
	}
	return &node{tag: "mrow", kids: nodes}
}

// group wraps several nodes in an mrow so that they are one argument.
func group(nodes []*node) *node {
	if len(nodes) == 1 {
		return nodes[0]
	}
	return row(nodes)
}

type parser struct {
	src []rune
	pos int
}

// Stop reasons for sequence: the closing token it stopped at.
const (
	stopEnd   = 0
	stopBrace = '}'
	stopRight = 'r' // \right
	stopBrack = ']' // optional argument of \sqrt
)

// sequence parses atoms with their scripts until the end, or the closing
// token named by stop (which it does not consume).
func (p *parser) sequence(stop rune) ([]*node, error) {
	var out []*node
	for {
		p.skipSpace()
		if p.pos >= len(p.src) {
			if stop != stopEnd {
				return nil, fmt.Errorf("missing closing %s", closer(stop))
			}
			return out, nil
		}
		c := p.src[p.pos]
		switch {
		case c == '}' && stop == stopBrace, c == ']' && stop == stopBrack:
			return out, nil
		case c == '}':
			return nil, fmt.Errorf("unbalanced } at offset %d", p.pos)
		case stop == stopRight && p.peekCommand() == "right":
			return out, nil
		case c == '^' || c == '_':
			// A script with no base (e.g. "{}^2" or a leading "_i").
			base := row(nil)
			n, err := p.scripts(base)
			if err != nil {
				return nil, err
			}
			out = append(out, n)
			continue
		}
		atom, err := p.atom()
		if err != nil {
			return nil, err
		}
		if atom == nil {
			continue
		}
		n, err := p.scripts(atom)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
}

func closer(stop rune) string {
	switch stop {
	case stopBrace:
		return "}"
	case stopRight:
		return `\right`
	default:
		return string(stop)
	}
}

func (p *parser) skipSpace() {
	for p.pos < len(p.src) && unicode.IsSpace(p.src[p.pos]) {
		p.pos++
	}
}

// peekCommand returns the name of the command at pos, or "".
func (p *parser) peekCommand() string {
	if p.pos >= len(p.src) || p.src[p.pos] != '\\' {
		return ""
	}
	i := p.pos + 1
	for i < len(p.src) && unicode.IsLetter(p.src[i]) {
		i++
	}
	return string(p.src[p.pos+1 : i])
}

// scripts parses any ^ and _ after base.
func (p *parser) scripts(base *node) (*node, error) {
	var sub, sup *node
	for {
		p.skipSpace()
		if p.pos >= len(p.src) {
			break
		}
		c := p.src[p.pos]
		if c == '\'' { // primes
			p.pos++
			prime := leaf("mo", "′")
			if sup == nil {
				sup = prime
			} else {
				sup = row([]*node{sup, prime})
			}
			continue
		}
		if c != '^' && c != '_' {
			break
		}
		p.pos++
		arg, err := p.argument()
		if err != nil {
			return nil, err
		}
		if c == '^' {
			if sup != nil {
				return nil, fmt.Errorf("double superscript")
			}
			sup = arg
		} else {
			if sub != nil {
				return nil, fmt.Errorf("double subscript")
			}
			sub = arg
		}
	}
	big := base.tag == "mo" && strings.Contains(base.attrs, "movablelimits")
	switch {
	case sub == nil && sup == nil:
		return base, nil
	case big && sup == nil:
		return &node{tag: "munder", kids: []*node{base, sub}}, nil
	case big && sub == nil:
		return &node{tag: "mover", kids: []*node{base, sup}}, nil
	case big:
		return &node{tag: "munderover", kids: []*node{base, sub, sup}}, nil
	case sup == nil:
		return &node{tag: "msub", kids: []*node{base, sub}}, nil
	case sub == nil:
		return &node{tag: "msup", kids: []*node{base, sup}}, nil
	default:
		return &node{tag: "msubsup", kids: []*node{base, sub, sup}}, nil
	}
}

// argument parses one argument: a {group} or a single atom.
func (p *parser) argument() (*node, error) {
	p.skipSpace()
	if p.pos >= len(p.src) {
		return nil, fmt.Errorf("missing argument at the end")
	}
	if p.src[p.pos] == '{' {
		p.pos++
		nodes, err := p.sequence(stopBrace)
		if err != nil {
			return nil, err
		}
		p.pos++ // }
		return group(nodes), nil
	}
	if p.src[p.pos] == '^' || p.src[p.pos] == '_' {
		return nil, fmt.Errorf("script %q needs an argument", string(p.src[p.pos]))
	}
	n, err := p.atom()
	if err != nil {
		return nil, err
	}
	if n == nil {
		return nil, fmt.Errorf("missing argument at offset %d", p.pos)
	}
	return n, nil
}

// rawGroup reads a {…} argument as plain text (for \text and \mathrm).
func (p *parser) rawGroup() (string, error) {
	p.skipSpace()
	if p.pos >= len(p.src) || p.src[p.pos] != '{' {
		return "", fmt.Errorf("expected { at offset %d", p.pos)
	}
	depth, start := 0, p.pos+1
	for i := p.pos; i < len(p.src); i++ {
		switch p.src[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				p.pos = i + 1
				return string(p.src[start:i]), nil
			}
		}
	}
	return "", fmt.Errorf("missing closing }")
}

const operators = "+-=<>,;:!()[]|/*.?"

// atom parses one atom without scripts. It returns nil for input that
// produces nothing (\displaystyle, \left. ).
func (p *parser) atom() (*node, error) {
	c := p.src[p.pos]
	switch {
	case c == '{':
		p.pos++
		nodes, err := p.sequence(stopBrace)
		if err != nil {
			return nil, err
		}
		p.pos++
		return row(nodes), nil
	case c == '\\':
		return p.command()
	case unicode.IsDigit(c):
		start := p.pos
		for p.pos < len(p.src) && (unicode.IsDigit(p.src[p.pos]) || p.src[p.pos] == '.' && p.pos+1 < len(p.src) && unicode.IsDigit(p.src[p.pos+1])) {
			p.pos++
		}
		return leaf("mn", string(p.src[start:p.pos])), nil
	case unicode.IsLetter(c):
		p.pos++
		return leaf("mi", string(c)), nil
	case c == '-':
		p.pos++
		return leaf("mo", "−"), nil
	case strings.ContainsRune(operators, c):
		p.pos++
		if c == '|' {
			return &node{tag: "mo", attrs: ` stretchy="false"`, text: "|"}, nil
		}
		return leaf("mo", string(c)), nil
	case c == '&' || c == '#' || c == '%' || c == '$' || c == '~':
		return nil, fmt.Errorf("unsupported character %q at offset %d", string(c), p.pos)
	default:
		p.pos++
		return leaf("mo", string(c)), nil
	}
}

var greek = map[string]string{
	"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
	"zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
	"lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ",
	"tau": "τ", "upsilon": "υ", "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
	"Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π",
	"Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
	"ell": "ℓ", "infty": "∞", "partial": "∂", "nabla": "∇", "emptyset": "∅",
}

var symbols = map[string]string{
	"ne": "≠", "neq": "≠", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "cdot": "⋅",
	"times": "×", "in": "∈", "notin": "∉", "sim": "∼", "approx": "≈", "to": "→",
	"rightarrow": "→", "leftarrow": "←", "mapsto": "↦", "pm": "±", "ldots": "…", "cdots": "⋯",
	"top": "⊤", "mid": "∣", "lVert": "‖", "rVert": "‖", "|": "‖", "langle": "⟨", "rangle": "⟩",
	"forall": "∀", "exists": "∃", "propto": "∝", "equiv": "≡", "coloneqq": "≔", "{": "{", "}": "}",
	"lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "odot": "⊙", "circ": "∘",
	"subset": "⊂", "cup": "∪", "cap": "∩", "setminus": "∖", "star": "⋆", "ast": "∗",
}

// bigOps take limits below and above in display style (movablelimits).
var bigOps = map[string]string{
	"sum": "∑", "prod": "∏", "max": "max", "min": "min", "lim": "lim", "sup": "sup",
	"inf": "inf", "argmax": "arg max", "argmin": "arg min",
}

// functions are upright multi-letter operator names.
var functions = map[string]bool{
	"log": true, "exp": true, "sin": true, "cos": true, "tanh": true, "det": true,
	"tr": true, "diag": true, "softmax": true, "sign": true, "arg": true,
}

var spaces = map[string]string{
	",": "0.1667em", ":": "0.2222em", ";": "0.2778em", "quad": "1em", "qquad": "2em", "!": "-0.1667em", " ": "0.25em",
}

var variants = map[string]string{
	"mathbf": "bold", "boldsymbol": "bold-italic", "mathcal": "script", "mathbb": "double-struck",
	"mathit": "italic", "mathsf": "sans-serif",
}

var accents = map[string]string{"hat": "^", "bar": "¯", "tilde": "~", "vec": "→", "dot": "˙"}

func (p *parser) command() (*node, error) {
	p.pos++ // backslash
	if p.pos >= len(p.src) {
		return nil, fmt.Errorf("lone backslash at the end")
	}
	start := p.pos
	if unicode.IsLetter(p.src[p.pos]) {
		for p.pos < len(p.src) && unicode.IsLetter(p.src[p.pos]) {
			p.pos++
		}
	} else {
		p.pos++
	}
	name := string(p.src[start:p.pos])
	if s, ok := greek[name]; ok {
		if unicode.IsUpper([]rune(s)[0]) {
			return &node{tag: "mi", attrs: ` mathvariant="normal"`, text: s}, nil
		}
		return leaf("mi", s), nil
	}
	if s, ok := symbols[name]; ok {
		if name == "lVert" || name == "rVert" || name == "|" {
			return &node{tag: "mo", attrs: ` stretchy="false"`, text: s}, nil
		}
		return leaf("mo", s), nil
	}
	if s, ok := bigOps[name]; ok {
		return &node{tag: "mo", attrs: ` movablelimits="true"`, text: s}, nil
	}
	if functions[name] {
		return row([]*node{leaf("mi", name), leaf("mo", "\u2061")}), nil
	}
	if w, ok := spaces[name]; ok {
		return &node{tag: "mspace", attrs: fmt.Sprintf(` width="%s"`, w), kids: []*node{}}, nil
	}
	if v, ok := variants[name]; ok {
		arg, err := p.argument()
		if err != nil {
			return nil, fmt.Errorf(`\%s: %w`, name, err)
		}
		setVariant(arg, v)
		return arg, nil
	}
	if a, ok := accents[name]; ok {
		arg, err := p.argument()
		if err != nil {
			return nil, fmt.Errorf(`\%s: %w`, name, err)
		}
		return &node{tag: "mover", attrs: ` accent="true"`, kids: []*node{arg, leaf("mo", a)}}, nil
	}
	switch name {
	case "frac", "dfrac", "tfrac":
		num, err := p.argument()
		if err != nil {
			return nil, fmt.Errorf(`\frac numerator: %w`, err)
		}
		den, err := p.argument()
		if err != nil {
			return nil, fmt.Errorf(`\frac denominator: %w`, err)
		}
		return &node{tag: "mfrac", kids: []*node{num, den}}, nil
	case "sqrt":
		p.skipSpace()
		var index *node
		if p.pos < len(p.src) && p.src[p.pos] == '[' {
			p.pos++
			nodes, err := p.sequence(stopBrack)
			if err != nil {
				return nil, err
			}
			p.pos++
			index = group(nodes)
		}
		arg, err := p.argument()
		if err != nil {
			return nil, fmt.Errorf(`\sqrt: %w`, err)
		}
		if index != nil {
			return &node{tag: "mroot", kids: []*node{arg, index}}, nil
		}
		return &node{tag: "msqrt", kids: []*node{arg}}, nil
	case "text", "textrm", "mbox":
		s, err := p.rawGroup()
		if err != nil {
			return nil, fmt.Errorf(`\%s: %w`, name, err)
		}
		return leaf("mtext", s), nil
	case "mathrm", "operatorname":
		s, err := p.rawGroup()
		if err != nil {
			return nil, fmt.Errorf(`\%s: %w`, name, err)
		}
		if len([]rune(s)) == 1 {
			return &node{tag: "mi", attrs: ` mathvariant="normal"`, text: s}, nil
		}
		if name == "operatorname" {
			return row([]*node{leaf("mi", s), leaf("mo", "\u2061")}), nil
		}
		return leaf("mi", s), nil
	case "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr":
		return p.delimited(name)
	case "displaystyle", "textstyle":
		return nil, nil
	}
	return nil, fmt.Errorf(`unknown command \%s`, name)
}

// delimited handles \left( … \right) (a stretchy pair around an mrow) and the
// fixed sizes \big… (a plain delimiter).
func (p *parser) delimited(name string) (*node, error) {
	delim := func() (*node, error) {
		p.skipSpace()
		if p.pos >= len(p.src) {
			return nil, fmt.Errorf(`\%s needs a delimiter`, name)
		}
		if p.src[p.pos] == '.' {
			p.pos++
			return nil, nil
		}
		n, err := p.atom()
		if err != nil {
			return nil, err
		}
		if n == nil || n.tag != "mo" {
			return nil, fmt.Errorf(`\%s needs a delimiter, not %v`, name, n)
		}
		return n, nil
	}
	switch name {
	case "right":
		return nil, fmt.Errorf(`\right without \left`)
	case "left":
	default:
		return delim()
	}
	open, err := delim()
	if err != nil {
		return nil, err
	}
	inner, err := p.sequence(stopRight)
	if err != nil {
		return nil, err
	}
	p.pos += len("\\right")
	closeD, err := delim()
	if err != nil {
		return nil, err
	}
	var kids []*node
	for _, d := range []*node{open, nil, closeD} {
		if d == nil {
			continue
		}
		d.attrs = ` stretchy="true"`
	}
	if open != nil {
		kids = append(kids, open)
	}
	kids = append(kids, inner...)
	if closeD != nil {
		kids = append(kids, closeD)
	}
	return row(kids), nil
}

// setVariant restyles the letters and digits of n. MathML Core renders only
// mathvariant="normal"; other styles are the Unicode mathematical
// alphanumeric characters (𝐱, 𝒞, ℝ), which is what it expects instead.
func setVariant(n *node, v string) {
	if n.kids == nil {
		var b strings.Builder
		for _, r := range n.text {
			b.WriteRune(styled(r, v))
		}
		n.text = b.String()
		if n.tag == "mi" && len([]rune(n.text)) == 1 {
			n.attrs = ` mathvariant="normal"` // keep the styled letter as it is
		}
		return
	}
	for _, k := range n.kids {
		setVariant(k, v)
	}
}

// Holes in the Unicode blocks: letters that were encoded earlier elsewhere.
var (
	scriptHoles = map[rune]rune{'B': 'ℬ', 'E': 'ℰ', 'F': 'ℱ', 'H': 'ℋ', 'I': 'ℐ', 'L': 'ℒ', 'M': 'ℳ', 'R': 'ℛ', 'e': 'ℯ', 'g': 'ℊ', 'o': 'ℴ'}
	doubleHoles = map[rune]rune{'C': 'ℂ', 'H': 'ℍ', 'N': 'ℕ', 'P': 'ℙ', 'Q': 'ℚ', 'R': 'ℝ', 'Z': 'ℤ', '1': '𝟙'}
)

func styled(r rune, v string) rune {
	base := map[string]rune{"bold": 0x1D400, "italic": 0x1D434, "bold-italic": 0x1D468, "script": 0x1D49C, "double-struck": 0x1D538, "sans-serif": 0x1D5A0}[v]
	switch v {
	case "script":
		if h, ok := scriptHoles[r]; ok {
			return h
		}
	case "double-struck":
		if h, ok := doubleHoles[r]; ok {
			return h
		}
	case "italic":
		if r == 'h' {
			return 'ℎ'
		}
	}
	switch {
	case base == 0:
		return r
	case r >= 'A' && r <= 'Z':
		return base + (r - 'A')
	case r >= 'a' && r <= 'z':
		return base + 26 + (r - 'a')
	case r >= '0' && r <= '9' && v == "bold":
		return 0x1D7CE + (r - '0')
	}
	return r
}
