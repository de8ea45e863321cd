// Package templates holds the report's page template (page.html), its style
// sheet and script, and the talk-level narrative (narrative/*.md), embedded so
// that a built binary can make the report anywhere. Run from the repository
// root, the report reads these files from disk instead, so that `run.go
// watch` picks up an edit without recompiling.
package templates

import "embed"

// FS holds page.html, style.css, script.js and narrative/*.md.
//
//go:embed page.html style.css script.js narrative/*.md
var FS embed.FS
