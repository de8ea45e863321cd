package train

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/checkpoint"
)

// unreadablePrefix renames a checkpoint that cannot be read, so that the
// checkpoint handler no longer lists it and nothing deletes it.
const unreadablePrefix = "unreadable-"

// loadCheckpoint opens the checkpoints in dir and loads the latest into
// store. A latest checkpoint that cannot be read — a truncated .bin, as a
// full disk leaves one — is set aside (renamed unreadable-…, kept) and the
// one before it loaded instead, saying so on standard error: a resumed run
// loses that one epoch, not the run.
func loadCheckpoint(store *model.Store, dir string) (*checkpoint.Handler, error) {
	for {
		h, err := checkpoint.Build(store).Dir(dir).Keep(2).Done()
		if err == nil {
			return h, nil
		}
		// Only a file that cannot be read is set aside (GoMLX's errors
		// reading one name it); one whose variables do not fit the model
		// (other settings) stays, and the run stops with the error.
		latest, lerr := latestCheckpoint(dir)
		if lerr != nil || latest == "" || !strings.Contains(err.Error(), latest) {
			return nil, fmt.Errorf("checkpoint %s: %w", dir, err)
		}
		for _, suffix := range []string{checkpoint.JsonNameSuffix, checkpoint.BinDataSuffix} {
			from := filepath.Join(dir, latest+suffix)
			if _, serr := os.Stat(from); serr != nil {
				continue
			}
			if rerr := os.Rename(from, filepath.Join(dir, unreadablePrefix+latest+suffix)); rerr != nil {
				return nil, fmt.Errorf("checkpoint %s: %w (and setting it aside: %v)", dir, err, rerr)
			}
		}
		fmt.Fprintf(os.Stderr, "checkpoint %s cannot be read (%v): set aside as %s…, resuming from the checkpoint before it\n",
			filepath.Join(dir, latest), err, unreadablePrefix+latest)
	}
}

// latestCheckpoint is the base name of the newest checkpoint in dir ("" if
// none), named as the checkpoint handler names them.
func latestCheckpoint(dir string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if strings.HasPrefix(n, "checkpoint-") && strings.HasSuffix(n, checkpoint.JsonNameSuffix) {
			names = append(names, strings.TrimSuffix(n, checkpoint.JsonNameSuffix))
		}
	}
	if len(names) == 0 {
		return "", nil
	}
	sort.Strings(names)
	return names[len(names)-1], nil
}
