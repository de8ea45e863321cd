package experiment

import "strings"

// VariantName builds a Spec.Variant's name and title from the settings that
// set a run apart from the experiment's main run, one Add per setting that
// differs, in a fixed order: the name joins the parts' fragments with "-"
// ("m0.96-k1024"), the title appends their words to a base in parentheses
// ("MoCo v2 (m = 0.96, K = 1024)").
type VariantName struct{ names, words []string }

// Add records one setting that differs: its fragment of the directory name
// ("k1024") and its words in the title ("K = 1024").
func (v *VariantName) Add(name, words string) {
	v.names, v.words = append(v.names, name), append(v.words, words)
}

// Result is the variant's name and title, base followed by the settings'
// words; both are empty when nothing was added (the main run).
func (v VariantName) Result(base string) (name, title string) {
	if len(v.names) == 0 {
		return "", ""
	}
	return strings.Join(v.names, "-"), base + " (" + strings.Join(v.words, ", ") + ")"
}
