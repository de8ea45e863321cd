package mathml

import (
	"fmt"
	"strings"
	"unicode"
)

// parser reads TeX from src, one rune at pos, into MathML nodes.
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
