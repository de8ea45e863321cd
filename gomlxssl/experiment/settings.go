package experiment

import (
	"flag"
	"fmt"
	"strings"
)

// settingsVariant is what sets a run's method and augmentation apart from
// the experiment's main run, for its directory's name and its title: the
// method's own Variant where it has one, then every other method flag given
// whose value is not its default ("temperature0.5", "temperature 0.5"); then the
// augmentation and optimiser flags that change the policy or the optimiser
// the method trains with ("crop0.2", "crops from 0.2"). So `simclr
// -temperature 0.5` or `-crop-min 0.2` writes a run of its own instead of
// replacing the default run the report and the comparisons read.
func (s Spec) settingsVariant(o Options) (name, title string) {
	title = s.Title
	if s.Variant != nil {
		if n, t := s.Variant(); n != "" {
			name, title = n, t
		}
	}
	if o.flags == nil {
		return name, title
	}
	given := map[string]bool{}
	o.flags.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var method VariantName
	for _, f := range o.methodFlags {
		if val := f.Value.String(); given[f.Name] && val != f.DefValue && !s.variantNames(o.methodFlags, f) {
			method.Add(flagFragment(f), f.Name+" "+val)
		}
	}
	if more, words := method.Result(""); more != "" {
		name = strings.Trim(name+"-"+more, "-")
		title += words
	}
	var v VariantName
	aug := s.Augment
	if o.CropMin >= 0 && o.CropMin != aug.CropScale[0] {
		v.Add(fmt.Sprintf("crop%g", o.CropMin), fmt.Sprintf("crops from %g", o.CropMin))
	}
	if o.Jitter >= 0 && aug.WithJitterStrength(o.Jitter) != aug {
		v.Add(fmt.Sprintf("jitter%g", o.Jitter), fmt.Sprintf("jitter %g", o.Jitter))
	}
	if o.Gray >= 0 && o.Gray != aug.GrayP {
		v.Add(fmt.Sprintf("gray%g", o.Gray), fmt.Sprintf("grayscale p %g", o.Gray))
	}
	if o.Blur >= 0 && o.Blur != aug.BlurP {
		v.Add(fmt.Sprintf("blur%g", o.Blur), fmt.Sprintf("blur p %g", o.Blur))
	}
	if o.Tiles >= 0 && o.Tiles != aug.TileGrid {
		v.Add(fmt.Sprintf("tiles%d", o.Tiles), fmt.Sprintf("%d×%d tiles shuffled", o.Tiles, o.Tiles))
	}
	if o.Optimizer != "" && o.Optimizer != defaultOptimizer {
		v.Add(o.Optimizer, strings.ToUpper(o.Optimizer))
	}
	if o.WeightDecay != defaultWeightDecay {
		v.Add(fmt.Sprintf("wd%g", o.WeightDecay), fmt.Sprintf("weight decay %g", o.WeightDecay))
	}
	if more, words := v.Result(""); more != "" {
		name = strings.Trim(name+"-"+more, "-")
		title += words // " (crops from 0.2, SGD)"
	}
	return name, title
}

// variantNames reports whether the method's own Variant names flag f: with
// f at its value and every other method flag at its default, the Variant
// gives a name. (The flags write the method's config, which Variant reads;
// their values are restored before returning.) A flag it does not name is
// named by settingsVariant, so that no setting is left out of a run's name.
func (s Spec) variantNames(flags []*flag.Flag, f *flag.Flag) bool {
	if s.Variant == nil {
		return false
	}
	values := make([]string, len(flags))
	for i, g := range flags {
		values[i] = g.Value.String()
	}
	defer func() {
		for i, g := range flags {
			_ = g.Value.Set(values[i]) // a value it printed
		}
	}()
	for _, g := range flags {
		if g != f {
			_ = g.Value.Set(g.DefValue)
		}
	}
	name, _ := s.Variant()
	return name != ""
}

// flagFragment is a method flag's part of a directory name: its name
// without dashes and its value, kept to letters, digits and dots
// ("pred-hidden" 1024 → "predhidden1024"); a boolean flag's is its name
// ("rotation"), or "no" and its name when set to false.
func flagFragment(f *flag.Flag) string {
	name := strings.ReplaceAll(f.Name, "-", "")
	if IsBoolFlag(f) {
		if f.Value.String() == "true" {
			return name
		}
		return "no" + name
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.':
			return r
		}
		return '_'
	}, name+f.Value.String())
}

// IsBoolFlag reports whether f is a boolean flag (-rotation), set without
// a value.
func IsBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}
