package greedy

import (
	"math"
	"slices"
)

// estimate fills the static estimates the greedy uses to share fixed
// costs and to order services: per service the load and replicas it is
// expected to need (its demand plus the dependency load its callers are
// expected to create; in replicas, at least Min Replicas in Min
// Clusters), its size (for a service that may run only in clusters with
// a fixed cost, those replicas' share of the supply of all such
// clusters, summed over resources), and per cluster the resources the
// services expected to run there would take (demandAt).
func (p *problem) estimate() {
	nr := len(p.res)
	total := make([]float64, nr) // supply of the clusters with a fixed cost
	for c := range p.cls {
		if p.fixed[c] > 0 {
			for r := range nr {
				total[r] += p.supply[c][r]
			}
		}
	}
	load := make([]float64, len(p.svcs))
	for _, o := range p.origins {
		load[o.s] += o.demand
	}
	for _, i := range p.topo { // callers before the services they depend on
		for _, d := range p.svcs[i].calls {
			dp := p.deps[d]
			load[dp.t] += dp.ratio * load[i]
		}
	}
	p.demandAt = make([]float64, len(p.cls)*nr)
	for s, sv := range p.svcs {
		n := float64(sv.minRep * max(sv.s.MinClusters, 1))
		if sv.cap > 0 && load[s] > 0 {
			n = math.Max(n, math.Ceil(math.Min(load[s]/sv.cap, unlimited)))
		}
		sv.estRep, sv.estLoad = n, load[s]
		if len(sv.cand) > 0 && !slices.ContainsFunc(sv.cand, func(c int) bool { return !(p.fixed[c] > 0) }) {
			for _, t := range sv.shape {
				if total[t.r] > 0 {
					sv.size += n * t.a / total[t.r]
				}
			}
		}
		p.addDemandAt(p.demandAt, sv, 1)
	}
}

// expectsAt reports whether sv is expected to run in c: a loadable
// candidate if it is expected to carry load and has any, else any
// candidate.
func (sv *svc) expectsAt(c int) bool {
	return sv.loadOK[c] || !(sv.estLoad > 0 && sv.nLoadable > 0)
}

// addDemandAt adds sign times sv's expected resources to da, a
// cluster × resource table, at every cluster it is expected to run in.
func (p *problem) addDemandAt(da []float64, sv *svc, sign float64) {
	nr := len(p.res)
	for _, c := range sv.cand {
		if sv.expectsAt(c) {
			for _, t := range sv.shape {
				da[c*nr+t.r] += sign * sv.estRep * t.a
			}
		}
	}
}
