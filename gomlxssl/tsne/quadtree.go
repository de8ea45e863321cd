package tsne

// quadtree is a Barnes-Hut quadtree over the 2-D layout, specialised for
// t-SNE's repulsion. gonum's spatial/barneshut (used first) is a general
// n-body tree behind interfaces, with a math.Hypot per visited cell; on
// 10,000 points its traversal took 62% of the whole t-SNE, which then ran no
// faster than scikit-learn's. This one keeps nodes in one flat slice, visits
// cells with squared distances and no calls through interfaces.
type quadtree struct {
	nodes []qnode
	order []int32 // point indices, grouped by leaf
	y     []float64
}

type qnode struct {
	cx, cy, mass float64 // centre of mass and number of points
	size         float64 // side of the cell's square
	child        [4]int32
	start, end   int32 // the leaf's points in order; start == end for inner nodes
}

// maxDepth bounds the tree where points coincide: such a leaf holds them all.
const maxDepth = 40

func newQuadtree(y []float64, n int) *quadtree {
	t := &quadtree{y: y, order: make([]int32, n), nodes: make([]qnode, 0, 2*n)}
	minX, minY, maxX, maxY := y[0], y[1], y[0], y[1]
	for i := range n {
		t.order[i] = int32(i)
		minX, maxX = min(minX, y[2*i]), max(maxX, y[2*i])
		minY, maxY = min(minY, y[2*i+1]), max(maxY, y[2*i+1])
	}
	size := max(maxX-minX, maxY-minY) * (1 + 1e-9)
	if size == 0 {
		size = 1
	}
	t.build(0, int32(n), minX, minY, size, 0)
	return t
}

// build makes the node for order[lo:hi] in the square at (x0, y0) of side
// size, and returns its index.
func (t *quadtree) build(lo, hi int32, x0, y0, size float64, depth int) int32 {
	id := int32(len(t.nodes))
	t.nodes = append(t.nodes, qnode{size: size, child: [4]int32{-1, -1, -1, -1}})
	if hi-lo <= 1 || depth >= maxDepth {
		var cx, cy float64
		for _, p := range t.order[lo:hi] {
			cx += t.y[2*p]
			cy += t.y[2*p+1]
		}
		m := float64(hi - lo)
		t.nodes[id].cx, t.nodes[id].cy, t.nodes[id].mass = cx/m, cy/m, m
		t.nodes[id].start, t.nodes[id].end = lo, hi
		return id
	}
	half := size / 2
	mx, my := x0+half, y0+half
	// Partition order[lo:hi] into the quadrants: below my, then by mx.
	split := func(lo, hi int32, left func(p int32) bool) int32 {
		i, j := lo, hi-1
		for i <= j {
			if left(t.order[i]) {
				i++
			} else {
				t.order[i], t.order[j] = t.order[j], t.order[i]
				j--
			}
		}
		return i
	}
	ym := split(lo, hi, func(p int32) bool { return t.y[2*p+1] < my })
	xa := split(lo, ym, func(p int32) bool { return t.y[2*p] < mx })
	xb := split(ym, hi, func(p int32) bool { return t.y[2*p] < mx })
	bounds := [4][3]float64{{x0, y0}, {mx, y0}, {x0, my}, {mx, my}}
	ranges := [4][2]int32{{lo, xa}, {xa, ym}, {ym, xb}, {xb, hi}}
	var cx, cy, m float64
	for q := range 4 {
		if ranges[q][0] == ranges[q][1] {
			continue
		}
		c := t.build(ranges[q][0], ranges[q][1], bounds[q][0], bounds[q][1], half, depth+1)
		t.nodes[id].child[q] = c
		cn := t.nodes[c]
		cx += cn.cx * cn.mass
		cy += cn.cy * cn.mass
		m += cn.mass
	}
	t.nodes[id].cx, t.nodes[id].cy, t.nodes[id].mass = cx/m, cy/m, m
	return id
}

// repulsion returns, for point i, Σ_j qz_ij² (y_i − y_j) and Σ_j qz_ij over
// the other points, with qz = 1/(1+‖y_i − y_j‖²), summarising a cell by its
// centre of mass when its side is below theta times its distance.
func (t *quadtree) repulsion(i int, theta float64, stack []int32) (fx, fy, z float64, _ []int32) {
	yi, yj := t.y[2*i], t.y[2*i+1]
	th2 := theta * theta
	stack = append(stack[:0], 0)
	for len(stack) > 0 {
		nd := &t.nodes[stack[len(stack)-1]]
		stack = stack[:len(stack)-1]
		dx, dy := yi-nd.cx, yj-nd.cy
		d2 := dx*dx + dy*dy
		if nd.start != nd.end { // a leaf: its points one by one
			for _, p := range t.order[nd.start:nd.end] {
				if int(p) == i {
					continue
				}
				dx, dy := yi-t.y[2*p], yj-t.y[2*p+1]
				q := 1 / (1 + dx*dx + dy*dy)
				z += q
				fx += q * q * dx
				fy += q * q * dy
			}
			continue
		}
		if nd.size*nd.size < th2*d2 {
			q := 1 / (1 + d2)
			z += nd.mass * q
			w := nd.mass * q * q
			fx += w * dx
			fy += w * dy
			continue
		}
		for _, c := range nd.child {
			if c >= 0 {
				stack = append(stack, c)
			}
		}
	}
	return fx, fy, z, stack
}
