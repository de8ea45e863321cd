// Package experiments holds the run groups: the comparisons and sweeps that
// run several experiments (or one experiment's variants) at one budget.
// Each experiment is a program of its own in a directory below; the groups
// live beside them, so that a new experiment and its group land together,
// and the report's CLI (which must not import GoMLX) runs them by name.
package experiments

import "sort"

// Member is one run of a group: an experiment (its directory under
// experiments/) and its own flags (a variant's).
type Member struct {
	Name string
	Args []string
}

// samebudget gives each run of a comparison the preset's epochs and batch.
var samebudget = []string{"-preset-budget"}

// Groups are the run groups: several runs, each an experiment with its own
// flags, that `go run run.go run GROUP` runs one after another and the report
// shows side by side.
func Groups() map[string][]Member {
	return map[string][]Member{
		// The talk's first experiment: four contrastive methods with the same
		// augmentation, encoder and budget (the README gives its time): the
		// preset's, not the memory bank's own 60 epochs.
		"compare": {{"membank", samebudget}, {"moco", samebudget}, {"simclr", samebudget}, {"swav", samebudget}},
		// The jigsaw sweep: the grid and the size of the permutation set.
		"jigsaw-sweep": {{"jigsaw", nil}, {"jigsaw", []string{"-grid", "2", "-perms", "24"}},
			{"jigsaw", []string{"-perms", "10"}}, {"jigsaw", []string{"-perms", "1000"}}},
		// Posterior collapse: β = 1, a large β, and two cures: the same β
		// reached by KL annealing, and free bits.
		"vae-collapse": {{"vae", nil}, {"vae", []string{"-beta", "8"}}, {"vae", []string{"-beta", "8", "-kl-anneal", "6"}},
			{"vae", []string{"-beta", "8", "-free-bits", "0.5"}}},
		// Mode collapse: the plain GAN and the self-supervised GAN, same budget.
		"gan-modes": {{"gan", nil}, {"gan", []string{"-rotation"}}},
		// The talk's second experiment: both augmentation policies.
		"histopathology-policies": {{"histopathology", nil}, {"histopathology", []string{"-policy", "tiles"}}},
		// Hard negatives beside SimCLR with the same budget, and the debiased loss alone.
		"hardneg-vs-simclr": {{"simclr", nil}, {"hardneg", nil}, {"hardneg", []string{"-beta", "0"}}},
		// The Siamese network's two kinds of pairs: from views, from labels.
		"siamese-pairs": {{"siamese", nil}, {"siamese", []string{"-pairs", "labels"}}},
		// After the talk: the methods that came next, beside SimCLR, one budget
		// (MAE on its own encoder, the ViT), and MoCo v3 on the convnet and on
		// the ViT side by side.
		"after-the-talk": {{"simclr", samebudget}, {"nnclr", samebudget}, {"mocov3", samebudget},
			{"mocov3", []string{"-preset-budget", "-encoder", "vit-96-4-3"}}, {"dino", samebudget}, {"mae", samebudget}},
		// BYOL's batch: its own 16 and the doublings to the other methods' 128
		// (each batch a run of its own, byol-batch32, …; with `-- -seeds 3`
		// the trend is measured over seeds).
		"byol-batch": {{"byol", nil}, {"byol", []string{"-batch", "32"}}, {"byol", []string{"-batch", "64"}}, {"byol", []string{"-batch", "128"}}},
		// VICReg's projector width: the default (16), 512 wide, and 512 wide
		// without the covariance term.
		"vicreg-projector": {{"vicreg", nil}, {"vicreg", []string{"-proj-dim", "512"}},
			{"vicreg", []string{"-proj-dim", "512", "-covariance", "0"}}},
	}
}

// GroupNames lists the run groups, sorted.
func GroupNames() []string {
	var names []string
	for n := range Groups() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
