package planner

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/auxon-planner/auxon/planner/highs"
)

// crossoverShare is the share of a phase's budget kept for the
// crossover after the Lagrangian bound's passes. At 0.1 (6 s of a 60 s
// solve) the crossover on the 500×50 benchmark intent could stop at
// its time limit (5.2 s, solver seed 6, yet 4,858,972 to 4,796,678);
// solver seeds 0–6 ended at 0.58, 0.74, 0.67, 0.64, 0.82, 0.73 and
// 0.96%; at 0.15, at 0.69, 0.75, 0.69, 0.68, 0.74, 0.72 and 0.61%.
const crossoverShare = 0.15

// crossover combines plan r with the services' own solutions under the
// Lagrangian prices (servicePrices.sol): every service whose solution is
// whole and places it otherwise than r chooses one of the two, and
// every route is free. It is a MILP over one binary b_s per such
// service, in which each integer column j of s (n, y, θ, π) reads
//
//	x_j = r_j + b_s·(sol_j − r_j),
//
// with the model's continuous columns (routes, unmet demand, churn) and
// z free as in the model; the integer columns of the other services keep
// their values in r. So every row reads as in the model, with each
// service's integer columns replaced by its binary, and b = 0 is r
// itself: the MILP's optimum is the best plan that takes, service by
// service, either r's placement or the priced one, with the routes that
// suit that choice. Priced moves (pricedMoves) try the same choices
// one service at a time, greedily, each with the service's own routes;
// those fail where the supply of shared clusters, or a dependency's
// routes, need several services to move at once.
//
// On the 500×50 benchmark intent at 60 s (solver seed 1), right after
// the Lagrangian bound, priced moves took the plan from 4,954,452 to
// 4,947,129; the crossover took 95 of 158 services to their priced
// solution, 4,949,017 to 4,912,432, in 2.1 s (33,349 columns, 11,708
// rows). Solver seeds 1–3 ended at 1.05, 1.09 and 1.11% where they had
// ended at 1.52, 1.86 and 1.53%; with a longer Lagrangian share (see
// lagrangeShare), before the reserve below, at 0.67, 0.59 and 0.59%.
//
// The MILP runs on one thread until end, for at most crossoverShare of
// lagrangeSpan (a 15-minute solve whose crossover ran to its own
// optimum took 166.8 s to a 1% gap); it returns r unless its plan
// is feasible and cheaper. The per-service MILPs' passes end
// crossoverShare of the phase's budget before the phase does, so that
// it has time: with a share of 0.85 and no such reserve, solver seed 0
// of that 60 s solve ran its passes to the end and was left at 1.75%
// (the benchmark).
func (s *solver) crossover(ctx context.Context, name string, r *highs.Result, end time.Time) *highs.Result {
	p, fm := s.prices, s.fm
	left := min(time.Until(end), time.Duration(crossoverShare*float64(lagrangeSpan)))
	if p == nil || !r.HasSolution || len(r.X) != fm.m.NumCols() || left < lnsMinLeft {
		return r
	}
	began := time.Now()
	m := fm.m
	x := slices.Clone(r.X)
	for j, integer := range m.Integer {
		if integer {
			x[j] = math.Round(x[j])
		}
	}
	// to[j] is integer column j's value when its service's binary bOf[j]
	// is 1 (−1: no binary, the column keeps x[j]).
	n := m.NumCols()
	to := slices.Clone(x)
	bOf := make([]int, n)
	for j := range bOf {
		bOf[j] = -1
	}
	sub := &highs.Model{Sense: m.Sense}
	for i := range p.val {
		if p.sol[i] == nil || !p.whole(m, i) {
			continue
		}
		differs := false
		for k, j := range p.sp.cols[i] {
			if m.Integer[j] {
				to[j] = math.Round(p.sol[i][k])
				differs = differs || to[j] != x[j]
			}
		}
		if !differs {
			continue
		}
		b := sub.AddCol(0, 0, 1, true)
		for _, j := range p.sp.cols[i] {
			if m.Integer[j] {
				bOf[j] = b
			}
		}
	}
	nb := sub.NumCols()
	if nb == 0 {
		return r
	}
	// The other columns: a service's integer columns are constants or
	// terms of its binary; the rest keep a column of their own.
	col := make([]int, n)
	var kept []int
	for j := range n {
		if m.Integer[j] && s.ix.own[j].b >= 0 {
			col[j] = -1
			sub.Offset += m.ColCost[j] * x[j]
			if b := bOf[j]; b >= 0 {
				sub.ColCost[b] += m.ColCost[j] * (to[j] - x[j])
			}
			continue
		}
		col[j] = sub.AddCol(m.ColCost[j], m.ColLower[j], m.ColUpper[j], m.Integer[j])
		kept = append(kept, j)
	}
	sub.Offset += m.Offset
	coef := make([]float64, nb)
	var touched, idx []int
	var val []float64
	for i := range m.NumRows() {
		ri, rv := m.Row(i)
		idx, val, touched = idx[:0], val[:0], touched[:0]
		fixed := 0.0
		for k, j := range ri {
			if c := col[j]; c >= 0 {
				idx, val = append(idx, c), append(val, rv[k])
				continue
			}
			fixed += rv[k] * x[j]
			if b := bOf[j]; b >= 0 && to[j] != x[j] {
				if coef[b] == 0 {
					touched = append(touched, b)
				}
				coef[b] += rv[k] * (to[j] - x[j])
			}
		}
		for _, b := range touched {
			if math.Abs(coef[b]) > 1e-9 {
				idx, val = append(idx, b), append(val, coef[b])
			}
			coef[b] = 0
		}
		addRow(sub, m.RowLower[i]-fixed, m.RowUpper[i]-fixed, idx, val)
	}
	start := make([]float64, sub.NumCols())
	for k, j := range kept {
		start[nb+k] = x[j]
	}
	seed := s.opts.Seed
	res, err := s.engine.Solve(ctx, sub, &highs.Options{TimeLimit: left, MIPRelGap: 1e-6, Threads: 1, RandomSeed: &seed,
		Start: start, Extra: []highs.Option{fm.presolve()}})
	if err != nil || !res.HasSolution {
		return r
	}
	y := slices.Clone(x)
	took := 0
	for j, b := range bOf {
		if b >= 0 && res.X[b] > 0.5 {
			y[j] = to[j]
		}
	}
	for b := range nb {
		if res.X[b] > 0.5 {
			took++
		}
	}
	for k, j := range kept {
		if y[j] = res.X[nb+k]; m.Integer[j] {
			y[j] = math.Round(y[j])
		}
	}
	fm.tidy(y)
	obj := m.Objective(y)
	better := obj < r.Objective-lnsImprove*math.Max(1, math.Abs(r.Objective)) && s.feasible(y)
	if s.opts.Log != nil {
		s.opts.Log(fmt.Sprintf("crossover %s: %d of %d services took their priced solution (%d columns, %d rows, %v in %v), %.8g to %.8g, kept %v",
			name, took, nb, sub.NumCols(), sub.NumRows(), res.Status, time.Since(began).Round(time.Millisecond), r.Objective, obj, better))
	}
	if !better {
		return r
	}
	return s.newPlan(name, r, y, obj)
}
