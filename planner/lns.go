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
// large plans. After the engine's first run, a phase with time left and a
// gap above target runs large-neighbourhood search: keep the incumbent;
// repeatedly free a neighbourhood — a few services with the services they
// depend on or that depend on them — and re-optimise only that: every
// column of the other services stays at its incumbent value, so the
// sub-model holds just the free columns and the rows that touch them, with
// the fixed part of each row moved into its bounds. The sub-MIP is small,
// starts from the incumbent (feasible by construction) and runs under a
// short limit; a better plan becomes the incumbent. The neighbourhood grows
// after a sub-MIP solved to optimality without gain and shrinks after one
// that ran out of time. The global lower bound is the engine's, from its
// first run.

// lnsMainShare is the share of a phase's time the engine gets first, to
// find an incumbent and a bound, before the search uses the rest.
const lnsMainShare = 0.4

// lnsSubLimit bounds one sub-MIP; short, so that many neighbourhoods are
// tried.
const lnsSubLimit = 2 * time.Second

// lnsMinLeft is the least time worth starting another sub-MIP with.
const lnsMinLeft = 100 * time.Millisecond

// lnsImprove is the least relative gain that counts as an improvement.
const lnsImprove = 1e-9

// lns improves r (a solution of the current model) until deadline or ctx
// ends, and returns the best result.
func (s *solver) lns(ctx context.Context, name string, r *highs.Result, deadline time.Time) *highs.Result {
	fm := s.fm
	owners := fm.owners()
	rng := rand.New(rand.NewPCG(uint64(s.opts.Seed), 0x1a5))
	size := max(1, len(fm.svc)/50) // services chosen at once
	best := r
	for ctx.Err() == nil {
		left := time.Until(deadline)
		if left < lnsMinLeft || best.Objective <= 0 || relGap(best.Objective, best.DualBound) <= mipGap(fm.in, s.opts) {
			break // out of time, or nothing left to gain
		}
		free := fm.related(rng.Perm(len(fm.svc))[:min(size, len(fm.svc))])
		sub, cols := fm.restrict(free, owners, best.X)
		if len(cols) == 0 {
			continue
		}
		start := make([]float64, len(cols))
		for k, j := range cols {
			start[k] = best.X[j]
		}
		seed := s.opts.Seed
		res, err := s.engine.Solve(ctx, sub, &highs.Options{TimeLimit: min(left, lnsSubLimit),
			MIPRelGap: 1e-6, Threads: s.opts.Threads, RandomSeed: &seed, Start: start})
		if err != nil {
			break
		}
		improved := false
		if res.HasSolution {
			x := append([]float64(nil), best.X...)
			for k, j := range cols {
				x[j] = res.X[k]
			}
			obj := fm.m.Objective(x)
			if obj < best.Objective-lnsImprove*math.Max(1, math.Abs(best.Objective)) && s.feasible(x) {
				next := *best
				next.X, next.Objective, next.RowActivity = x, obj, fm.m.Activity(x)
				next.Gap = relGap(obj, best.DualBound)
				best, improved = &next, true
				s.report(name, best, true)
			}
		}
		switch {
		case improved:
		case res.Status == highs.StatusOptimal:
			size = min(len(fm.svc), size*3/2+1)
		default:
			size = max(1, size*2/3)
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

// colOwner says which services a column belongs to: one service, or two
// for a dependency route (the caller and the dependency); none for a
// column shared by all (a cluster's open decision z).
type colOwner struct{ a, b int }

// owners maps every column to its services.
func (fm *formulation) owners() []colOwner {
	own := make([]colOwner, fm.m.NumCols())
	for j := range own {
		own[j] = colOwner{-1, -1}
	}
	set := func(j, s int) { own[j] = colOwner{s, s} }
	for i, sv := range fm.svc {
		for _, c := range sv.cands {
			set(sv.n[c], i)
			set(sv.y[c], i)
		}
	}
	for _, u := range fm.unmet {
		set(u.col, u.svc)
		for _, f := range u.f {
			set(f.col, u.svc)
		}
	}
	for _, h := range fm.depVars {
		own[h.col] = colOwner{h.svc, h.dep}
	}
	for _, nk := range fm.nk {
		set(nk.theta, nk.svc)
		for _, pi := range nk.pi {
			set(pi, nk.svc)
		}
	}
	for _, d := range fm.moves {
		set(d.col, d.svc)
	}
	return own
}

// related frees the chosen services and those they share a dependency
// with.
func (fm *formulation) related(chosen []int) map[int]bool {
	picked := map[int]bool{}
	for _, i := range chosen {
		picked[i] = true
	}
	free := map[int]bool{}
	for i := range picked {
		free[i] = true
	}
	for _, h := range fm.depVars {
		if picked[h.svc] || picked[h.dep] {
			free[h.svc], free[h.dep] = true, true
		}
	}
	return free
}

// restrict builds the sub-model over the columns of the free services
// (and the shared columns), every other column fixed at x: each row keeps
// its free entries, its bounds shifted by the fixed part, and rows without
// a free entry are dropped. cols maps sub-model columns to model columns.
func (fm *formulation) restrict(free map[int]bool, own []colOwner, x []float64) (*highs.Model, []int) {
	m := fm.m
	index := make([]int, m.NumCols())
	var cols []int
	for j, o := range own {
		index[j] = -1
		if o.a < 0 || free[o.a] || free[o.b] {
			index[j] = len(cols)
			cols = append(cols, j)
		}
	}
	sub := &highs.Model{Sense: m.Sense}
	for _, j := range cols {
		sub.AddCol(m.ColCost[j], m.ColLower[j], m.ColUpper[j], m.Integer != nil && m.Integer[j])
	}
	var idx []int
	var val []float64
	for i := 0; i < m.NumRows(); i++ {
		ri, rv := m.Row(i)
		idx, val = idx[:0], val[:0]
		fixed := 0.0
		for k, j := range ri {
			if index[j] >= 0 {
				idx, val = append(idx, index[j]), append(val, rv[k])
			} else {
				fixed += rv[k] * x[j]
			}
		}
		if len(idx) == 0 {
			continue
		}
		sub.AddRow(m.RowLower[i]-fixed, m.RowUpper[i]-fixed, idx, val)
	}
	return sub, cols
}
