package experiments

import (
	"os"
	"path/filepath"
	"testing"
)

// Every experiment a run group names exists, and every group has runs.
func TestGroupsNameExperiments(t *testing.T) {
	for name, members := range Groups() {
		if len(members) == 0 {
			t.Errorf("group %s has no runs", name)
		}
		for _, m := range members {
			if _, err := os.Stat(filepath.Join(m.Name, "main.go")); err != nil {
				t.Errorf("group %s names %s, which has no experiments/%s/main.go", name, m.Name, m.Name)
			}
		}
	}
}
