package greedy

import (
	"cmp"
	"slices"
)

// item is load that must be routed to clusters of one service: demand of
// an origin, or the load a dependency creates in one cluster.
type item struct {
	prio    int
	o       int // origin, or -1 for dependency load
	d, from int // dependency and the cluster creating the load
	amount  float64
	reach   []int // loadable clusters within the SLO or Max RTT
	got     []demRoute
	left    float64
}

// items lists the load sv must carry, most important first, then the
// most constrained (fewest clusters in reach), then the largest.
func (r *run) items(sv *svc) []*item {
	p := r.p
	var out []*item
	for _, o := range sv.origins {
		if x := r.demand[o]; x > 0 {
			out = append(out, &item{prio: sv.s.Priority, o: o, d: -1, from: -1, amount: x, reach: p.originReach(o)})
		}
	}
	for _, d := range sv.callers {
		dp := p.deps[d]
		for q := range r.nc {
			if l := r.load[dp.s*r.nc+q]; l > 0 {
				out = append(out, &item{prio: p.svcs[dp.s].ep, o: -1, d: d, from: q, amount: dp.ratio * l,
					reach: p.depReach(d, q)})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b *item) int {
		return cmp.Or(cmp.Compare(a.prio, b.prio), cmp.Compare(len(a.reach), len(b.reach)),
			cmp.Compare(b.amount, a.amount))
	})
	return out
}

// originReach is the loadable clusters of origin o's service within its
// latency SLO of o's region.
func (p *problem) originReach(o int) []int {
	or := p.origins[o]
	sv := p.svcs[or.s]
	var out []int
	for _, c := range sv.cand {
		if sv.loadOK[c] && p.within(or.g, p.clRegion[c], sv.s.LatencySLO, sv.s.HasLatencySLO) {
			out = append(out, c)
		}
	}
	return out
}

// depReach is the loadable clusters of dependency d's target within its
// Max RTT of cluster q.
func (p *problem) depReach(d, q int) []int {
	dp := p.deps[d]
	tv := p.svcs[dp.t]
	var out []int
	for _, c := range tv.cand {
		if tv.loadOK[c] && p.within(p.clRegion[q], p.clRegion[c], dp.maxRTT, dp.hasMax) {
			out = append(out, c)
		}
	}
	return out
}
