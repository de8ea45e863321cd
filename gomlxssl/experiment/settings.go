package experiment

import (
	"flag"
	"fmt"
	"slices"
	"strings"
)

// settingsVariant is what sets a run's method and augmentation apart from
// the experiment's main run, for its directory's name and its title: the
// method's own Variant where it has one, then every other method flag given
// (one the Variant does not name: Spec.VariantFlags) whose value is not its
// default ("temperature0.5", "temperature 0.5"); then the augmentation and
// optimiser flags that change the policy or the optimiser the method trains
// with ("crop0.2", "crops from 0.2"). So `simclr -temperature 0.5` or
// `-crop-min 0.2` writes a run of its own instead of replacing the default
// run the report and the comparisons read.
func (p *Plan) settingsVariant() (name, title string) {
	s := p.Spec
	title = s.Title
	if s.Variant != nil {
		if n, t := s.Variant(); n != "" {
			name, title = n, t
		}
	}
	shared := sharedFlags()
	var method VariantName
	p.flags.Visit(func(f *flag.Flag) {
		if !shared[f.Name] && f.Value.String() != f.DefValue && !slices.Contains(s.VariantFlags, f.Name) {
			method.Add(flagFragment(f), f.Name+" "+f.Value.String())
		}
	})
	if more, words := method.Result(""); more != "" {
		name = strings.Trim(name+"-"+more, "-")
		title += words
	}
	var v VariantName
	aug, o := s.Augment, p.Options
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

// sharedFlags are the names of the flags every experiment shares
// (RegisterFlags); the others on a flag set are the method's own.
func sharedFlags() map[string]bool {
	fs := flag.NewFlagSet("shared", flag.ContinueOnError)
	RegisterFlags(fs)
	names := map[string]bool{}
	fs.VisitAll(func(f *flag.Flag) { names[f.Name] = true })
	return names
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
