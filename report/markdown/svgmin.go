package markdown

// Charts drawn by gonum/plot are most of the page's weight once images are
// compact: every marker is a path of two arcs, every coordinate has five
// significant digits, and every line and label repeats its style. No
// maintained Go SVG minifier is among the project's dependencies, and these
// three rewrites of one generator's output are small: they are written here.

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// marker is gonum's circle glyph: a closed path of two half-circle arcs
// from (cx+r, cy) through (cx−r, cy).
var marker = regexp.MustCompile(`<path d="M(-?[\d.]+),(-?[\d.]+)A([\d.]+),([\d.]+) 0 1 1 (-?[\d.]+),(-?[\d.]+)A[\d., -]+Z" `)

// geometry is an attribute that holds coordinates; style, href and text
// content are left alone (a tick label's digits are what it says).
var geometry = regexp.MustCompile(`\b(d|x|y|cx|cy|r|x1|x2|y1|y2|points|transform)="([^"]*)"`)

// decimal is a number with more than one decimal place.
var decimal = regexp.MustCompile(`-?\d+\.\d{2,}`)

// between is the white space between two elements, and tagSpace a run of
// it inside a tag: neither draws anything (text content keeps its own).
var (
	between  = regexp.MustCompile(`>\s+<`)
	tagSpace = regexp.MustCompile(`<[^>]*\s{2,}[^>]*>`)
	spaces   = regexp.MustCompile(`\s{2,}`)
)

// styleAttr is an element's inline style.
var styleAttr = regexp.MustCompile(` style="([^"]*)"`)

// compactChart rewrites a chart as a lighter SVG that draws the same:
// circle glyphs as <circle>, coordinates to a tenth of a point (a chart is
// 432 points wide: 0.05 point is nothing on screen), no white space
// between elements or doubled inside them, and each inline style used more
// than once as a class of one style sheet.
func compactChart(svg string) string {
	svg = between.ReplaceAllString(svg, "><")
	svg = tagSpace.ReplaceAllStringFunc(svg, func(tag string) string { return spaces.ReplaceAllString(tag, " ") })
	svg = marker.ReplaceAllStringFunc(svg, func(m string) string {
		p := marker.FindStringSubmatch(m)
		x, err1 := strconv.ParseFloat(p[1], 64)
		r, err2 := strconv.ParseFloat(p[3], 64)
		if err1 != nil || err2 != nil || p[3] != p[4] || p[2] != p[6] {
			return m
		}
		return fmt.Sprintf(`<circle cx="%s" cy="%s" r="%s" `, num(x-r), p[2], p[3])
	})
	svg = geometry.ReplaceAllStringFunc(svg, func(m string) string {
		return decimal.ReplaceAllStringFunc(m, func(d string) string {
			v, err := strconv.ParseFloat(d, 64)
			if err != nil {
				return d
			}
			return num(v)
		})
	})
	count := map[string]int{}
	for _, m := range styleAttr.FindAllStringSubmatch(svg, -1) {
		count[m[1]]++
	}
	var shared []string
	for s, n := range count {
		if n > 1 && !strings.ContainsAny(s, "{}<") {
			shared = append(shared, s)
		}
	}
	if len(shared) == 0 || styleAt(svg) < 0 { // no sheet to move the styles to
		return svg
	}
	sort.Slice(shared, func(i, j int) bool { // most used first: the shortest names
		if count[shared[i]] != count[shared[j]] {
			return count[shared[i]] > count[shared[j]]
		}
		return shared[i] < shared[j]
	})
	class := map[string]string{}
	var sheet strings.Builder
	for i, s := range shared {
		class[s] = className(i)
		fmt.Fprintf(&sheet, ".%s{%s}", class[s], s)
	}
	svg = styleAttr.ReplaceAllStringFunc(svg, func(m string) string {
		if c, ok := class[styleAttr.FindStringSubmatch(m)[1]]; ok {
			return ` class="` + c + `"`
		}
		return m
	})
	at := styleAt(svg)
	return svg[:at] + "<style>" + sheet.String() + "</style>" + svg[at:]
}

// num writes v with at most one decimal place, without a trailing ".0".
func num(v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	if s == "-0" {
		return "0"
	}
	return s
}

// className is the i-th short class name: a … z, then a0, b0, ….
func className(i int) string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	if i < len(letters) {
		return letters[i : i+1]
	}
	return letters[i%len(letters):i%len(letters)+1] + strconv.Itoa(i/len(letters)-1)
}
