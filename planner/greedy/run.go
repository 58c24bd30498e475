package greedy

import (
	"container/heap"
	"math"
	"slices"
)

// run is one greedy pass over every service with a given demand.
type run struct {
	p      *problem
	demand []float64 // per origin
	nc     int       // number of clusters
	n      []int     // replicas, s*nc + c
	load   []float64 // load, s*nc + c
	used   [][]float64
	hosts  []int // cluster -> services running there
	nUsed  []int // service -> clusters it runs in
	// nodeCap bounds load, s*nc + c: where earlier passes could not
	// place the dependency load a node creates.
	nodeCap []float64
	// demLeft is problem.demandAt less the services placed already.
	demLeft []float64

	demRoutes []demRoute
	depRoutes []depRoute
	fails     []failure
}

// demRoute is demand of origin o served in cluster c.
type demRoute struct {
	o, c int
	x    float64
}

// depRoute is load of dependency d created in cluster from, served in to.
type depRoute struct {
	d, from, to int
	x           float64
}

// failure is dependency load of dependency d created in cluster from that
// no cluster could take: frac of it. local is true when some loadable
// clusters of the dependency were out of reach: the load might fit if it
// were created elsewhere.
type failure struct {
	d, from int
	frac    float64
	local   bool
}

func newRun(p *problem, demand, nodeCap []float64) *run {
	nc := len(p.cls)
	r := &run{p: p, demand: demand, nodeCap: nodeCap, nc: nc, n: make([]int, len(p.svcs)*nc),
		load: make([]float64, len(p.svcs)*nc), used: make([][]float64, nc),
		hosts: make([]int, nc), nUsed: make([]int, len(p.svcs)), demLeft: slices.Clone(p.demandAt)}
	for c := range r.used {
		r.used[c] = make([]float64, len(p.res))
	}
	return r
}

// plan places reservation pins, then every service in schedule order.
func (r *run) plan() {
	for _, sv := range r.p.svcs {
		for _, c := range sv.cand {
			if b := r.base(sv, c); b > 0 {
				r.setN(sv, c, b)
			}
		}
	}
	for _, s := range r.p.schedule() {
		r.place(r.p.svcs[s])
	}
}

// base is the replicas of sv in c before its load is placed: a pin (at
// least Min Replicas, lowered to the reservation's Max), else none.
func (r *run) base(sv *svc, c int) int {
	if m := sv.pin[c]; m > 0 {
		return max(m, sv.minAt(c))
	}
	return 0
}

// setN sets the replicas of sv in c, taking or giving back supply.
func (r *run) setN(sv *svc, c, v int) {
	i := sv.idx*r.nc + c
	old := r.n[i]
	if old == v {
		return
	}
	for _, t := range sv.shape {
		r.used[c][t.r] += float64(v-old) * t.a
	}
	switch {
	case old == 0:
		r.hosts[c]++
		r.nUsed[sv.idx]++
	case v == 0:
		r.hosts[c]--
		r.nUsed[sv.idx]--
	}
	r.n[i] = v
}

// addable is how many more replicas of sv cluster c takes: what its
// remaining supply holds, within a reservation's Max.
func (r *run) addable(sv *svc, c int) int {
	a := unlimited
	for _, t := range sv.shape {
		left := r.p.supply[c][t.r] - r.used[c][t.r]
		a = min(a, int(math.Max(0, math.Min(unlimited, math.Floor(left/t.a+fitTol)))))
	}
	if m, ok := sv.resMax[c]; ok {
		a = min(a, max(0, m-r.n[sv.idx*r.nc+c]))
	}
	return a
}

// schedule orders services so that every service comes after all that
// depend on it; among those ready, boosted services go first (see Plan),
// then the most important effective priority, the fewest loadable
// clusters, the largest size, and Services-tab order. Services on a
// cycle come last.
func (p *problem) schedule() []int {
	indeg := make([]int, len(p.svcs))
	for _, d := range p.deps {
		indeg[d.t]++
	}
	q := &readyQueue{p: p}
	for i, d := range indeg {
		if d == 0 {
			heap.Push(q, i)
		}
	}
	done := make([]bool, len(p.svcs))
	var order []int
	for q.Len() > 0 {
		i := heap.Pop(q).(int)
		order, done[i] = append(order, i), true
		for _, d := range p.svcs[i].calls {
			t := p.deps[d].t
			if indeg[t]--; indeg[t] == 0 {
				heap.Push(q, t)
			}
		}
	}
	for i := range p.svcs {
		if !done[i] {
			heap.Push(q, i)
		}
	}
	for q.Len() > 0 {
		order = append(order, heap.Pop(q).(int))
	}
	return order
}

// readyQueue is a heap of service indexes in schedule order.
type readyQueue struct {
	p  *problem
	is []int
}

func (q *readyQueue) Len() int { return len(q.is) }
func (q *readyQueue) Less(a, b int) bool {
	x, y := q.p.svcs[q.is[a]], q.p.svcs[q.is[b]]
	if q.p.boost != nil && q.p.boost[x.idx] != q.p.boost[y.idx] {
		return q.p.boost[x.idx]
	}
	if x.ep != y.ep {
		return x.ep < y.ep
	}
	if x.nLoadable != y.nLoadable {
		return x.nLoadable < y.nLoadable
	}
	if x.size != y.size {
		return x.size > y.size
	}
	return x.idx < y.idx
}
func (q *readyQueue) Swap(a, b int) { q.is[a], q.is[b] = q.is[b], q.is[a] }
func (q *readyQueue) Push(x any)    { q.is = append(q.is, x.(int)) }
func (q *readyQueue) Pop() any {
	x := q.is[len(q.is)-1]
	q.is = q.is[:len(q.is)-1]
	return x
}
