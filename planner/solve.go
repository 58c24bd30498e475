package planner

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/auxon-planner/auxon/planner/highs"
)

// Engine solves mixed-integer linear programs. HiGHS is the production
// engine; another can be dropped in by implementing this.
type Engine interface {
	// Name names the engine and its version, for reports.
	Name() string
	// Solve solves m. When ctx ends it returns the best solution found.
	// It is called from several goroutines at once (the neighbourhood
	// search solves disjoint sub-models in parallel).
	Solve(ctx context.Context, m *highs.Model, opts *highs.Options) (*highs.Result, error)
}

// HiGHS is the Engine backed by the HiGHS library.
type HiGHS struct{}

// Name is "HiGHS <version>".
func (HiGHS) Name() string { return "HiGHS " + highs.Version() }

// Solve calls highs.Solve.
func (HiGHS) Solve(ctx context.Context, m *highs.Model, opts *highs.Options) (*highs.Result, error) {
	return highs.Solve(ctx, m, opts)
}

// Options tune Solve. The zero value takes everything from the intent's
// Settings and defaults.
type Options struct {
	// TimeLimit bounds the whole solve (all phases); 0 takes
	// Settings.TimeLimit, then DefaultTimeLimit.
	TimeLimit time.Duration
	// MIPGap is the relative gap to stop at; 0 takes Settings.MIPGap,
	// then DefaultMIPGap.
	MIPGap float64
	// Threads caps the engine's threads; 0 lets it choose.
	Threads int
	// Seed fixes the engine's random seed (default 0).
	Seed int
	// Engine solves the MILP; nil means HiGHS.
	Engine Engine
	// NoLNS turns off large-neighbourhood search (see lns.go), leaving
	// each phase to the engine alone.
	NoLNS bool
	// LNSRounds caps the sub-MIPs of each phase's search; 0 means no cap
	// (the time limit and the gap end it). A search that ends by its cap
	// or its gap gives the same plan for the same seed and threads.
	LNSRounds int
	// Start is a plan to start from (the greedy baseline's, or the last
	// run's): the engine's first incumbent if it is feasible, repaired if
	// it is not.
	Start *Plan
	// Previous is the last run's plan, replica counts only (as read back
	// from its Plan tab). When it still serves all demand its routes are
	// completed by an LP and it becomes the start if it is cheaper than
	// Start: a nightly replan of a barely changed intent then begins at
	// yesterday's optimum. When it no longer does, replicas are first
	// added to it where they are needed (on models of up to 50,000
	// columns; see preferPrevious).
	Previous *Plan
	// Progress receives the engine's progress, tagged with the phase.
	Progress func(Progress)
	// Log receives the engine's log lines and the search's, one call at
	// a time (the LP and the search may run at once).
	Log func(string)
}

// Progress is a progress report of a running solve.
type Progress struct {
	// Phase is "plan" for the main solve, "priority N" for the phase that
	// minimises unmet demand of priority N, "cost" for the final phase.
	Phase string
	highs.Progress
}

// Status is the outcome of planning.
type Status string

// Statuses of Result.
const (
	// StatusOptimal: the plan is optimal within the MIP gap.
	StatusOptimal Status = "optimal"
	// StatusFeasible: a limit or an interrupt stopped the solve; the plan
	// is the best found, its gap says how far from optimal it may be.
	StatusFeasible Status = "feasible"
	// StatusInfeasible: no plan satisfies the hard requirements even with
	// elastic demand.
	StatusInfeasible Status = "infeasible"
	// StatusNoPlan: the solve stopped before any plan was found.
	StatusNoPlan Status = "no plan"
)

// Result is a plan and what is known of its quality.
type Result struct {
	Status Status
	// Plan is nil unless Status is optimal or feasible.
	Plan *Plan
	// Objective is the solver's objective of the plan's final phase
	// (resource + fixed + churn cost); Bound the best proven lower bound
	// on it; Gap their relative distance.
	Objective float64
	Bound     float64
	Gap       float64
	// Interrupted is true when the context ended the solve early.
	Interrupted bool
	// SolveTime is the wall-clock time of all phases.
	SolveTime time.Duration
	// Solver names the engine.
	Solver string
	// Model sizes the final phase's MILP.
	Model ModelStats
	// Phases lists each phase.
	Phases []Phase
	// FirstPlan is when the first plan was known, from the start of the
	// solve (0 when the start was one); FinalPlan when the returned plan
	// was found. Both are −1 without a plan.
	FirstPlan, FinalPlan time.Duration
}

// ModelStats sizes a MILP.
type ModelStats struct {
	Rows, Cols, Nonzeros, Integers int
}

// Phase is one engine call of a solve.
type Phase struct {
	Name      string
	Status    string
	Objective float64
	Bound     float64
	Time      time.Duration
	// Engine is true when the engine ran on the whole model; Rounds
	// counts the sub-MIPs of the phase's neighbourhood search.
	Engine bool
	Rounds int
}

// ErrVerification marks a plan that failed the independent verifier: a
// bug in auxon or its solver, never the user's fault.
var ErrVerification = errors.New("plan failed verification")

// Solve plans the intent: builds the MILP, solves it, extracts the plan
// and verifies it against the intent. The intent must have passed
// Validate. Independent parts of the intent (see Split) are solved apart,
// in parallel, and their plans joined before the verifier sees them.
//
// Demand is elastic and traded strictly by priority. The first phase
// asks for all demand that can reach a cluster at all; if that is
// infeasible, one phase per priority level (most important first)
// minimises that level's unmet demand, in replica-equivalents
// (unmet/ReplicaCapacity), and fixes it before the next — so a P0
// shortfall is never accepted to save P1 demand, and no giant penalty
// weights touch the numerics. A last phase then minimises cost.
func Solve(ctx context.Context, in *Intent, opts Options) (*Result, error) {
	start := time.Now()
	res, split, err := splitSolve(ctx, in, opts, solveOne)
	if !split {
		res, err = solveOne(ctx, in, opts)
	}
	if err != nil {
		return res, err
	}
	res.SolveTime = time.Since(start)
	if res.Plan != nil {
		if v := Verify(in, res.Plan); v.Err() != nil {
			return res, fmt.Errorf("%w: %v", ErrVerification, v.Err())
		}
	}
	return res, nil
}

// solveOne solves the intent as one MILP, without verifying the plan.
func solveOne(ctx context.Context, in *Intent, opts Options) (*Result, error) {
	start := time.Now()
	fm, err := build(in, false)
	if err != nil {
		return nil, err
	}
	engine := opts.Engine
	if engine == nil {
		engine = HiGHS{}
	}
	limit := timeLimit(in, opts)
	if log := opts.Log; log != nil {
		var mu sync.Mutex
		opts.Log = func(line string) {
			mu.Lock()
			defer mu.Unlock()
			log(line)
		}
	}
	s := &solver{fm: fm, engine: engine, opts: opts, deadline: start.Add(limit), began: start, limit: limit,
		firstPlan: -1, lastPlan: -1, planBound: math.Inf(-1)}
	if opts.Start != nil {
		s.start = fm.start(opts.Start)
	}
	res, err := s.run(ctx)
	if err != nil {
		return nil, err
	}
	res.SolveTime = time.Since(start)
	res.Solver = engine.Name()
	res.Model = stats(fm.m)
	res.FirstPlan, res.FinalPlan = -1, -1
	if res.Plan != nil {
		res.FirstPlan, res.FinalPlan = max(s.firstPlan, 0), max(s.lastPlan, 0)
	}
	return res, nil
}

func timeLimit(in *Intent, opts Options) time.Duration {
	switch {
	case opts.TimeLimit > 0:
		return opts.TimeLimit
	case in.Settings.TimeLimit > 0:
		return in.Settings.TimeLimit
	}
	return DefaultTimeLimit
}

func mipGap(in *Intent, opts Options) float64 {
	switch {
	case opts.MIPGap > 0:
		return opts.MIPGap
	case in.Settings.MIPGap > 0:
		return in.Settings.MIPGap
	}
	return DefaultMIPGap
}

func stats(m *highs.Model) ModelStats {
	st := ModelStats{Rows: m.NumRows(), Cols: m.NumCols(), Nonzeros: m.NumNonzeros()}
	for _, b := range m.Integer {
		if b {
			st.Integers++
		}
	}
	return st
}

// solver runs the phases of one Solve.
type solver struct {
	fm       *formulation
	engine   Engine
	opts     Options
	deadline time.Time
	phases   []Phase
	start    []float64 // the last solution, a MIP start for the next phase
	began    time.Time
	limit    time.Duration
	// ix indexes the model for the neighbourhood search, built on first
	// use; rounds counts its sub-MIPs.
	ix     *lnsIndex
	rounds int
	// firstPlan and lastPlan are when the first and the latest incumbent
	// were found (−1: none yet).
	firstPlan, lastPlan time.Duration
	// planBound is the full-demand phase's bound (−Inf before it ran).
	planBound float64
	// lp is the phase's LP relaxation once solved (by rootLP, or by the
	// Lagrangian bound), for that bound and for the search
	// (localServices in lns.go).
	lp *highs.Result
	// prices are the phase's Lagrangian prices, once its bound ran, for
	// the search.
	prices *servicePrices
	// search is the phase's neighbourhood search, once it has run.
	search *search
	// coverValue is coverBound's result once coverDone.
	coverValue float64
	coverDone  bool
	// allServed is true once the elastic phases have fixed every level's
	// unmet demand at zero: the cost phase then serves all reachable
	// demand, and the cover bound holds for it.
	allServed bool
}

// Shares of the time limit the phases get. The full-demand phase gets it
// all when the start serves all demand; when the start is short it gets
// fullDemandShare, the rest going to the elastic phases if it finds no
// plan. Each priority phase gets at most priorityShare, so the final cost
// phase always keeps at least half of the time.
const (
	fullDemandShare = 0.3
	priorityShare   = 0.1
)

// run solves phase by phase.
func (s *solver) run(ctx context.Context) (*Result, error) {
	if s.start != nil && s.feasible(s.start) {
		s.firstPlan, s.lastPlan = 0, 0
	}
	share := 1.0
	if s.startLeavesDemand() {
		if s.huge() && !s.opts.NoLNS {
			// The engine would find no plan on a model this big: let the
			// elastic phases' search repair the start instead.
			return s.elastic(ctx)
		}
		share = fullDemandShare
	}
	r, err := s.fullDemand(ctx, share)
	if err != nil {
		return nil, err
	}
	if r.HasSolution || ctx.Err() != nil {
		return s.result(ctx, r), nil
	}
	return s.elastic(ctx)
}

// startLeavesDemand reports whether the start plan leaves reachable
// demand unmet: then the full-demand phase begins without an incumbent
// and may well find none.
func (s *solver) startLeavesDemand() bool {
	if s.start == nil {
		return false
	}
	for _, u := range s.fm.unmet {
		if len(u.f) > 0 && s.start[u.col] > lexTol*math.Max(1, u.demand) {
			return true
		}
	}
	return false
}

// fullDemand is phase "plan": every demand that can reach a cluster at
// all is served.
func (s *solver) fullDemand(ctx context.Context, share float64) (*highs.Result, error) {
	defer s.fm.serveAll()()
	if s.opts.Previous != nil {
		s.preferPrevious(ctx)
	}
	return s.phase(ctx, "plan", share)
}

// serveAll bounds every unmet column to what no cluster can serve: 0 for
// demand some cluster can reach, all of it for demand none can. It
// returns the function that lifts the upper bounds again.
func (fm *formulation) serveAll() (restore func()) {
	m := fm.m
	upper := make([]float64, len(fm.unmet))
	for i, u := range fm.unmet {
		upper[i] = m.ColUpper[u.col]
		if len(u.f) > 0 {
			m.ColUpper[u.col] = 0
		} else {
			m.ColLower[u.col] = u.demand // nothing can serve it
		}
	}
	for k, i := range fm.planRows {
		m.RowLower[i] = fm.planLower[k]
	}
	fm.serving = true
	lower := make([]float64, len(fm.nk))
	for i, nk := range fm.nk {
		lower[i] = m.ColLower[nk.theta]
		m.ColLower[nk.theta] = math.Max(lower[i], fm.thetaFloor(nk))
	}
	return func() {
		for i, u := range fm.unmet {
			m.ColUpper[u.col] = upper[i]
		}
		for i, nk := range fm.nk {
			m.ColLower[nk.theta] = lower[i]
		}
		for _, i := range fm.planRows {
			m.RowLower[i] = -highs.Inf
		}
		fm.serving = false
	}
}

// thetaFloor is a lower bound on θ[s,Z] that every plan serving all
// reachable demand meets with θ the k-th largest (cap/w)·n[s,c] of the
// zone, w = topkUnit (as the start sets it), and that the LP relaxation
// does not see.
//
// Let F be the demand of s from regions whose every reachable candidate
// lies in Z (served in full, it loads Z), m the clusters that can hold s
// in Z (its candidates there, at most Max Clusters). If F > 0, N+k
// leaves after the loss of the k largest clusters some R ≥ F/cap
// replicas on at most m − k clusters, so one of those holds at least
// q = ⌈F/(cap·(m−k))⌉ ≥ 1 replicas, and each of the k largest at least
// as many: θ ≥ (cap/w)·q. With that the N+k row gives
// cap·Σ_{c∈Z} n[s,c] ≥ load[s,Z] + k·cap·q, where the LP alone could
// spread the zone thinly over many clusters and pay only
// load·m/(m−k).
func (fm *formulation) thetaFloor(nk nkVars) float64 {
	sv := fm.svc[nk.svc]
	k := sv.s.Redundancy
	forced := fm.forcedLoad(sv, nk.clusters)
	m := len(nk.clusters)
	if mx := sv.s.MaxClusters; mx > 0 {
		m = min(m, mx)
	}
	if forced <= 0 || m <= k {
		return 0
	}
	return math.Ceil(forced/(sv.cap*float64(m-k))-1e-9) * sv.cap / fm.topkUnit(sv)
}

// cutPoolLimit caps HiGHS's cut pool (default 10,000). On capacity plans
// the LP bound is already close and HiGHS's root cut rounds mostly cost
// time before its heuristics find the plan: with a pool of 100 the
// example reached a 1% gap in 5.1 s instead of 13.7 s, and of six
// generated 20×10 intents two solved faster, three alike and one slower.
const cutPoolLimit = 100

// presolveWorkaround switches off HiGHS 1.10's doubleton-equation
// presolve rule (bit 9 of presolve_rule_off, kPresolveRuleDoubletonEquation
// in lp_data/HConst.h). With it, HiGHS reports "optimal" at 49876.89 on
// the full-demand model of Generate(GenConfig{Seed: 1, Services: 12,
// Clusters: 6}), whose optimum is 49288.31 (found with presolve off, and
// with this rule off); the class of bug is known upstream (ERGO-Code/HiGHS
// issues 1725, 2900, 3094). On ten such intents the rule off changed no
// other optimum beyond the gap and cost no time to speak of
// (TestPresolveWorkaround).
var presolveWorkaround = highs.Option{Name: "presolve_rule_off", Value: 1 << 9}

// pooledPresolveWorkaround also switches off the parallel rows and
// columns rule (bit 13, kPresolveRuleParallelRowsAndCols), for models
// with routes to regions (build) and their sub-models. With it, HiGHS
// reports "optimal" at 194,400.80 on the plan-phase model with routes to
// regions of Generate(GenConfig{Seed: 3, Services: 10, Clusters: 7,
// Regions: 3, Continents: 2}), whose optimum is 194,047.64 (presolve
// off, this rule off, the aggregator's off, or the same model routed to
// clusters). Over seeds 1–12 of that intent, both routings (24 MILPs),
// it was the only wrong optimum, and this rule off took the 24 solves
// from 19.2 s to 21.1 s; but on the bundled example (routed to
// clusters) it took solver seeds 0–5 from 2.6–4.4 s (mean 3.3 s) to
// 2.7–7.3 s (mean 4.3 s), so models routed to clusters keep
// presolveWorkaround. TestPooledRoutesExact holds the model above to
// its optimum.
var pooledPresolveWorkaround = highs.Option{Name: "presolve_rule_off", Value: 1<<9 | 1<<13}

// presolve is the presolve workaround for fm's model and its sub-models.
func (fm *formulation) presolve() highs.Option {
	if fm.pooled {
		return pooledPresolveWorkaround
	}
	return presolveWorkaround
}

// completeShare bounds each LP that completes or repairs the previous
// plan.
const completeShare = 0.1

// preferPrevious makes the previous plan the start when, its routes
// completed by an LP with every integer column fixed at its value, it is
// feasible for the current phase and cheaper than the start at hand.
//
// When it is not feasible (demand grew, a cluster shrank), it is
// repaired first: an LP relaxation that keeps every replica the previous
// plan runs (its n and y as lower bounds) adds what is missing at the
// least cost, and a MIP that frees only the replica columns the LP
// raised makes them whole, its routes with them. A nightly replan after
// a small change so starts near yesterday's plan, not at the greedy
// one. A repair that finds no plan within its time (completeShare of
// the limit, for each of the LP and the MIP) is dropped.
func (s *solver) preferPrevious(ctx context.Context) {
	x := s.fm.start(s.opts.Previous)
	r := s.quickSolve(ctx, s.fixedIntegers(x))
	if r == nil {
		if s.fm.pooled {
			return // its LP alone would take the repair's share (20 s on the 500×50 benchmark intent)
		}
		if r = s.repair(ctx, x); r == nil {
			return
		}
		if s.opts.Log != nil {
			s.opts.Log(fmt.Sprintf("previous plan repaired: %.8g", r.Objective))
		}
	}
	if s.start == nil || !s.feasible(s.start) || r.Objective < s.fm.m.Objective(s.start) {
		s.start = r.X
	}
}

// fixedIntegers is the LP of the current model with every integer
// column fixed at its value in x (rounded, within bounds).
func (s *solver) fixedIntegers(x []float64) *highs.Model { return s.integersFrom(x, true) }

// integersFrom is the LP of the current model with every integer column
// at least its value in x (rounded, within bounds), and at most that
// value too if fix is set.
func (s *solver) integersFrom(x []float64, fix bool) *highs.Model {
	m := s.fm.m
	lp := *m
	lp.Integer = nil
	lp.ColLower = append([]float64(nil), m.ColLower...)
	lp.ColUpper = append([]float64(nil), m.ColUpper...)
	for j, integer := range m.Integer {
		if integer {
			v := math.Max(m.ColLower[j], math.Min(m.ColUpper[j], math.Round(x[j])))
			lp.ColLower[j] = v
			if fix {
				lp.ColUpper[j] = v
			}
		}
	}
	return &lp
}

// repair is the previous plan x with replicas added where the current
// phase needs them (see preferPrevious), solved; nil if that fails.
func (s *solver) repair(ctx context.Context, x []float64) *highs.Result {
	m := s.fm.m
	lp := s.integersFrom(x, false)
	r := s.quickSolve(ctx, lp)
	if r == nil {
		return nil
	}
	// Whole replicas: a MIP in which only the integer columns the LP
	// raised are free (rounding them all up overflowed supply). Its
	// bounds lie within the model's, so its plan is one of the model's.
	mip := *lp
	mip.Integer = m.Integer
	for j, integer := range m.Integer {
		if integer && r.X[j] <= lp.ColLower[j]+startTol {
			mip.ColUpper[j] = lp.ColLower[j]
		}
	}
	r = s.quickSolve(ctx, &mip)
	if r != nil {
		// Whole replicas exactly: the engine may return one a round-off
		// below the lower bound that keeps yesterday's.
		for j, integer := range m.Integer {
			if integer {
				r.X[j] = math.Round(r.X[j])
			}
		}
	}
	return r
}

// quickSolve solves m within completeShare of the time limit: nil unless
// an LP ends optimal or a MIP with a plan.
func (s *solver) quickSolve(ctx context.Context, m *highs.Model) *highs.Result {
	seed := s.opts.Seed
	r, err := s.engine.Solve(ctx, m, &highs.Options{TimeLimit: time.Duration(completeShare * float64(s.limit)),
		Threads: s.opts.Threads, RandomSeed: &seed, MIPRelGap: mipGap(s.fm.in, s.opts), Extra: []highs.Option{s.fm.presolve()}})
	switch {
	case err != nil:
		return nil
	case m.IsMIP() && r.HasSolution, !m.IsMIP() && r.Status == highs.StatusOptimal:
		return r
	}
	return nil
}

// feasible reports whether x satisfies the current model's bounds and
// rows within startTol (relative for rows).
func (s *solver) feasible(x []float64) bool {
	m := s.fm.m
	for j, v := range x {
		if v < m.ColLower[j]-startTol || v > m.ColUpper[j]+startTol {
			return false
		}
	}
	for i, a := range m.Activity(x) {
		tol := startTol * math.Max(1, math.Abs(a))
		if a < m.RowLower[i]-tol || a > m.RowUpper[i]+tol {
			return false
		}
	}
	return true
}

// startTol is HiGHS's default primal feasibility tolerance, which decides
// whether it accepts a start.
const startTol = 1e-7

// elastic runs one phase per priority level, most important first, each
// minimising that level's unmet demand and fixing it, then a cost phase.
func (s *solver) elastic(ctx context.Context) (*Result, error) {
	m := s.fm.m
	cost := append([]float64(nil), m.ColCost...)
	offset := m.Offset
	defer func() { copy(m.ColCost, cost); m.Offset = offset }()
	m.Offset = 0 // a level's objective is its unmet demand alone
	levels := s.priorities()
	s.allServed = true
	for _, p := range levels {
		for j := range m.ColCost {
			m.ColCost[j] = 0
		}
		idx, val := []int{}, []float64{}
		for _, u := range s.fm.unmet {
			sv := s.fm.svc[u.svc]
			if sv.s.Priority == p && len(u.f) > 0 {
				w := 1 / math.Max(sv.cap, minCapacity)
				m.ColCost[u.col] = w
				idx, val = append(idx, u.col), append(val, w)
			}
		}
		r, err := s.phase(ctx, fmt.Sprintf("priority %d", p), math.Min(priorityShare, 0.5/float64(len(levels))))
		if err != nil {
			return nil, err
		}
		if !r.HasSolution {
			return s.result(ctx, r), nil
		}
		s.allServed = s.allServed && r.Objective <= 0
		// Fix this level's unmet demand at what was found (the incumbent,
		// if a limit stopped the phase early).
		s.fm.row(s.fm.nm("priority", strconv.Itoa(p)), -highs.Inf, r.Objective+lexTol*math.Max(1, math.Abs(r.Objective)), idx, val)
	}
	copy(m.ColCost, cost)
	m.Offset = offset
	r, err := s.phase(ctx, "cost", 1)
	if err != nil {
		return nil, err
	}
	return s.result(ctx, r), nil
}

// lexTol is the slack left on each priority level's unmet demand when it is
// fixed for the next phase. It only guards against round-off in the
// objective: the point that set the level satisfies the row exactly, and
// any larger slack would let the cost phase shed that much demand for
// free.
const lexTol = 1e-9

// minCapacity keeps the replica-equivalent weight finite for a service
// whose replicas serve no demand.
const minCapacity = 1e-6

// proven reports whether the engine proved infeasibility (rather than
// giving up).
func proven(r *highs.Result) bool {
	return r.Status == highs.StatusInfeasible || r.Status == highs.StatusInfeasibleOrUnbounded
}

// priorities lists the priority levels that have elastic demand, most
// important first.
func (s *solver) priorities() []int {
	seen := map[int]bool{}
	var ps []int
	for _, u := range s.fm.unmet {
		p := s.fm.svc[u.svc].s.Priority
		if !seen[p] && len(u.f) > 0 {
			seen[p] = true
			ps = append(ps, p)
		}
	}
	sort.Ints(ps)
	return ps
}

// Model sizes that decide how a phase splits its time between the
// engine on the whole model and the neighbourhood search, in columns of
// the model with routes to regions (build). Up to lnsSmall (where build
// routes to clusters instead, and fm.pooled is false) the engine gets
// engineShareSmall of the phase (on such models it usually closes the
// gap itself and the search never starts); up to lnsHuge it solves the
// LP relaxation alone, for the bound, in at most engineShareLarge of
// the phase (see rootLP); above, a phase whose start is feasible skips
// the engine: on the 200-machine consolidation benchmark (361k columns
// with routes to clusters) HiGHS did not finish presolve in 10 s.
//
// The limits were 50k and 300k columns of the model with routes to
// clusters. Routed to regions, the same intents have 0.43–0.67 of the
// columns (300 services × 30 clusters: 60k, now 28k; 250 × 25: 42.6k,
// now 22.7k; that consolidation: 361k, now 241k), so the limits are
// lower by as much and each intent keeps its side. On the 300 × 30
// intent, which the search plans better (3.2% against 4.8–5.1% at
// 30 s with the engine's share, solver seeds 1–2), that matters.
const (
	lnsSmall         = 25000
	lnsHuge          = 200000
	engineShareSmall = 0.7
	engineShareLarge = 0.6
)

// huge reports whether the model is too big for the engine to be worth
// running on it whole.
func (s *solver) huge() bool { return s.fm.m.NumCols() > lnsHuge }

// phase runs the current model for share of the time limit (at most what
// is left; a share of 1 takes all that is left): the engine on the whole
// model, then the neighbourhood search while time and gap are left.
func (s *solver) phase(ctx context.Context, name string, share float64) (*highs.Result, error) {
	left := time.Until(s.deadline)
	if left <= 0 {
		left = time.Millisecond
	}
	budget := min(left, time.Duration(share*float64(s.limit)))
	began := time.Now()
	end := began.Add(budget)
	rounds := s.rounds
	ph := Phase{Name: name}
	// Whether the start is a plan for this phase decides both whether a
	// huge model may skip the engine and whether the engine must leave
	// time to the search.
	startOK := s.start != nil && len(s.start) == s.fm.m.NumCols() && s.feasible(s.start)
	var r *highs.Result
	if !s.opts.NoLNS && s.huge() && startOK {
		r = s.startResult()
	} else {
		var err error
		if r, err = s.engineRun(ctx, name, budget, end, startOK); err != nil {
			return nil, err
		}
		ph.Engine = true
	}
	if s.coverHolds(name) && r.Status != highs.StatusOptimal && ctx.Err() == nil {
		b := s.coverBound(ctx)
		if name == "cost" {
			// The full-demand phase's bound holds too: the cost phase
			// now asks for the same plans.
			b = math.Max(b, s.planBound)
		}
		if b > r.DualBound || math.IsNaN(r.DualBound) {
			r.DualBound = b
			if r.HasSolution {
				r.Gap = relGap(r.Objective, b)
			}
		}
	}
	if s.lagrangeWanted(name, r) && ctx.Err() == nil {
		r = s.lagrangeBound(ctx, name, r, budget, end)
	}
	if name == "plan" && !math.IsNaN(r.DualBound) && !math.IsInf(r.DualBound, 1) {
		s.planBound = r.DualBound
	}
	if !s.opts.NoLNS && r.HasSolution && r.Status != highs.StatusOptimal && !proven(r) && ctx.Err() == nil {
		r = s.lns(ctx, name, r, end)
		if ctx.Err() != nil {
			r.Status = highs.StatusInterrupted
		} else if relGap(r.Objective, r.DualBound) <= mipGap(s.fm.in, s.opts) {
			r.Status = highs.StatusOptimal
		}
	}
	if p := s.prices; p != nil && s.opts.Log != nil && r.HasSolution {
		svc, free, coupling := p.parts(s.fm.m, r.X)
		s.opts.Log(fmt.Sprintf("lagrangian gap %s: %.8g in services, %.8g in fixed costs, %.8g in shared rows", name, svc, free, coupling))
	}
	s.lp, s.prices, s.search = nil, nil, nil
	ph.Status, ph.Objective, ph.Bound, ph.Time, ph.Rounds = r.Status.String(), r.Objective, r.DualBound, time.Since(began), s.rounds-rounds
	s.phases = append(s.phases, ph)
	if r.HasSolution {
		s.start = r.X
	}
	return r, nil
}

// startResult is the start as a result of the phase, for the search to
// improve.
func (s *solver) startResult() *highs.Result {
	obj := s.fm.m.Objective(s.start)
	return &highs.Result{Status: highs.StatusTimeLimit, HasSolution: true, X: s.start, Objective: obj,
		DualBound: math.Inf(-1), Gap: math.Inf(1)}
}

// coverHolds reports whether the cover bound (bound.go) is valid for the
// phase: every reachable demand must be served.
func (s *solver) coverHolds(name string) bool {
	return name == "plan" || (name == "cost" && s.allServed)
}

// engineRun runs the engine on the whole model for its share of budget
// (all of it when startOK is false: the search needs a plan to start from).
func (s *solver) engineRun(ctx context.Context, name string, budget time.Duration, end time.Time, startOK bool) (*highs.Result, error) {
	main := budget
	if !s.opts.NoLNS && startOK {
		if s.fm.pooled {
			// A large model whose start is a plan: see rootLP.
			return s.rootLP(ctx, name, time.Duration(engineShareLarge*float64(budget)), end)
		}
		main = time.Duration(engineShareSmall * float64(budget))
	}
	seed := s.opts.Seed
	ho := &highs.Options{
		TimeLimit:  main,
		MIPRelGap:  mipGap(s.fm.in, s.opts),
		Threads:    s.opts.Threads,
		RandomSeed: &seed,
		Log:        s.opts.Log,
		Extra:      []highs.Option{{Name: "mip_pool_soft_limit", Value: cutPoolLimit}, s.fm.presolve()},
	}
	ho.Progress = func(p highs.Progress) {
		if p.Improved {
			s.lastPlan = time.Since(s.began)
			if s.firstPlan < 0 {
				s.firstPlan = s.lastPlan
			}
		}
		if s.opts.Progress != nil {
			s.opts.Progress(Progress{Phase: name, Progress: p})
		}
	}
	if s.start != nil && len(s.start) == s.fm.m.NumCols() {
		ho.Start = s.start
	}
	r, err := s.engine.Solve(ctx, s.fm.m, ho)
	if err != nil {
		return nil, fmt.Errorf("solve phase %q: %w", name, err)
	}
	return r, nil
}

// rootLP is the engine's run on a large model whose start is a plan:
// there the engine is for the bound, and on such models branch and bound
// gains little in the time the search could use. So it solves the LP
// relaxation alone, whose duals the Lagrangian bound (lagrange.go)
// prices, and the start stays the incumbent. (Stopping HiGHS's MIP
// solve at its root gave the same bound, 4,667,574 against the LP's
// 4,667,091 on the 500×50 benchmark intent, in about the same time,
// but no duals.)
//
// The LP's dual simplex runs on one core, and on that intent for 13 s
// of the 60 (see relaxation; 17–22 s with the rounding rows of
// build.go); so with more than one worker and no round
// limit (whose search must not depend on the clock) the neighbourhood
// search runs beside it on the other workers, from the start, until the
// LP is done or the phase ends, and the LP's bound joins the search's
// incumbent.
func (s *solver) rootLP(ctx context.Context, name string, limit time.Duration, end time.Time) (*highs.Result, error) {
	res := s.startResult()
	var r *highs.Result
	var err error
	if workers := s.lnsWorkers(); workers > 1 && s.opts.LNSRounds == 0 {
		stop := make(chan struct{})
		go func() {
			defer close(stop)
			r, err = s.relaxation(ctx, limit, s.opts.Log)
		}()
		res = s.lnsWith(ctx, name, res, end, stop, workers-1)
		<-stop
	} else {
		r, err = s.relaxation(ctx, limit, s.opts.Log)
	}
	if err != nil {
		return nil, fmt.Errorf("solve phase %q: %w", name, err)
	}
	if r.Status == highs.StatusOptimal {
		s.lp = r
		res.DualBound, res.Gap = r.Objective, relGap(res.Objective, r.Objective)
	}
	s.progress(name, res, false)
	return res, nil
}

// relaxation solves the current model's LP relaxation with the engine,
// its dual simplex pricing by Devex rather than HiGHS's default (dual
// steepest edge): on the 500×50 benchmark intent's LP the highs command
// took 11.8 s with Devex and 22.3 s without; in a 60 s solve, with the
// search beside it, 12.8 s against 15.4 s. (The consolidation intent of
// 100 machines: 68 s against 90 s. On the first, interior point took
// 66 s and parallel dual simplex 21.9 s.)
//
// The LP holds the N+k columns θ and π in load units where the model
// counts them in replicas (on a model routed to regions: see build.go),
// and its solution is mapped back. It is the same LP, but HiGHS solves
// it faster that way: 5.9 s against 8.0 s for the highs command on the
// 500×50 intent's plan-phase LP, with Devex.
func (s *solver) relaxation(ctx context.Context, limit time.Duration, log func(string)) (*highs.Result, error) {
	lp, scale := s.fm.loadUnits()
	r, err := s.engine.Solve(ctx, lp, &highs.Options{TimeLimit: limit, Threads: s.opts.Threads, Log: log,
		Extra: []highs.Option{s.fm.presolve(), {Name: "simplex_dual_edge_weight_strategy", Value: 1}}})
	if err != nil {
		return nil, err
	}
	for j, k := range scale {
		if k > 0 && r.X != nil {
			r.X[j] /= k
		}
		if k > 0 && r.ColDual != nil {
			r.ColDual[j] *= k
		}
	}
	return r, nil
}

// loadUnits is the LP relaxation of the current model with each N+k
// column (θ, π) of service s counted in load: lp's column j is
// scale[j] (cap(s)) times the model's, where scale[j] > 0; the others
// are the model's. A solution of lp maps back by dividing those columns
// by scale[j], and their reduced costs by multiplying. Rows, row duals
// and the objective are the same.
func (fm *formulation) loadUnits() (lp *highs.Model, scale []float64) {
	m := fm.m
	scale = make([]float64, m.NumCols())
	for _, nk := range fm.nk {
		if c := fm.topkUnit(fm.svc[nk.svc]); c != 1 {
			scale[nk.theta] = c
			for _, pi := range nk.pi {
				scale[pi] = c
			}
		}
	}
	cp := *m
	cp.Integer = nil
	cp.ColCost, cp.ColLower, cp.ColUpper, cp.Value = slices.Clone(m.ColCost), slices.Clone(m.ColLower), slices.Clone(m.ColUpper), slices.Clone(m.Value)
	for j, k := range scale {
		if k > 0 {
			cp.ColCost[j] /= k
			cp.ColLower[j] *= k
			cp.ColUpper[j] *= k
		}
	}
	for i, j := range cp.Index {
		if k := scale[j]; k > 0 {
			cp.Value[i] /= k
		}
	}
	return &cp, scale
}

// progress reports r's incumbent and bound; improved says r is a new
// incumbent.
func (s *solver) progress(name string, r *highs.Result, improved bool) {
	if s.opts.Progress != nil {
		s.opts.Progress(Progress{Phase: name, Progress: highs.Progress{
			Elapsed: time.Since(s.began), Incumbent: r.Objective, Bound: r.DualBound, Gap: r.Gap, Improved: improved}})
	}
}

// lagrangeWanted reports whether a phase's result r may gain from the
// Lagrangian bound: the plan and cost phases (whose objective is cost),
// with a plan whose gap is open, and an LP relaxation that is quick to
// solve or already solved.
func (s *solver) lagrangeWanted(name string, r *highs.Result) bool {
	return (name == "plan" || name == "cost") && !s.opts.NoLNS && r.HasSolution &&
		r.Status != highs.StatusOptimal && !proven(r) &&
		relGap(r.Objective, r.DualBound) > mipGap(s.fm.in, s.opts) &&
		(s.lp != nil || !s.fm.pooled)
}

// lagrangeBound raises r's bound to the Lagrangian bound where that is
// higher, and returns r improved by priced moves (pricedMoves) and the
// crossover (crossover.go). Priced moves come first although the
// crossover's choices include theirs: they cost about 0.2 s, give the
// crossover's MILP a better start, and stand if it finds nothing in its
// time. It solves the LP relaxation first unless
// the engine just did, and gives the per-service MILPs lagrangeShare of
// the phase's budget up to lagrangeSpan (lagrangeShareAlone of all of
// it when the search cannot run beside them), ending by end less the
// crossover's share. Against the clock, with more than one worker, once
// the MILPs' first pass is done the plan takes its priced moves and the
// neighbourhood search runs, at that pass's prices, on all workers but
// one beside the later passes (see lagrange).
func (s *solver) lagrangeBound(ctx context.Context, name string, r *highs.Result, budget time.Duration, end time.Time) *highs.Result {
	lp := s.lp
	if lp == nil {
		if time.Until(end) < lnsMinLeft {
			return r // a time limit of zero or less would mean none
		}
		var err error
		if lp, err = s.relaxation(ctx, time.Until(end), nil); err != nil || lp.Status != highs.StatusOptimal {
			return r
		}
		s.lp = lp
	}
	span := time.Duration(lagrangeShareAlone * float64(budget))
	if s.opts.LNSRounds == 0 && !s.opts.NoLNS && s.lnsWorkers() > 1 {
		span = time.Duration(lagrangeShare * float64(min(budget, lagrangeSpan)))
	}
	deadline := time.Now().Add(span)
	if last := end.Add(-time.Duration(crossoverShare * float64(budget))); deadline.After(last) {
		deadline = last // the crossover's time
	}
	if s.opts.LNSRounds > 0 || deadline.After(end) {
		deadline = end
	}
	engine := r.DualBound
	var beside func(stop <-chan struct{}, bound float64)
	if s.opts.LNSRounds == 0 && !s.opts.NoLNS {
		beside = func(stop <-chan struct{}, bound float64) {
			cur := *r
			if bound > cur.DualBound || math.IsNaN(cur.DualBound) {
				cur.DualBound, cur.Gap = bound, relGap(cur.Objective, bound)
				s.progress(name, &cur, false)
			}
			r = s.lnsWith(ctx, name, s.pricedMoves(name, &cur), end, stop, s.lnsWorkers()-1)
		}
	}
	b := s.lagrange(ctx, lp, deadline, beside)
	if s.opts.Log != nil {
		s.opts.Log(fmt.Sprintf("lagrangian bound %s: %.8g (LP %.8g, engine %.8g)", name, b, lp.Objective, engine))
	}
	if b > r.DualBound || math.IsNaN(r.DualBound) {
		r.DualBound, r.Gap = b, relGap(r.Objective, b)
		s.progress(name, r, false)
	}
	return s.crossover(ctx, name, s.pricedMoves(name, r), end)
}

// result turns the last phase's engine result into a Result.
func (s *solver) result(ctx context.Context, r *highs.Result) *Result {
	if r.HasSolution {
		// The engine stops within the gap, so a measuring column may keep
		// some slack; without it the plan costs exactly its objective.
		s.fm.tidy(r.X)
		r.Objective = s.fm.m.Objective(r.X)
		r.Gap = relGap(r.Objective, r.DualBound)
	}
	res := &Result{Objective: r.Objective, Bound: r.DualBound, Gap: r.Gap, Phases: s.phases,
		Interrupted: ctx.Err() != nil || r.Status == highs.StatusInterrupted}
	switch {
	case r.HasSolution && r.Status == highs.StatusOptimal:
		res.Status = StatusOptimal
	case r.HasSolution:
		res.Status = StatusFeasible
	case proven(r):
		res.Status = StatusInfeasible
	default:
		res.Status = StatusNoPlan
	}
	if r.HasSolution {
		res.Plan = s.fm.extract(r.X)
	}
	return res
}

// zeroTol drops flows the engine left at round-off size.
const zeroTol = 1e-9

// extract reads a plan from a solution vector.
func (fm *formulation) extract(x []float64) *Plan {
	p := &Plan{}
	for _, sv := range fm.svc {
		for _, c := range sv.cands {
			if n := int(math.Round(x[sv.n[c]])); n > 0 {
				p.Replicas = append(p.Replicas, Assignment{Service: sv.s.Name, Cluster: fm.cl[c].Name, Replicas: n})
			}
		}
	}
	for _, u := range fm.unmet {
		sv := fm.svc[u.svc]
		for _, f := range u.f {
			v := x[f.col]
			if v <= zeroTol {
				continue
			}
			cs, w := fm.share(sv, f.cluster, x)
			for i, c := range cs {
				if a := v * w[i]; a > zeroTol {
					p.Routes = append(p.Routes, Route{Service: sv.s.Name, Region: u.region, Cluster: fm.cl[c].Name, Amount: a})
				}
			}
		}
		if v := x[u.col]; v > zeroTol {
			p.Unmet = append(p.Unmet, Shortfall{Service: sv.s.Name, Region: u.region, Amount: v})
		}
	}
	for _, h := range fm.depVars {
		v := x[h.col]
		if v <= zeroTol {
			continue
		}
		// The load comes from s's clusters in h.region, split by their
		// load, and is served on t's clusters of h.to's routing group,
		// split as share splits the group's load.
		sv, tv := fm.svc[h.svc], fm.svc[h.dep]
		load, total := make([]float64, len(h.from)), 0.0
		for i, c := range h.from {
			load[i] = fm.clusterLoad(sv, c, x)
			total += load[i]
		}
		to, wt := fm.share(tv, h.to, x)
		for i, c := range h.from {
			if total <= 0 || load[i] <= 0 {
				continue
			}
			for k, c2 := range to {
				if a := v * load[i] / total * wt[k]; a > zeroTol {
					p.DependencyRoutes = append(p.DependencyRoutes, DependencyRoute{Service: sv.s.Name,
						DependsOn: tv.s.Name, From: fm.cl[c].Name, To: fm.cl[c2].Name, Amount: a})
				}
			}
		}
	}
	sort.Slice(p.Replicas, func(i, j int) bool {
		a, b := p.Replicas[i], p.Replicas[j]
		return a.Service < b.Service || (a.Service == b.Service && a.Cluster < b.Cluster)
	})
	return p
}

// share spreads load that sits at anchor, the anchor of one of sv's
// routing groups, over that group's candidates in proportion to their
// replicas: share w[i] of the group's load goes to cs[i]. As the
// group's load is at most cap·Σ n, each cluster's share is at most its
// own cap·n. A group without replicas (whose load can only be
// round-off) keeps it all at the anchor; a group of one cluster (routes
// to clusters) is that cluster.
func (fm *formulation) share(sv *svcVars, anchor int, x []float64) (cs []int, w []float64) {
	cs = sv.inGroup[fm.group(anchor)]
	w = make([]float64, len(cs))
	total := 0.0
	for i, c := range cs {
		w[i] = math.Round(x[sv.n[c]])
		total += w[i]
	}
	if total <= 0 {
		clear(w)
		w[0] = 1
		return cs, w
	}
	for i := range w {
		w[i] /= total
	}
	return cs, w
}

// clusterLoad is sv's load in cluster c at x: its routing group's load,
// split as share splits it.
func (fm *formulation) clusterLoad(sv *svcVars, c int, x []float64) float64 {
	cs, w := fm.share(sv, c, x)
	load := 0.0
	for _, tm := range sv.loadIn[cs[0]] {
		load += tm.val * x[tm.col]
	}
	return load * w[slices.Index(cs, c)]
}

// Model builds the MILP of a validated intent with every column and row
// named, for export to other solvers (highs.WriteModel writes .mps or .lp).
// It is the model of Solve's first phase: all demand that can reach a
// cluster is served (its unmet columns are fixed at 0), so its optimum is
// auxon's plan whenever the intent can be met in full. (Without that
// bound unmet demand would be free, and the empty plan optimal.)
func Model(in *Intent) (*highs.Model, error) {
	fm, err := build(in, true)
	if err != nil {
		return nil, err
	}
	fm.serveAll()
	return fm.m, nil
}
