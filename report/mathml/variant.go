package mathml

import "strings"

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
