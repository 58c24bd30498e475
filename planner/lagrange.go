package planner

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/auxon-planner/auxon/planner/highs"
)

// A Lagrangian bound per service
//
// The LP bound is weakest where replica counts are small: an LP may run
// 2.5 replicas, or spread a service's N+k over slivers of many clusters,
// where every plan needs whole replicas. On a generated 40×8 intent the
// LP was 1.9% below the optimum, and making only the n columns integer
// (y and z left continuous) closed 80% of that. Branch and bound closes
// it slowly: on a generated 80×12 intent HiGHS's bound after 600 s was
// still 1.7% below its best plan.
//
// Most rows of the MILP belong to one service: its columns (n, y, f, u,
// θ, π, d, and the dependency routes h that load it) and nothing else.
// The others couple services: supply, fixed cost and dependency rows.
// Pricing the coupling rows at multipliers λ splits the MILP into one
// small MILP per service:
//
//	L(λ) = Σ_i λ_i·b_i + Σ_j min(d_j·l_j, d_j·u_j)
//	       + Σ_s min { d_s·x_s : x_s meets s's own rows, bounds and
//	                             integrality },        d = c − Aᵀλ
//
// over coupling rows i (b_i the bound of row i its multiplier presses
// on: the lower for λ_i > 0, the upper for λ_i < 0; λ_i is 0 where that
// bound is infinite) and over columns j of no service (a cluster's z).
// For every plan x, c·x ≥ c·x − Σ_i λ_i·(A_i·x − b_i) = L's terms at x, so
// L(λ) is a lower bound (weak duality). With λ the LP's row duals, the
// per-service LPs add up to the LP bound itself; solving them as MILPs
// adds each service's own integrality. A per-service MILP stopped by its
// limit counts its own proven bound, and a service not reached counts
// its LP, so the bound never falls below the LP's. Each service's MILP
// also gets the rows of its own that the model lacks because the LP
// implies them (serviceSplit.own: the dependency totals of build.go);
// x* restricted to s meets them, so at the LP's duals the per-service
// LPs still add up to the LP bound.
//
// On the 80×12 intent the bound rose from 717,740 (the LP) to 730,041 in
// 1.6 s, above HiGHS's after 600 s; on the 500×50 benchmark intent the
// 500 per-service MILPs at 200 ms each raised it by 31,454 in 37 s of
// one core (both measured before the θ rows and plan-phase rows of
// build.go, which raise the LP itself).

// lagrangeShare is the share of a phase the per-service MILPs may take
// when the search can run beside their later passes (against the clock,
// with two workers or more), lagrangeShareAlone the share otherwise;
// lagrangeSubLimit and lagrangeSubNodes bound each MILP in the first
// pass (a variable for tests).
//
// With the crossover (crossover.go) after the passes, a long share pays:
// the later passes price more services exactly, whose solutions the
// crossover then combines, while the search runs beside them on all
// workers but one. On the 500×50 benchmark intent at 60 s, solver seeds
// 1–3 ended at 1.05, 1.09 and 1.11% with a share of 0.15; 0.98, 1.08,
// 0.99% with 0.25; 0.99, 1.00, 0.99% with 0.35; 1.00, 0.92, 0.93% with
// 0.45; 0.93, 0.77, 0.96% with 0.55; 0.91, 0.73, 0.69% with 0.7; and
// 0.67, 0.59, 0.59% with 0.85 (bound about 4,770,000 where 0.15 gave
// 4,759,000, plans 4.799–4.802M where it gave 4.810–4.814M). Without
// the search beside them, the passes would hold every worker, so the
// share stays at the 0.15 measured before.
//
// That share is of the phase's budget up to lagrangeSpan: a longer
// solve would otherwise wait for the passes' end before the crossover,
// where a 60 s solve already reaches a 1% gap. lagrangeShareAlone is of
// the whole budget, as before.
const (
	lagrangeSpan       = time.Minute
	lagrangeShare      = 0.85
	lagrangeShareAlone = 0.15
	lagrangeSubLimit   = 200 * time.Millisecond
)

var lagrangeSubNodes = 500

// lagrange returns L(λ) for λ the row duals of lp, an optimal solution of
// the current model's LP relaxation, solving per-service MILPs until
// deadline (with Options.LNSRounds set, their node limit alone bounds
// them, so that the bound, like the search, does not depend on the
// clock). It returns −Inf if lp has no duals or a per-service LP fails.
// beside, if not nil, runs beside the later passes (see Passes below).
func (s *solver) lagrange(ctx context.Context, lp *highs.Result, deadline time.Time, beside func(stop <-chan struct{}, bound float64)) float64 {
	fm, m := s.fm, s.fm.m
	if lp == nil || lp.RowDual == nil || len(lp.RowDual) != m.NumRows() {
		return math.Inf(-1)
	}
	if s.ix == nil {
		s.ix = fm.index()
	}
	sp := fm.split(s.ix)
	bound, d := 0.0, append([]float64(nil), m.ColCost...)
	for _, i := range sp.coupling {
		lambda := lp.RowDual[i]
		switch {
		case lambda > 0 && m.RowLower[i] > -highs.Inf:
			bound += lambda * m.RowLower[i]
		case lambda < 0 && m.RowUpper[i] < highs.Inf:
			bound += lambda * m.RowUpper[i]
		default:
			continue
		}
		for k := m.RowStart[i]; k < m.RowStart[i+1]; k++ {
			d[m.Index[k]] -= lambda * m.Value[k]
		}
	}
	for _, j := range sp.free {
		lo, up := d[j]*m.ColLower[j], d[j]*m.ColUpper[j]
		if math.IsNaN(lo) || math.IsNaN(up) {
			return math.Inf(-1) // 0·Inf: an unbounded column at zero price
		}
		bound += math.Min(lo, up)
	}
	if math.IsInf(bound, -1) {
		return bound
	}
	// Every service's LP first (milliseconds each): the bound's floor.
	val := make([]float64, len(fm.svc))
	sol := make([][]float64, len(fm.svc))
	workers := s.lnsWorkers()
	ok := s.eachService(len(fm.svc), workers, func(i int, w *lagrangeWorker) bool {
		r, err := s.engine.Solve(ctx, w.sub(m, sp, i, d, false), &highs.Options{Threads: 1})
		if err != nil || r.Status != highs.StatusOptimal {
			return false
		}
		val[i] = r.Objective
		sol[i] = r.X
		return true
	})
	if !ok {
		return math.Inf(-1)
	}
	// Then their MILPs while time is left (only those whose LP point is
	// fractional can gain): the services without N+k first, whose MILPs
	// are quick, then those with it, the costliest first in each. With
	// every MILP run to its node limit on the 500×50 benchmark intent,
	// those without N+k gained 11,682 in 6.3 s of one core, those with it
	// 28,884 in 116 s; in the 18 s of one core a 60 s solve gives the
	// bound, costliest first gained about 13,600, this order about 17,000
	// (replayed from those per-service figures, counting 30% of the gain
	// of a MILP that took more than its 200 ms there).
	var order []int
	for i := range fm.svc {
		if sp.fractional(m, lp.X, i) {
			order = append(order, i)
		}
	}
	sort.SliceStable(order, func(a, b int) bool {
		ka, kb := fm.svc[order[a]].s.Redundancy > 0, fm.svc[order[b]].s.Redundancy > 0
		if ka != kb {
			return !ka
		}
		return val[order[a]] > val[order[b]]
	})
	// Passes: each MILP a pass leaves stopped by a limit runs again in
	// the next, with four times the time and nodes, while the deadline
	// allows (one pass under Options.LNSRounds), so that a longer solve
	// gets a stronger bound. On the 500×50 benchmark intent (LP
	// 4,743,703) a 900 s solve's single pass, run to its end, left the
	// bound at 4,756,759; with the passes, 9 s on two workers raised it
	// by 9,204, 45 s by 16,257 and 90 s by 21,722 (before θ and π were
	// integer: see build.go).
	//
	// Once the first pass is done, the later passes run on one worker
	// and beside (from lagrangeBound: the search, at the first pass's
	// prices and bound) on the others until they end. On that intent the
	// first pass took about 16 s of two workers and gave 4,766,177; a
	// 900 s solve whose passes had 135 s (a share of 0.15, before the
	// crossover) then had the search improve the plan for those 120 s
	// instead of waiting, and reached a 1% gap when the passes ended: at
	// 144.4 s (0.811%: 4,813,544 / 4,774,507; the Plan500x50Long
	// benchmark), where it had reached it at 199.8 s. With the share of
	// lagrangeShare a 60 s solve's first pass ends too, and the search
	// runs beside the later passes.
	rounds := s.opts.LNSRounds > 0
	limit, nodes := lagrangeSubLimit, lagrangeSubNodes
	base := bound + m.Offset
	var stop, done chan struct{}
	for len(order) > 0 {
		again := make([]bool, len(order))
		s.eachService(len(order), workers, func(k int, w *lagrangeWorker) bool {
			left := time.Until(deadline)
			if ctx.Err() != nil || left < lnsMinLeft {
				return true
			}
			tl := min(limit, left)
			if rounds {
				tl = left
			}
			i := order[k]
			seed := s.opts.Seed
			r, err := s.engine.Solve(ctx, w.sub(m, sp, i, d, true), &highs.Options{TimeLimit: tl, Threads: 1,
				MIPRelGap: 1e-4, RandomSeed: &seed, Extra: []highs.Option{{Name: "mip_max_nodes", Value: nodes},
					{Name: "mip_heuristic_effort", Value: 0.0}, fm.presolve()}})
			if err != nil {
				return true
			}
			if !math.IsNaN(r.DualBound) && r.DualBound > val[i] {
				val[i] = r.DualBound
			}
			if r.HasSolution {
				sol[i] = r.X
			}
			again[k] = r.Status == highs.StatusTimeLimit || r.Status == highs.StatusLimit
			return true
		})
		if rounds || ctx.Err() != nil || time.Until(deadline) < lnsMinLeft {
			break
		}
		var next []int
		for k, i := range order {
			if again[k] {
				next = append(next, i)
			}
		}
		order, limit, nodes = next, 4*limit, 4*nodes
		if beside != nil && stop == nil && len(order) > 0 && workers > 1 {
			// The first pass is done: its prices go to the search, which
			// runs beside the later passes on all workers but one.
			s.prices = &servicePrices{d: d, val: slices.Clone(val), sp: sp, bound: sum(val) + base, sol: slices.Clone(sol)}
			stop, done = make(chan struct{}), make(chan struct{})
			go func() {
				defer close(done)
				beside(stop, s.prices.bound)
			}()
			workers = 1
		}
	}
	if stop != nil {
		close(stop)
		<-done
	}
	bound += sum(val) + m.Offset
	s.prices = &servicePrices{d: d, val: val, sp: sp, bound: bound, sol: sol}
	return bound
}

// sum adds up xs.
func sum(xs []float64) float64 {
	t := 0.0
	for _, x := range xs {
		t += x
	}
	return t
}

// servicePrices is what the Lagrangian bound leaves for the search: the
// prices d, each service's least priced cost val (the bound's term) and
// the split. Under them a plan x's cost exceeds L(λ) by
//
//	c·x − L(λ) = Σ_s (d·x_s − val_s) + Σ_j (d_j·x_j − min_j)
//	             + Σ_i λ_i·(A_i·x − b_i),
//
// every term ≥ 0 for a feasible x; d·x_s − val_s is what re-placing
// service s alone could save at those prices, so the search looks there
// first (see slackOf).
type servicePrices struct {
	d, val []float64
	sp     *serviceSplit
	bound  float64 // L(λ)
	// sol is each service's own solution under d, over sp.cols: its
	// MILP's best where one ran and found one, else its LP's (nil if
	// neither); see pricedMoves.
	sol [][]float64
}

// pricedMoves moves services of plan r to their own solutions under the
// Lagrangian prices (servicePrices.sol), where that keeps the plan
// feasible and makes it cheaper, and returns the result (r itself if
// none moved). The services go in order of their gap (what re-placing
// one alone could save at the prices), largest first; a solution with
// an integer column fractional (an LP's, of a service whose MILP did not
// run) is skipped. Each try sets all of the service's columns and
// checks the whole model: on the 500×50 benchmark intent, about 0.2 s
// for 262 tries, of which 40 moved (4,948,011 to 4,941,151; solver seed
// 1). It is cheap next to a sub-MIP, and it starts the search from
// placements the prices favour: at 60 s, solver seeds 1–6 ended at a
// mean gap of 1.64% over twelve runs (three of this form, nine of a
// first one that did not tidy z between tries) against 1.76% over six
// runs without it; the mean per seed was lower on five seeds of six.
func (s *solver) pricedMoves(name string, r *highs.Result) *highs.Result {
	p, fm := s.prices, s.fm
	if p == nil || !r.HasSolution || len(r.X) != fm.m.NumCols() {
		return r
	}
	m := fm.m
	x := slices.Clone(r.X)
	obj := r.Objective
	gaps := make([]float64, len(p.val))
	var order []int
	for i := range p.val {
		if gaps[i] = p.gap(x, i); gaps[i] > 0 && p.sol[i] != nil && p.whole(m, i) {
			order = append(order, i)
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return gaps[order[a]] > gaps[order[b]] })
	moved := 0
	for _, i := range order {
		y := slices.Clone(x)
		for k, j := range p.sp.cols[i] {
			y[j] = p.sol[i][k]
			if m.Integer[j] {
				y[j] = math.Round(y[j])
			}
		}
		fm.tidy(y)
		if o := m.Objective(y); o < obj-lnsImprove*math.Max(1, math.Abs(obj)) && s.feasible(y) {
			x, obj = y, o
			moved++
		}
	}
	if s.opts.Log != nil {
		s.opts.Log(fmt.Sprintf("priced moves %s: %d of %d services moved, %.8g to %.8g", name, moved, len(order), r.Objective, obj))
	}
	if moved == 0 {
		return r
	}
	return s.newPlan(name, r, x, obj)
}

// newPlan is r with plan x of objective obj, reported as improved.
func (s *solver) newPlan(name string, r *highs.Result, x []float64, obj float64) *highs.Result {
	out := *r
	out.X, out.Objective, out.RowActivity = x, obj, nil
	out.Gap = relGap(obj, r.DualBound)
	s.improved(name, &out)
	return &out
}

// whole reports whether service i's solution sets every integer column
// to a whole value.
func (p *servicePrices) whole(m *highs.Model, i int) bool {
	for k, j := range p.sp.cols[i] {
		if m.Integer[j] && math.Abs(p.sol[i][k]-math.Round(p.sol[i][k])) > 1e-6 {
			return false
		}
	}
	return true
}

// gap is d·x_s − val_s for service i, at least 0.
func (p *servicePrices) gap(x []float64, i int) float64 {
	v := -p.val[i]
	for _, j := range p.sp.cols[i] {
		v += p.d[j] * x[j]
	}
	return math.Max(v, 0)
}

// parts splits c·x − L(λ) for a plan x: services is Σ_s gap_s, free
// the z columns' share, coupling the rest (Σ_i λ_i·(A_i·x − b_i)).
func (p *servicePrices) parts(m *highs.Model, x []float64) (services, free, coupling float64) {
	for i := range p.val {
		services += p.gap(x, i)
	}
	for _, j := range p.sp.free {
		free += p.d[j]*x[j] - math.Min(p.d[j]*m.ColLower[j], p.d[j]*m.ColUpper[j])
	}
	return services, free, m.Objective(x) - p.bound - services - free
}

// serviceSplit is the model split by service: the columns and rows of
// each, the rows that couple services, and the columns of none.
type serviceSplit struct {
	cols, rows [][]int32
	coupling   []int32
	free       []int32
	// own are rows of each service's own MILP that the model lacks
	// (dependencyTotals in build.go).
	own [][]ownRow
}

// ownRow is lo ≤ Σ x[cols] ≤ hi.
type ownRow struct {
	cols   []int
	lo, hi float64
}

// split splits the model as it is now (the elastic phases add rows). A
// column belongs to the service whose rows it sits in: a dependency
// route h[s→t,·] to t, which it loads; a cluster's z to none.
func (fm *formulation) split(ix *lnsIndex) *serviceSplit {
	m := fm.m
	sp := &serviceSplit{cols: make([][]int32, len(fm.svc)), rows: make([][]int32, len(fm.svc))}
	owner := func(j int32) int32 { return ix.own[j].b }
	for j := range m.NumCols() {
		if o := owner(int32(j)); o >= 0 {
			sp.cols[o] = append(sp.cols[o], int32(j))
		} else {
			sp.free = append(sp.free, int32(j))
		}
	}
	for i := range m.NumRows() {
		o := int32(-2)
		for _, j := range m.Index[m.RowStart[i]:m.RowStart[i+1]] {
			switch oj := owner(j); {
			case o == -2:
				o = oj
			case o != oj:
				o = -1
			}
		}
		switch {
		case o >= 0:
			sp.rows[o] = append(sp.rows[o], int32(i))
		case o == -1:
			sp.coupling = append(sp.coupling, int32(i))
		}
	}
	sp.own = make([][]ownRow, len(fm.svc))
	for _, t := range fm.depTotals {
		r := ownRow{cols: t.cols, lo: -highs.Inf, hi: t.upper}
		if fm.serving {
			r.lo, r.hi = t.plan, t.plan
		}
		sp.own[t.dep] = append(sp.own[t.dep], r)
	}
	return sp
}

// fractional reports whether x leaves an integer column of service i
// fractional.
func (sp *serviceSplit) fractional(m *highs.Model, x []float64, i int) bool {
	for _, j := range sp.cols[i] {
		if m.Integer[j] && math.Abs(x[j]-math.Round(x[j])) > 1e-6 {
			return true
		}
	}
	return false
}

// lagrangeWorker holds one worker's scratch column map.
type lagrangeWorker struct{ index []int32 }

// sub is service i's own model under the prices d: its columns and
// rows, integer if mip.
func (w *lagrangeWorker) sub(m *highs.Model, sp *serviceSplit, i int, d []float64, mip bool) *highs.Model {
	sub := &highs.Model{}
	for k, j := range sp.cols[i] {
		w.index[j] = int32(k)
		sub.AddCol(d[j], m.ColLower[j], m.ColUpper[j], mip && m.Integer[j])
	}
	var idx []int
	for _, r := range sp.rows[i] {
		idx = idx[:0]
		for _, j := range m.Index[m.RowStart[r]:m.RowStart[r+1]] {
			idx = append(idx, int(w.index[j]))
		}
		sub.AddRow(m.RowLower[r], m.RowUpper[r], idx, m.Value[m.RowStart[r]:m.RowStart[r+1]])
	}
	var ones []float64
	for _, r := range sp.own[i] {
		idx = idx[:0]
		for _, j := range r.cols {
			idx = append(idx, int(w.index[j]))
		}
		for len(ones) < len(idx) {
			ones = append(ones, 1)
		}
		sub.AddRow(r.lo, r.hi, idx, ones[:len(idx)])
	}
	return sub
}

// eachService runs f for 0..n−1 on up to workers goroutines; it
// reports whether every call returned true (a false stops the rest).
func (s *solver) eachService(n, workers int, f func(i int, w *lagrangeWorker) bool) bool {
	var mu sync.Mutex
	next, ok := 0, true
	var wg sync.WaitGroup
	for range min(workers, max(n, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &lagrangeWorker{index: make([]int32, s.fm.m.NumCols())}
			for {
				mu.Lock()
				i := next
				next++
				stop := !ok || i >= n
				mu.Unlock()
				if stop {
					return
				}
				if !f(i, w) {
					mu.Lock()
					ok = false
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return ok
}
