package planner

import (
	"context"
	"math"
	"math/rand/v2"
	"time"

	"github.com/auxon-planner/auxon/planner/highs"
)

// Large-neighbourhood search
//
// Branch and bound proves bounds well but improves incumbents slowly on
// consolidation problems. After the engine's first run, a phase with time
// left and a gap above target runs large-neighbourhood search: keep the
// incumbent; repeatedly free a neighbourhood — the integer columns (n, y,
// z) of a few clusters, of one region, or of a few services — fix every
// other integer column at its incumbent value, and solve that sub-MIP
// with a short limit, started from the incumbent (feasible by
// construction). A better plan becomes the incumbent. The neighbourhood
// grows after a sub-MIP solved to optimality without gain (the area was
// already optimal) and shrinks after one that ran out of time. Continuous
// columns (routes, unmet demand) are never fixed: the sub-MIP re-routes
// freely. The global lower bound is the engine's, from its first run.

// lnsMainShare is the share of a phase's time the engine gets first, to
// find an incumbent and a bound, before the search uses the rest.
const lnsMainShare = 0.6

// lnsSubLimit bounds one sub-MIP; short, so that many neighbourhoods are
// tried.
const lnsSubLimit = 3 * time.Second

// lnsMinLeft is the least time worth starting another sub-MIP with.
const lnsMinLeft = 200 * time.Millisecond

// neighbourhood kinds, tried in turn.
const (
	byClusters = iota
	byRegion
	byServices
	numKinds
)

// lns improves r (a solution of the current model) until deadline or ctx
// ends, and returns the best result.
func (s *solver) lns(ctx context.Context, name string, r *highs.Result, deadline time.Time) *highs.Result {
	fm, m := s.fm, s.fm.m
	rng := rand.New(rand.NewPCG(uint64(s.opts.Seed), 0x1a5))
	lower := append([]float64(nil), m.ColLower...)
	upper := append([]float64(nil), m.ColUpper...)
	defer func() { copy(m.ColLower, lower); copy(m.ColUpper, upper) }()
	frac := 0.35 // share of clusters or services freed
	best := r
	for iter := 0; ctx.Err() == nil; iter++ {
		left := time.Until(deadline)
		if left < lnsMinLeft || gapOf(best) <= mipGap(fm.in, s.opts) {
			break
		}
		free := fm.neighbourhood(iter%numKinds, frac, rng)
		fm.fixOutside(free, best.X, lower, upper)
		seed := s.opts.Seed
		sub, err := s.engine.Solve(ctx, m, &highs.Options{
			TimeLimit: min(left, lnsSubLimit), MIPRelGap: 1e-6, Threads: s.opts.Threads,
			RandomSeed: &seed, Start: best.X,
		})
		copy(m.ColLower, lower)
		copy(m.ColUpper, upper)
		if err != nil || sub == nil {
			break
		}
		switch {
		case sub.HasSolution && sub.Objective < best.Objective-1e-9*math.Max(1, math.Abs(best.Objective)):
			sub.DualBound, sub.Nodes = best.DualBound, best.Nodes
			sub.Status = best.Status
			sub.Gap = relGap(sub.Objective, sub.DualBound)
			best = sub
			s.report(name, best, true)
		case sub.Status == highs.StatusOptimal:
			frac = math.Min(1, frac*1.5)
		default:
			frac = math.Max(0.05, frac/1.5)
		}
	}
	return best
}

// report sends an improvement to the progress callback.
func (s *solver) report(name string, r *highs.Result, improved bool) {
	if s.opts.Progress == nil {
		return
	}
	s.opts.Progress(Progress{Phase: name, Progress: highs.Progress{
		Elapsed: time.Since(s.began), Incumbent: r.Objective, Bound: r.DualBound, Gap: r.Gap, Improved: improved}})
}

func gapOf(r *highs.Result) float64 { return relGap(r.Objective, r.DualBound) }

// relGap is HiGHS's relative gap: (objective − bound) / |objective|.
func relGap(obj, bound float64) float64 {
	if math.IsNaN(bound) || math.IsInf(bound, 0) {
		return math.Inf(1)
	}
	if obj == 0 {
		if bound == 0 {
			return 0
		}
		return math.Inf(1)
	}
	return math.Max(0, (obj-bound)/math.Abs(obj))
}

// neighbourhood picks the (service, cluster) pairs to free: those of a
// random share frac of the clusters, of the clusters of one region, or of
// a random share of the services.
func (fm *formulation) neighbourhood(kind int, frac float64, rng *rand.Rand) map[[2]int]bool {
	free := map[[2]int]bool{}
	freeClusters := func(cs map[int]bool) {
		for i, sv := range fm.svc {
			for _, c := range sv.cands {
				if cs[c] {
					free[[2]int{i, c}] = true
				}
			}
		}
	}
	switch kind {
	case byClusters:
		cs := map[int]bool{}
		for _, c := range rng.Perm(len(fm.cl))[:max(1, int(frac*float64(len(fm.cl))))] {
			cs[c] = true
		}
		freeClusters(cs)
	case byRegion:
		region := fm.cl[rng.IntN(len(fm.cl))].Region
		cs := map[int]bool{}
		for c, cl := range fm.cl {
			if cl.Region == region {
				cs[c] = true
			}
		}
		freeClusters(cs)
	case byServices:
		for _, i := range rng.Perm(len(fm.svc))[:max(1, int(frac*float64(len(fm.svc))))] {
			for _, c := range fm.svc[i].cands {
				free[[2]int{i, c}] = true
			}
		}
	}
	return free
}

// fixOutside fixes n and y of every pair not in free at the incumbent
// x (within the original bounds), and z of every cluster none of whose
// pairs is free.
func (fm *formulation) fixOutside(free map[[2]int]bool, x, lower, upper []float64) {
	m := fm.m
	fix := func(j int) {
		v := math.Max(lower[j], math.Min(upper[j], math.Round(x[j])))
		m.ColLower[j], m.ColUpper[j] = v, v
	}
	open := map[int]bool{}
	for i, sv := range fm.svc {
		for _, c := range sv.cands {
			if free[[2]int{i, c}] {
				open[c] = true
				continue
			}
			fix(sv.n[c])
			fix(sv.y[c])
		}
	}
	for c, z := range fm.z {
		if !open[c] {
			fix(z)
		}
	}
}
