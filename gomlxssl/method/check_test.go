package method

import "testing"

// The flag checks name the flag and accept exactly the allowed ranges.
func TestFlagChecks(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{Positive("-temperature", 0), "-temperature 0 must be positive"},
		{Positive("-margin", -1), "-margin -1 must be positive"},
		{UnitInterval("-momentum", 1.5, false), "-momentum 1.5 must be in [0, 1]"},
		{UnitInterval("-momentum", -0.1, false), "-momentum -0.1 must be in [0, 1]"},
		{UnitInterval("-tau-plus", 1, true), "-tau-plus 1 must be in [0, 1)"},
	} {
		if c.err == nil || c.err.Error() != c.want {
			t.Errorf("error %v, want %q", c.err, c.want)
		}
	}
	for _, err := range []error{Positive("-temperature", 0.1), UnitInterval("-momentum", 0, false),
		UnitInterval("-momentum", 1, false), UnitInterval("-tau-plus", 0.99, true)} {
		if err != nil {
			t.Errorf("a good value refused: %v", err)
		}
	}
}
