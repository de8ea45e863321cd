package method

import "fmt"

// The checks below are what a method's Config.Check is made of: each refuses
// one flag's value before anything trains, naming the flag, and returns nil
// for a good one, so that several combine with cmp.Or (the first error wins).

// Positive refuses a value that is not above zero (a temperature, a margin):
// "-temperature 0 must be positive".
func Positive(flag string, v float64) error {
	if v <= 0 {
		return fmt.Errorf("%s %g must be positive", flag, v)
	}
	return nil
}

// UnitInterval refuses a value outside [0, 1], or outside [0, 1) when
// belowOne (a memory's momentum, which must let new embeddings in; a prior the
// loss divides by 1 − v): "-momentum 1.5 must be in [0, 1]".
func UnitInterval(flag string, v float64, belowOne bool) error {
	switch {
	case belowOne && (v < 0 || v >= 1):
		return fmt.Errorf("%s %g must be in [0, 1)", flag, v)
	case !belowOne && (v < 0 || v > 1):
		return fmt.Errorf("%s %g must be in [0, 1]", flag, v)
	}
	return nil
}
