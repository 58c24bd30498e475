package greedy

import (
	"maps"
	"math"
	"slices"
)

// shares is demand per origin, as carried by a node (service, cluster)
// of the plan.
type shares map[int]float64

// tracer finds which demand a node's load came from.
type tracer struct {
	r     *run
	demIn map[int][]int // node -> indexes of r.demRoutes into it
	depIn map[int][]int // node -> indexes of r.depRoutes into it
	memo  map[int]shares
}

// cuts returns, per origin, the demand whose dependency load the run
// could not place: a node whose load on some dependency failed by
// fraction f (the largest over its dependencies) cuts f of every
// origin's demand flowing through it; local failures count only when
// withLocal is set.
func (r *run) cuts(withLocal bool) shares {
	tr := &tracer{r: r, demIn: map[int][]int{}, depIn: map[int][]int{}, memo: map[int]shares{}}
	for i, dr := range r.demRoutes {
		node := r.p.origins[dr.o].s*r.nc + dr.c
		tr.demIn[node] = append(tr.demIn[node], i)
	}
	for i, dr := range r.depRoutes {
		node := r.p.deps[dr.d].t*r.nc + dr.to
		tr.depIn[node] = append(tr.depIn[node], i)
	}
	frac := map[int]float64{}
	for _, f := range r.fails {
		if withLocal || !f.local {
			node := r.p.deps[f.d].s*r.nc + f.from
			frac[node] = math.Max(frac[node], f.frac)
		}
	}
	out := shares{}
	for _, node := range slices.Sorted(maps.Keys(frac)) {
		w := tr.through(node)
		for _, o := range slices.Sorted(maps.Keys(w)) {
			out[o] += frac[node] * w[o]
		}
	}
	return out
}

// through is the demand per origin whose load flows through node: demand
// routed there, plus for each dependency route into it the share of its
// source node's demand that the route carries.
func (tr *tracer) through(node int) shares {
	if w, ok := tr.memo[node]; ok {
		return w
	}
	r := tr.r
	w := shares{}
	for _, i := range tr.demIn[node] {
		w[r.demRoutes[i].o] += r.demRoutes[i].x
	}
	for _, i := range tr.depIn[node] {
		dr := r.depRoutes[i]
		dp := r.p.deps[dr.d]
		out := dp.ratio * r.load[dp.s*r.nc+dr.from]
		if !(out > 0) {
			continue
		}
		src := tr.through(dp.s*r.nc + dr.from)
		for _, o := range slices.Sorted(maps.Keys(src)) {
			w[o] += src[o] * dr.x / out
		}
	}
	tr.memo[node] = w
	return w
}
