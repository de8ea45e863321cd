package results

import (
	"encoding/json"
	"fmt"
	"os"
	"time"
)

// ReferenceDir is the repository's folder of reference runs, beside out/:
// reference/<run>/ holds what the report and `run.go list` read of a run
// (run.json, metrics.csv, seeds.json, its figures, the t-SNE layout) and
// ReferenceFile, never a checkpoint.
const ReferenceDir = "reference"

// ReferenceFile says where a reference run comes from, beside its run.json.
const ReferenceFile = "reference.json"

// LayoutFile is a reference run's t-SNE layout: the points a panel draws,
// one "x y class" line each, under a header naming the classes — what the
// report lays out from embeddings.csv, which a reference does not keep.
const LayoutFile = "tsne.csv"

// Reference is where a reference run was made and how to make it again.
type Reference struct {
	// Run is the run's directory name (simclr-fashion-mnist).
	Run string `json:"run"`
	// Command makes the run again from the repository root (with -seeds N
	// where the reference is an aggregate over seeds).
	Command string `json:"command"`
	// Machine is where it ran: processor, cores, backend.
	Machine string `json:"machine"`
	// Commit is the code that ran (never a dirty tree); Finished when.
	Commit   string    `json:"commit"`
	Finished time.Time `json:"finished"`
	// Copied is when it was copied into the reference folder.
	Copied time.Time `json:"copied"`
}

// Where is the reference in a few words: "AMD EPYC, 2 cores, go backend;
// 2026-12-07, commit bdd85a3".
func (r *Reference) Where() string {
	commit := r.Commit
	if len(commit) > 7 {
		commit = commit[:7]
	}
	return fmt.Sprintf("%s; %s, commit %s", r.Machine, r.Finished.UTC().Format("2006-01-02"), commit)
}

// ReadReference reads a reference run's note.
func ReadReference(path string) (*Reference, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Reference
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &r, nil
}
