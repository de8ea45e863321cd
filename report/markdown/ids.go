package markdown

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
)

// IDs hands out element ids that are unique across a whole page, whatever
// number of Markdown documents it is stitched from. It implements goldmark's
// parser.IDs: heading ids are slugs of their text ("the-knobs"), a repeated
// slug gets a suffix ("the-knobs-2").
type IDs struct {
	used map[string]bool
}

// NewIDs returns an empty id table.
func NewIDs() *IDs { return &IDs{used: map[string]bool{}} }

// Slug turns text into an id: lower-case letters and digits, runs of anything
// else become one "-".
func Slug(text string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(text) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		} else {
			dash = true
		}
	}
	if b.Len() == 0 {
		return "section"
	}
	return b.String()
}

// Unique returns base, or base-2, base-3… whichever is free, and marks it used.
func (t *IDs) Unique(base string) string {
	id := base
	for n := 2; t.used[id]; n++ {
		id = base + "-" + strconv.Itoa(n)
	}
	t.used[id] = true
	return id
}

// Generate implements parser.IDs.
func (t *IDs) Generate(value []byte, _ ast.NodeKind) []byte {
	return []byte(t.Unique(Slug(string(value))))
}

// Put implements parser.IDs: an id given explicitly is taken as it is.
func (t *IDs) Put(value []byte) { t.used[string(value)] = true }
