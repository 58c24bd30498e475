package planner

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/auxon-planner/auxon/planner/highs"
)

// Engine solves mixed-integer linear programs. HiGHS is the production
// engine; another can be dropped in by implementing this.
type Engine interface {
	// Name names the engine and its version, for reports.
	Name() string
	// Solve solves m. When ctx ends it returns the best solution found.
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
	// LNS turns on large-neighbourhood search after the engine's first
	// run in each phase (see lns.go). Off by default: its gains so far are
	// small (the 500×50 benchmark intent: 0.26% below greedy in 60 s,
	// where HiGHS alone found nothing better; none on the example).
	LNS bool
	// Start is a plan to start from (the greedy baseline's, or the last
	// run's): the engine's first incumbent if it is feasible, repaired if
	// it is not.
	Start *Plan
	// Previous is the last run's plan, replica counts only (as read back
	// from its Plan tab). When it still serves all demand its routes are
	// completed by an LP and it becomes the start if it is cheaper than
	// Start: a nightly replan of a barely changed intent then begins at
	// yesterday's optimum.
	Previous *Plan
	// Progress receives the engine's progress, tagged with the phase.
	Progress func(Progress)
	// Log receives the engine's log lines.
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
	// Phases lists each engine call.
	Phases []Phase
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
}

// ErrVerification marks a plan that failed the independent verifier: a
// bug in auxon or its solver, never the user's fault.
var ErrVerification = errors.New("plan failed verification")

// Solve plans the intent: builds the MILP, solves it, extracts the plan
// and verifies it against the intent. The intent must have passed
// Validate.
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
	res, err := solveOne(ctx, in, opts)
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
	s := &solver{fm: fm, engine: engine, opts: opts, deadline: start.Add(limit), began: start, limit: limit}
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
	share := 1.0
	if s.startLeavesDemand() {
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
	m := s.fm.m
	upper := make([]float64, len(s.fm.unmet))
	for i, u := range s.fm.unmet {
		upper[i] = m.ColUpper[u.col]
		if len(u.f) > 0 {
			m.ColUpper[u.col] = 0
		} else {
			m.ColLower[u.col] = u.demand // nothing can serve it
		}
	}
	defer func() {
		for i, u := range s.fm.unmet {
			m.ColUpper[u.col] = upper[i]
		}
	}()
	if s.opts.Previous != nil {
		s.preferPrevious(ctx)
	}
	return s.phase(ctx, "plan", share)
}

// cutPoolLimit caps HiGHS's cut pool (default 10,000). On capacity plans
// the LP bound is already close and HiGHS's root cut rounds mostly cost
// time before its heuristics find the plan: with a pool of 100 the
// example reached a 1% gap in 5.1 s instead of 13.7 s, and of six
// generated 20×10 intents two solved faster, three alike and one slower.
const cutPoolLimit = 100

// completeShare bounds the LP that completes the previous plan's routes.
const completeShare = 0.1

// preferPrevious makes the previous plan the start when, its routes
// completed by an LP with every integer column fixed at its value, it is
// feasible for the current phase and cheaper than the start at hand.
func (s *solver) preferPrevious(ctx context.Context) {
	m := s.fm.m
	x := s.fm.start(s.opts.Previous)
	lp := *m
	lp.Integer = nil
	lp.ColLower = append([]float64(nil), m.ColLower...)
	lp.ColUpper = append([]float64(nil), m.ColUpper...)
	for j, integer := range m.Integer {
		if integer {
			v := math.Max(m.ColLower[j], math.Min(m.ColUpper[j], math.Round(x[j])))
			lp.ColLower[j], lp.ColUpper[j] = v, v
		}
	}
	seed := s.opts.Seed
	r, err := s.engine.Solve(ctx, &lp, &highs.Options{TimeLimit: time.Duration(completeShare * float64(s.limit)),
		Threads: s.opts.Threads, RandomSeed: &seed})
	if err != nil || r.Status != highs.StatusOptimal {
		return
	}
	if s.start == nil || !s.feasible(s.start) || r.Objective < m.Objective(s.start) {
		s.start = r.X
	}
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
	defer copy(m.ColCost, cost)
	levels := s.priorities()
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
		// Fix this level's unmet demand at what was found (the incumbent,
		// if a limit stopped the phase early).
		s.fm.row(s.fm.nm("priority", strconv.Itoa(p)), -highs.Inf, r.Objective+lexTol*math.Max(1, math.Abs(r.Objective)), idx, val)
	}
	copy(m.ColCost, cost)
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

// phase runs the engine on the current model for share of the time limit
// (at most what is left; a share of 1 takes all that is left).
func (s *solver) phase(ctx context.Context, name string, share float64) (*highs.Result, error) {
	left := time.Until(s.deadline)
	if left <= 0 {
		left = time.Millisecond
	}
	budget := min(left, time.Duration(share*float64(s.limit)))
	began := time.Now()
	end := began.Add(budget)
	main := budget
	if s.opts.LNS {
		main = time.Duration(float64(budget) * lnsMainShare)
	}
	seed := s.opts.Seed
	ho := &highs.Options{
		TimeLimit:  main,
		MIPRelGap:  mipGap(s.fm.in, s.opts),
		Threads:    s.opts.Threads,
		RandomSeed: &seed,
		Log:        s.opts.Log,
		Extra:      []highs.Option{{Name: "mip_pool_soft_limit", Value: cutPoolLimit}},
	}
	if s.opts.Progress != nil {
		ho.Progress = func(p highs.Progress) { s.opts.Progress(Progress{Phase: name, Progress: p}) }
	}
	if s.start != nil && len(s.start) == s.fm.m.NumCols() {
		ho.Start = s.start
	}
	r, err := s.engine.Solve(ctx, s.fm.m, ho)
	if err != nil {
		return nil, fmt.Errorf("solve phase %q: %w", name, err)
	}
	if s.opts.LNS && r.HasSolution && r.Status == highs.StatusTimeLimit && ctx.Err() == nil {
		r = s.lns(ctx, name, r, end)
		if ctx.Err() != nil {
			r.Status = highs.StatusInterrupted
		}
	}
	s.phases = append(s.phases, Phase{Name: name, Status: r.Status.String(), Objective: r.Objective, Bound: r.DualBound, Time: time.Since(began)})
	if r.HasSolution {
		s.start = r.X
	}
	return r, nil
}

// result turns the last phase's engine result into a Result.
func (s *solver) result(ctx context.Context, r *highs.Result) *Result {
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
		name := fm.svc[u.svc].s.Name
		for _, f := range u.f {
			if v := x[f.col]; v > zeroTol {
				p.Routes = append(p.Routes, Route{Service: name, Region: u.region, Cluster: fm.cl[f.cluster].Name, Amount: v})
			}
		}
		if v := x[u.col]; v > zeroTol {
			p.Unmet = append(p.Unmet, Shortfall{Service: name, Region: u.region, Amount: v})
		}
	}
	for _, h := range fm.depVars {
		v := x[h.col]
		if v <= zeroTol {
			continue
		}
		// Split the region's route over its clusters by their load.
		sv := fm.svc[h.svc]
		load, total := make([]float64, len(h.from)), 0.0
		for i, c := range h.from {
			for _, tm := range sv.loadIn[c] {
				load[i] += tm.val * x[tm.col]
			}
			total += load[i]
		}
		for i, c := range h.from {
			if total <= 0 || load[i] <= 0 {
				continue
			}
			if a := v * load[i] / total; a > zeroTol {
				p.DependencyRoutes = append(p.DependencyRoutes, DependencyRoute{Service: sv.s.Name,
					DependsOn: fm.svc[h.dep].s.Name, From: fm.cl[c].Name, To: fm.cl[h.to].Name, Amount: a})
			}
		}
	}
	sort.Slice(p.Replicas, func(i, j int) bool {
		a, b := p.Replicas[i], p.Replicas[j]
		return a.Service < b.Service || (a.Service == b.Service && a.Cluster < b.Cluster)
	})
	return p
}

// Model builds the MILP of a validated intent with every column and row
// named, for export to other solvers (highs.WriteModel writes .mps or .lp).
func Model(in *Intent) (*highs.Model, error) {
	fm, err := build(in, true)
	if err != nil {
		return nil, err
	}
	return fm.m, nil
}
