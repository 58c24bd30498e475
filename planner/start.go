package planner

import (
	"math"
	"sort"
)

// start turns a plan (the greedy baseline's, or a previous run's) into a
// value for every column of the formulation: a MIP start. Pairs the plan
// uses that are not candidates are dropped; HiGHS repairs what no longer
// fits by fixing the integer columns and solving for the rest, or by a
// short sub-MIP.
func (fm *formulation) start(p *Plan) []float64 {
	x := make([]float64, fm.m.NumCols())
	used := map[int]bool{}
	for _, a := range p.Replicas {
		s, ok1 := fm.svcIdx[a.Service]
		c, ok2 := fm.clIdx[a.Cluster]
		if !ok1 || !ok2 {
			continue
		}
		sv := fm.svc[s]
		n, ok := sv.n[c]
		if !ok {
			continue
		}
		r := math.Min(float64(a.Replicas), fm.m.ColUpper[n])
		x[n], x[sv.y[c]] = r, 1
		used[c] = true
	}
	fm.startFlows(p, x)
	for c, z := range fm.z {
		if used[c] {
			x[z] = 1
		}
	}
	for _, nk := range fm.nk {
		fm.startTopK(nk, x)
	}
	for _, d := range fm.moves {
		x[d.col] = math.Abs(x[fm.svc[d.svc].n[d.cluster]] - d.current)
	}
	for j := range x {
		x[j] = math.Max(fm.m.ColLower[j], math.Min(fm.m.ColUpper[j], x[j]))
	}
	return x
}

// startFlows sets f, u and h from the plan's routes.
func (fm *formulation) startFlows(p *Plan, x []float64) {
	type fkey struct{ s, g, c string }
	routes := map[fkey]float64{}
	for _, r := range p.Routes {
		if c, ok := fm.clIdx[r.Cluster]; ok {
			routes[fkey{r.Service, r.Region, fm.group(c)}] += r.Amount
		}
	}
	unmet := map[[2]string]float64{}
	for _, u := range p.Unmet {
		unmet[[2]string{u.Service, u.Region}] += u.Amount
	}
	for _, u := range fm.unmet {
		name := fm.svc[u.svc].s.Name
		served := 0.0
		for _, f := range u.f {
			x[f.col] = routes[fkey{name, u.region, fm.group(f.cluster)}]
			served += x[f.col]
		}
		x[u.col] = math.Max(0, u.demand-served)
	}
	type hkey struct{ s, t, region, to string }
	deps := map[hkey]float64{}
	for _, d := range p.DependencyRoutes {
		c, ok1 := fm.clIdx[d.From]
		c2, ok2 := fm.clIdx[d.To]
		if ok1 && ok2 {
			deps[hkey{d.Service, d.DependsOn, fm.cl[c].Region, fm.group(c2)}] += d.Amount
		}
	}
	for _, h := range fm.depVars {
		x[h.col] = deps[hkey{fm.svc[h.svc].s.Name, fm.svc[h.dep].s.Name, h.region, fm.group(h.to)}]
	}
}

// startTopK sets θ to the k-th largest of v_c = (cap/w)·n_c over the
// zone (w = topkUnit: whole replica counts on a model routed to
// regions) and π_c = max(0, v_c − θ): the values at which the N+k row
// reads exactly "capacity minus the k largest".
func (fm *formulation) startTopK(nk nkVars, x []float64) {
	sv := fm.svc[nk.svc]
	k := sv.s.Redundancy
	ns := make([]float64, len(nk.clusters))
	for i, c := range nk.clusters {
		ns[i] = sv.cap / fm.topkUnit(sv) * x[sv.n[c]]
	}
	sorted := append([]float64(nil), ns...)
	sort.Sort(sort.Reverse(sort.Float64Slice(sorted)))
	theta := 0.0
	if k <= len(sorted) {
		theta = sorted[k-1]
	}
	x[nk.theta] = theta
	for i, pi := range nk.pi {
		x[pi] = math.Max(0, ns[i]-theta)
	}
}
