package mathml

import (
	"fmt"
	"unicode"
)

// The commands the converter knows, by kind, and how each becomes MathML.

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
	return p.structure(name)
}

// structure builds the commands that take arguments and shape the
// formula — fractions, roots, text, upright names, delimiters — or says
// the command is unknown.
func (p *parser) structure(name string) (*node, error) {
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
