package planner

import (
	"context"
	"math"
	"time"

	"github.com/auxon-planner/auxon/planner/highs"
)

// A lower bound without the big model
//
// When every demand that can reach a cluster must be served, the load of
// each service is known exactly: L_t = D_t + Σ_{p→t} ρ(p→t)·L_p, with D_t
// its reachable demand. So service s needs at least
//
//	R_s = max(⌈L_s/cap(s)⌉, MinClusters(s), [L_s > 0], Σ pinned Min)
//
// replicas, whatever the plan. Two relaxations of the MILP then bound its
// optimum from below, and auxon reports the larger:
//
//   - per service: Σ_s R_s·min_{c∈C_s} Σ_r shape[s,r]·price[c,r], which
//     drops supply and fixed costs;
//   - the cheapest cover of total demand: a small MILP over the clusters
//     alone,
//
//     min  Σ_c FixedCost(c)·z[c] + Σ_{c,r} price[c,r]·use[c,r]
//     s.t. Σ_c use[c,r] ≥ Σ_s shape[s,r]·R_s          for every r
//     0 ≤ use[c,r] ≤ supply[c,r]·z[c]  (z[c] ≡ 1 without a fixed cost)
//
//     which keeps supply and fixed costs but lets resources of one replica
//     split over clusters and ignores which clusters a service may use.
//
// Churn, redundancy and latency only add cost, so both stay valid; the
// constant churn of current pairs that are no longer candidates is added.
// The cover MILP has one binary per cluster with a fixed cost and solves
// in milliseconds where the full MILP's root LP can take minutes.

// coverShare and coverLimit bound the cover MILP's time.
const (
	coverShare = 0.05
	coverLimit = 3 * time.Second
)

// minReplicas is R_s for every service, with all reachable demand served.
func (fm *formulation) minReplicas() []float64 {
	load := fm.servedLoad()
	pinned := make([]float64, len(fm.svc))
	for key, r := range fm.reservations() {
		if r.Min > 0 {
			pinned[key[0]] += float64(r.Min)
		}
	}
	out := make([]float64, len(fm.svc))
	for i, sv := range fm.svc {
		need := pinned[i]
		if load[i] > 0 {
			need = math.Max(need, 1)
			if sv.cap > 0 {
				need = math.Max(need, math.Ceil(load[i]/sv.cap-1e-6))
			}
		}
		out[i] = math.Max(need, float64(sv.s.MinClusters))
	}
	return out
}

// floors is, per service, R_s times its cheapest replica (the cost of its
// replica column in its cheapest candidate): the per-service bound's
// terms, and what the search measures a service's slack from.
func (fm *formulation) floors(reps []float64) []float64 {
	out := make([]float64, len(fm.svc))
	for i, sv := range fm.svc {
		if reps[i] == 0 {
			continue
		}
		cheapest := math.Inf(1)
		for _, c := range sv.cands {
			cheapest = math.Min(cheapest, fm.m.ColCost[sv.n[c]])
		}
		if !math.IsInf(cheapest, 1) {
			out[i] = reps[i] * cheapest
		}
	}
	return out
}

// coverBound is the larger of the two bounds above, or −Inf if neither
// could be computed. It depends on the intent alone, so it is computed
// once per Solve.
func (s *solver) coverBound(ctx context.Context) float64 {
	if s.coverDone {
		return s.coverValue
	}
	fm := s.fm
	reps := fm.minReplicas()
	perService := fm.churn
	for _, f := range fm.floors(reps) {
		perService += f
	}
	s.coverValue, s.coverDone = math.Max(perService, s.cover(ctx, reps)), true
	return s.coverValue
}

// cover solves the cheapest-cover MILP and returns its proven bound.
func (s *solver) cover(ctx context.Context, reps []float64) float64 {
	fm := s.fm
	need := make([]float64, len(fm.res))
	for i, sv := range fm.svc {
		for r, name := range fm.res {
			need[r] += sv.s.Shape[name] * reps[i]
		}
	}
	hosts := make([]bool, len(fm.cl))
	for _, sv := range fm.svc {
		for _, c := range sv.cands {
			hosts[c] = true
		}
	}
	m := &highs.Model{Offset: fm.churn}
	rows := make([][]int, len(fm.res))
	vals := make([][]float64, len(fm.res))
	for c, cl := range fm.cl {
		if !hosts[c] {
			continue
		}
		z := -1
		if _, ok := fm.z[c]; ok {
			z = m.AddCol(cl.FixedCost, 0, 1, true)
		}
		for r, name := range fm.res {
			sup := cl.Supply[name]
			if sup <= 0 {
				continue
			}
			u := m.AddCol(cl.Price[name], 0, sup, false)
			rows[r], vals[r] = append(rows[r], u), append(vals[r], 1)
			if z >= 0 {
				m.AddRow(-highs.Inf, 0, []int{u, z}, []float64{1, -sup})
			}
		}
	}
	for r := range fm.res {
		if need[r] > 0 {
			m.AddRow(need[r], highs.Inf, rows[r], vals[r])
		}
	}
	limit := min(coverLimit, time.Duration(coverShare*float64(s.limit)))
	seed := s.opts.Seed
	res, err := s.engine.Solve(ctx, m, &highs.Options{TimeLimit: limit, MIPRelGap: 1e-6, Threads: s.opts.Threads, RandomSeed: &seed})
	if err != nil || proven(res) {
		return math.Inf(-1)
	}
	if res.Status == highs.StatusOptimal {
		return res.Objective
	}
	return res.DualBound
}
