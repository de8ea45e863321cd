// Package moco is MoCo v2 (He et al. 2020; Chen et al. 2020) as a Method of
// the shared runner: a query encoder, a momentum key encoder, a queue of
// keys as negatives and split batch norm. Two experiments train it: the
// contrastive family's MoCo on the shapes data, and the talk's second
// experiment on histopathology patches.
package moco

import (
	"cmp"
	"flag"
	"fmt"
	"os"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mega-ssl/mega/gomlxssl/losses"
	"github.com/mega-ssl/mega/gomlxssl/method"
	"github.com/mega-ssl/mega/gomlxssl/models"
	"github.com/mega-ssl/mega/gomlxssl/train"
)

// Config is MoCo's settings.
type Config struct {
	// Temperature τ of InfoNCE and Momentum m of the key encoder.
	Temperature, Momentum float64
	// Queue is the number K of keys kept as negatives; a multiple of the
	// 2B keys a step adds, at most the training set.
	Queue int
	// BNGroups splits batch norm's statistics into groups of the batch.
	BNGroups int
	// Head is the projection head (-proj-hidden, -proj-dim).
	Head models.MLPHead
	// SizedFrom is the default queue that the training set could not hold
	// when Check sized Queue down to fit it (0 otherwise).
	SizedFrom int
	// flags is the flag set Flags registered on, to tell a -queue given
	// explicitly (refused when it does not fit) from the default (sized).
	flags *flag.FlagSet
}

// Default is MoCo v2's CIFAR setting: K = 4096, m = 0.99, τ = 0.2, a 512 →
// 128 head, and split batch norm in 8 groups.
func Default() Config {
	return Config{Temperature: 0.2, Momentum: 0.99, Queue: 4096, BNGroups: 8, Head: models.MLPHead{Hidden: 512, Out: 128}}
}

// Flags registers the knobs on fs, with c's values as defaults; the parsed
// values land in c.
func (c *Config) Flags(fs *flag.FlagSet) {
	c.flags = fs
	fs.Float64Var(&c.Temperature, "temperature", c.Temperature, "InfoNCE temperature τ")
	fs.Float64Var(&c.Momentum, "momentum", c.Momentum, "momentum m of the key encoder")
	fs.IntVar(&c.Queue, "queue", c.Queue, "queue size K (a multiple of twice the batch, at most the training set)")
	fs.IntVar(&c.BNGroups, "bn-groups", c.BNGroups, "split-BN groups: batch-norm statistics per group of the batch")
	c.Head.Flags(fs, "proj", "projection head")
}

// Check refuses a queue that the step's 2B keys do not tile, or that is
// larger than the training set (it would hold the same image twice), and a
// momentum or temperature the method cannot train with. The default queue,
// when the training set cannot hold it (the quick preset's 2,048 images),
// is first sized down to the largest multiple of 2B that fits, saying so;
// the run records the K it trained with. A -queue given explicitly is never
// changed.
func (c *Config) Check(trainSize, batch int) error {
	if c.Queue > trainSize && !c.given("queue") && batch > 0 {
		if k := trainSize / (2 * batch) * (2 * batch); k > 0 {
			fmt.Fprintf(os.Stderr, "moco: the default queue of %d keys does not fit the training set (%d images): K = %d, "+
				"the largest multiple of 2 × -batch (%d) that does\n", c.Queue, trainSize, k, 2*batch)
			c.SizedFrom, c.Queue = c.Queue, k
		}
	}
	switch {
	case c.Queue <= 0 || c.Queue%(2*batch) != 0:
		return fmt.Errorf("-queue %d must be a positive multiple of 2 × -batch (%d)", c.Queue, 2*batch)
	case c.Queue > trainSize:
		return fmt.Errorf("-queue %d is larger than the training set (%d images)", c.Queue, trainSize)
	case c.BNGroups < 1 || (2*batch)%c.BNGroups != 0:
		return fmt.Errorf("-bn-groups %d must divide the 2 × -batch (%d) views", c.BNGroups, 2*batch)
	}
	return cmp.Or(method.UnitInterval("-momentum", c.Momentum, false), method.Positive("-temperature", c.Temperature),
		c.Head.Check("proj"))
}

// given tells whether the flag name was set on the command line.
func (c *Config) given(name string) bool {
	set := false
	if c.flags != nil {
		c.flags.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	}
	return set
}

// The scopes of the query encoder (which the probes read) and the key
// encoder, under the method's scope.
const (
	queryScope = "online"
	keyScope   = "target"
)

// QueryEncoder is the scope of the query encoder's variables under the
// method's scope: the encoder the probes read and whose filters and feature
// maps the histopathology experiment shows.
func QueryEncoder(scope *model.Scope) *model.Scope {
	return scope.In(queryScope).In(method.EncoderScope)
}

// Interleave returns the permutation that sends row i of n to group i mod
// groups (n/groups consecutive rows per group), and its inverse, as Gather
// indices [n, 1]: before the key encoder, it puts every key in another
// batch-norm group than its query.
func Interleave(n, groups int) (perm, inverse *tensors.Tensor) {
	p, inv := make([]int32, n), make([]int32, n)
	for i := range n {
		p[i] = int32((i%groups)*(n/groups) + i/groups)
		inv[p[i]] = int32(i)
	}
	return tensors.FromFlatDataAndDimensions(p, n, 1), tensors.FromFlatDataAndDimensions(inv, n, 1)
}

// Objective is MoCo v2 for the encoder enc: the loss of one step and the
// embedding the probes read, which the experiments hand the runner as their
// experiment.Method. Both views are queries of the query encoder (scope
// "online") and keys of the key encoder (scope "target"), the symmetric
// form; the InfoNCE loss (losses.InfoNCE) contrasts each query with its
// positive key and the queue; after the step the key encoder moves towards
// the query encoder (models.UpdateTarget) and this step's keys replace the
// oldest in the queue (models.KeyQueue, scope "moco"). The probes read the
// query encoder. The settings are read when Objective is called (after the
// flags are parsed), not when the method value is taken.
func (c *Config) Objective(enc models.Encoder) (loss func(scope *model.Scope, b method.Batch) *Node, embed train.EmbedFn) {
	cfg := *c // the parsed settings, fixed for this run
	c = &cfg
	network := method.Network(enc, c.Head, "projection")
	loss = func(scope *model.Scope, b method.Batch) *Node {
		g := b.V1.Graph()
		x := method.BothViews(b.V1, b.V2)
		query, key := scope.In(queryScope), scope.In(keyScope)
		query.SetParam(models.BNGroupsParam, c.BNGroups)
		key.SetParam(models.BNGroupsParam, c.BNGroups)
		_, q := network(query, x)
		perm, inverse := Interleave(x.Shape().Dim(0), c.BNGroups)
		_, kShuffled := network(key, Gather(x, ConstTensor(g, perm), false))
		k := Gather(kShuffled, ConstTensor(g, inverse), false)
		models.UpdateTarget(scope, g, queryScope, keyScope, Const(g, float32(c.Momentum)))
		queue, enqueue := models.KeyQueue(scope.In("moco"), g, c.Queue, c.Head.Out)
		q1, q2 := method.SplitViews(q)
		k1, k2 := method.SplitViews(k)
		l := MulScalar(Add(losses.InfoNCE(q1, k2, queue, c.Temperature, nil), losses.InfoNCE(q2, k1, queue, c.Temperature, nil)), 0.5)
		enqueue(k)
		return l
	}
	embed = func(scope *model.Scope, x *Node) (h, z *Node) { return network(scope.In(queryScope), x) }
	return loss, embed
}
