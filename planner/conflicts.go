package planner

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/auxon-planner/auxon/planner/highs"
)

// Requirements that cannot hold together.
//
// With demand elastic, Solve finds no plan only when the hard
// requirements contradict each other: reservations beyond supply, Min
// Clusters above what Allowed and supply permit, pins in more clusters
// than Max Clusters, minimum presences that together overflow a cluster.
// FindConflicts names a small set of them:
//
//  1. Structural checks count what must hold and say so precisely.
//  2. The requirements are mapped onto the formulation as groups of rows
//     and column bounds: the supply of each resource in each cluster, each
//     service's Min/Max Clusters, its Min Replicas, each reservation's
//     minimum. Everything else (demand, capacity, N+k, dependencies, the
//     linking rows) is definition, not requirement: with elastic demand
//     it can always hold.
//  3. HiGHS's feasibility relaxation finds the least (relative) give over
//     all requirements.
//  4. A deletion filter drops requirements while the rest stays
//     infeasible, in halves first, then one at a time, requirements the
//     relaxation left untouched first. What is left cannot hold together,
//     and — if the filter finished — dropping any one of it makes the rest
//     feasible: it is irreducible.
//  5. For each requirement of the set, a relaxation of that requirement
//     alone says how much it must give to resolve the conflict.
//
// When the LP relaxation is already infeasible every test is an LP (fast,
// exact); otherwise each test is a MIP with a share of the time limit,
// and a test that runs out of time counts as "feasible" (the requirement
// is kept), so the set is still infeasible but may not be minimal. The
// order of tests is fixed and HiGHS's seed is 0: the same intent gives
// the same set unless a time limit cuts a test short.

// ErrInfeasible marks an intent whose hard requirements cannot all hold,
// even with demand left unmet; Report.Conflicts says which.
var ErrInfeasible = errors.New("no plan satisfies the hard requirements")

// Requirement kinds of ConflictRow.Code.
const (
	ConflictSupply      = "supply"
	ConflictMinClusters = "min-clusters"
	ConflictMaxClusters = "max-clusters"
	ConflictMinReplicas = "min-replicas"
	ConflictReservation = "reservation"
)

// Conflicts is a set of requirements that cannot hold together.
type Conflicts struct {
	// Rows lists the structural conflicts first (Source "check"), then
	// the set the deletion filter kept (Source "filter").
	Rows []ConflictRow `json:"rows"`
	// Minimal is true when the filter finished: dropping any one filter
	// row makes the rest feasible.
	Minimal bool `json:"minimal"`
	// LP is true when the LP relaxation alone is infeasible (every test
	// was an LP).
	LP bool `json:"lp"`
	// Stopped says why the search stopped early ("" when it finished).
	Stopped string `json:"stopped,omitempty"`
	// Tests counts the feasibility tests; Seconds the time taken.
	Tests   int     `json:"tests"`
	Seconds float64 `json:"seconds"`
}

// ConflictRow is one requirement of a conflict.
type ConflictRow struct {
	// Source is "check" (a structural check) or "filter".
	Source string `json:"source"`
	// Code is one of the Conflict constants.
	Code string `json:"code"`
	// Requirement names it in words; Message says what is wrong or how
	// much it must give.
	Requirement string `json:"requirement"`
	Message     string `json:"message"`
	// Give is how much this requirement alone must give to resolve the
	// conflict, in Unit (0 when unknown); Relaxed is what the least
	// overall relaxation takes from it (0: nothing).
	Give    float64 `json:"give"`
	Relaxed float64 `json:"relaxed"`
	Unit    string  `json:"unit"`
	// Cells are the source cells ("Reservations!C3").
	Cells []string `json:"cells"`
}

// ConflictOptions tune FindConflicts.
type ConflictOptions struct {
	// TimeLimit bounds the whole search (default
	// DefaultConflictTimeLimit).
	TimeLimit time.Duration
}

// DefaultConflictTimeLimit bounds FindConflicts.
const DefaultConflictTimeLimit = 30 * time.Second

// mipTestShare is the share of the time left that one MIP feasibility
// test may take: small, so that a hard test cannot starve the rest.
const mipTestShare = 0.1

// FindConflicts explains why the validated intent in has no plan. It
// returns nil conflicts if in turns out to be feasible.
func FindConflicts(ctx context.Context, in *Intent, opts ConflictOptions) (*Conflicts, error) {
	start := time.Now()
	limit := opts.TimeLimit
	if limit <= 0 {
		limit = DefaultConflictTimeLimit
	}
	cf, err := newConflictFinder(ctx, in, start.Add(limit))
	if err != nil {
		return nil, err
	}
	out := &Conflicts{Rows: cf.structural()}
	infeasible, known := cf.test(ctx, cf.all())
	switch {
	case !known:
		out.Stopped = "the full model could not be decided in time"
	case !infeasible:
		if len(out.Rows) == 0 {
			return nil, nil
		}
	default:
		// Over all requirements the MIP relaxation can be as hard as the
		// plan itself; when the LP already conflicts, its LP says enough.
		relaxed := cf.relax(ctx, cf.all(), -1, cf.lpOnly)
		set, minimal := cf.filter(ctx, relaxed)
		out.Minimal = minimal
		switch {
		case !minimal:
			out.Stopped = "time limit: the set cannot hold together but may not be minimal"
		case len(set) == 0:
			// The model stays infeasible with every mapped requirement
			// dropped. That cannot happen with exact arithmetic: with
			// demand elastic, zero load satisfies every unmapped row
			// (capacity, N+k, dependency, linking), and a reservation's
			// Max Replicas above 0 only lowers the pair's upper bound
			// (never below its Min) and its Min Replicas floor (Max 0
			// removes the candidate, which the checks above name). So
			// it is round-off or a bug, and the report says so.
			out.Minimal = false
			out.Stopped = "no requirement could be singled out: the model stays infeasible without any of them (a numerical problem or a bug in auxon; please report it with the workbook)"
		}
		out.Rows = append(out.Rows, cf.describe(ctx, set, relaxed)...)
	}
	if err := ctx.Err(); err != nil && out.Stopped == "" {
		out.Stopped = "interrupted"
		out.Minimal = false
	}
	out.LP, out.Tests, out.Seconds = cf.lpOnly, cf.tests, time.Since(start).Seconds()
	return out, nil
}

// group is one requirement as rows and column lower bounds of the
// formulation.
type group struct {
	code, name, unit string
	cells            []string
	rows             []int
	lowerCols        []int    // lower bounds that belong to it (reservations)
	minrep           [][2]int // (row, y column): Min Replicas coefficients
	bound            float64  // its size, to weigh relative give
}

// conflictFinder holds the formulation and the groups.
type conflictFinder struct {
	in       *Intent
	fm       *formulation
	base     *highs.Model
	groups   []*group
	deadline time.Time
	lpOnly   bool
	tests    int
}

func newConflictFinder(ctx context.Context, in *Intent, deadline time.Time) (*conflictFinder, error) {
	fm, err := build(in, true)
	if err != nil {
		return nil, err
	}
	cf := &conflictFinder{in: in, fm: fm, deadline: deadline}
	cf.groups = cf.requirements()
	cf.base = fm.m
	cf.base.RowNames, cf.base.ColNames = nil, nil
	for j := range cf.base.ColCost {
		cf.base.ColCost[j] = 0 // feasibility only
	}
	lp := cloneModel(cf.base)
	lp.Integer = nil
	cf.tests++
	if r, err := highs.Solve(ctx, lp, cf.options(true)); err == nil && proven(r) {
		cf.lpOnly = true
	}
	return cf, nil
}

// requirements maps the intent's hard requirements onto the formulation.
func (cf *conflictFinder) requirements() []*group {
	fm := cf.fm
	rowOf := make(map[string]int, len(fm.m.RowNames))
	for i, n := range fm.m.RowNames {
		rowOf[n] = i
	}
	var gs []*group
	for c, cl := range fm.cl {
		for ri, r := range fm.res {
			if row, ok := fm.supplyRow[[2]int{c, ri}]; ok {
				gs = append(gs, &group{code: ConflictSupply, name: fmt.Sprintf("supply of %s in %s (%s)", r, cl.Name, num(cl.Supply[r])),
					unit: r, cells: []string{cellRef(fm.in, TabClusters, cl.Row, r)}, rows: []int{row}, bound: cl.Supply[r]})
			}
		}
	}
	res := fm.reservations()
	for i, sv := range fm.svc {
		s := sv.s
		if row, ok := rowOf[fm.nm("footprint", s.Name)]; ok {
			g := &group{code: ConflictMinClusters, unit: "clusters", rows: []int{row}, bound: float64(max(s.MinClusters, s.MaxClusters))}
			var parts []string
			if s.MinClusters > 0 {
				parts = append(parts, fmt.Sprintf("Min Clusters %d", s.MinClusters))
				g.cells = append(g.cells, cellRef(fm.in, TabServices, s.Row, "min clusters"))
			}
			if s.MaxClusters > 0 && s.MaxClusters < len(sv.cands) {
				parts = append(parts, fmt.Sprintf("Max Clusters %d", s.MaxClusters))
				g.cells = append(g.cells, cellRef(fm.in, TabServices, s.Row, "max clusters"))
			}
			g.name = strings.Join(parts, ", ") + " of " + s.Name
			if s.MinClusters <= 0 {
				g.code = ConflictMaxClusters
			}
			gs = append(gs, g)
		}
		if sv.minRep > 1 {
			g := &group{code: ConflictMinReplicas, name: fmt.Sprintf("Min Replicas %d of %s", sv.minRep, s.Name), unit: "replicas",
				cells: []string{cellRef(fm.in, TabServices, s.Row, "min replicas")}, bound: float64(sv.minRep)}
			for _, c := range sv.cands {
				if row, ok := rowOf[fm.nm("minrep", s.Name, fm.cl[c].Name)]; ok {
					g.rows = append(g.rows, row)
					g.minrep = append(g.minrep, [2]int{row, sv.y[c]})
				}
			}
			if len(g.rows) > 0 {
				gs = append(gs, g)
			}
		}
		for _, c := range sv.cands {
			r := res[[2]int{i, c}]
			if r == nil || r.Min <= 0 {
				continue
			}
			gs = append(gs, &group{code: ConflictReservation, name: fmt.Sprintf("reservation of %d replica(s) of %s in %s", r.Min, s.Name, fm.cl[c].Name),
				unit: "replicas", cells: []string{cellRef(fm.in, TabReservations, r.Row, "min replicas")},
				lowerCols: []int{sv.n[c], sv.y[c]}, bound: float64(r.Min)})
		}
	}
	return gs
}

// all is every group.
func (cf *conflictFinder) all() []int {
	out := make([]int, len(cf.groups))
	for i := range out {
		out[i] = i
	}
	return out
}

// model is the base model with only the groups in active enforced; an LP
// when lp is set.
func (cf *conflictFinder) model(active []int, lp bool) *highs.Model {
	m := cloneModel(cf.base)
	on := map[int]bool{}
	for _, g := range active {
		on[g] = true
	}
	for gi, g := range cf.groups {
		if on[gi] {
			continue
		}
		if len(g.minrep) > 0 {
			// Without Min Replicas a used cluster still holds one replica.
			for _, rm := range g.minrep {
				setCoef(m, rm[0], rm[1], -1)
			}
		} else {
			for _, r := range g.rows {
				m.RowLower[r], m.RowUpper[r] = -highs.Inf, highs.Inf
			}
		}
		for _, j := range g.lowerCols {
			m.ColLower[j] = 0
		}
	}
	if lp {
		m.Integer = nil
	}
	return m
}

// setCoef sets the coefficient of column j in row i, which must exist.
func setCoef(m *highs.Model, i, j int, v float64) {
	idx, val := m.Row(i)
	for k, c := range idx {
		if int(c) == j {
			val[k] = math.Max(val[k], v)
		}
	}
}

// options are a test's HiGHS options: a share of the time left.
func (cf *conflictFinder) options(lp bool) *highs.Options {
	left := time.Until(cf.deadline)
	if !lp {
		left = time.Duration(float64(left) * mipTestShare)
	}
	seed := 0
	return &highs.Options{TimeLimit: max(left, time.Millisecond), RandomSeed: &seed}
}

// test reports whether the groups in active cannot hold together, and
// whether that is known (a test cut short by a limit is not).
func (cf *conflictFinder) test(ctx context.Context, active []int) (infeasible, known bool) {
	if ctx.Err() != nil || time.Now().After(cf.deadline) {
		return false, false
	}
	cf.tests++
	r, err := highs.Solve(ctx, cf.model(active, cf.lpOnly), cf.options(cf.lpOnly))
	if err != nil {
		return false, false
	}
	if proven(r) {
		return true, true
	}
	return false, r.HasSolution
}

// relax runs the feasibility relaxation with the groups in active
// enforced and either every one of them elastic (only < 0) or only the
// group only; over the LP relaxation when lp is set. It returns each
// elastic group's violation (signed, in the group's unit), or nil when
// the relaxation fails.
func (cf *conflictFinder) relax(ctx context.Context, active []int, only int, lp bool) map[int]float64 {
	if ctx.Err() != nil || time.Now().After(cf.deadline) {
		return nil
	}
	m := cf.model(active, lp)
	ro := highs.RelaxOptions{ColUpperPenalty: -1, RowPenalties: make([]float64, m.NumRows()),
		ColLowerPenalties: make([]float64, m.NumCols())}
	for i := range ro.RowPenalties {
		ro.RowPenalties[i] = -1
	}
	for j := range ro.ColLowerPenalties {
		ro.ColLowerPenalties[j] = -1
	}
	for _, gi := range active {
		if only >= 0 && gi != only {
			continue
		}
		g := cf.groups[gi]
		w := 1 / math.Max(1, math.Abs(g.bound))
		for _, r := range g.rows {
			ro.RowPenalties[r] = w
		}
		for _, j := range g.lowerCols {
			ro.ColLowerPenalties[j] = w
		}
	}
	cf.tests++
	rel, err := highs.FeasibilityRelaxation(ctx, m, ro, cf.options(lp))
	if err != nil || rel.Result == nil || !rel.Result.HasSolution {
		return nil
	}
	return cf.violations(rel)
}

// violations sums a relaxation's violations by group; a reservation
// counts the replicas its minimum gives.
func (cf *conflictFinder) violations(rel *highs.Relaxation) map[int]float64 {
	rowG, colG := map[int]int{}, map[int]int{}
	for gi, g := range cf.groups {
		for _, r := range g.rows {
			rowG[r] = gi
		}
		if len(g.lowerCols) > 0 {
			colG[g.lowerCols[0]] = gi // n; y's give follows from it
		}
	}
	out := map[int]float64{}
	for _, v := range rel.Rows {
		if gi, ok := rowG[v.Index]; ok {
			out[gi] += v.Amount
		}
	}
	for _, v := range rel.Cols {
		if gi, ok := colG[v.Index]; ok {
			out[gi] += v.Amount
		}
	}
	return out
}

// filter runs the deletion filter and reports the set and whether it is
// minimal.
func (cf *conflictFinder) filter(ctx context.Context, relaxed map[int]float64) ([]int, bool) {
	order := cf.all()
	// Requirements the relaxation left alone go first: they are the
	// likeliest to be dropped, and the set keeps those that gave.
	sort.SliceStable(order, func(i, j int) bool {
		_, gi := relaxed[order[i]]
		_, gj := relaxed[order[j]]
		return !gi && gj
	})
	var kept []int
	rest := order
	k := max(1, len(rest)/2)
	minimal := true
	for len(rest) > 0 {
		others := append(append([]int(nil), kept...), rest[k:]...)
		infeasible, known := cf.test(ctx, others)
		switch {
		case infeasible:
			rest = rest[k:]
			k = max(1, min(k, len(rest)/2))
		case k > 1:
			k /= 2
		default:
			if !known {
				minimal = false
				if ctx.Err() != nil || time.Now().After(cf.deadline) {
					return append(kept, rest...), false
				}
			}
			kept = append(kept, rest[0])
			rest = rest[1:]
			k = max(1, len(rest)/2)
		}
	}
	sort.Ints(kept)
	return kept, minimal
}

// describe turns the set into rows, with each requirement's give.
func (cf *conflictFinder) describe(ctx context.Context, set []int, relaxed map[int]float64) []ConflictRow {
	var rows []ConflictRow
	for _, gi := range set {
		g := cf.groups[gi]
		row := ConflictRow{Source: "filter", Code: g.code, Requirement: g.name, Unit: g.unit, Cells: dedupe(g.cells),
			Relaxed: math.Abs(relaxed[gi])}
		give := 0.0
		if v := cf.relax(ctx, set, gi, false); v != nil {
			give = v[gi]
		}
		row.Give = math.Abs(give)
		row.Code, row.Message = cf.giveMessage(g, give)
		rows = append(rows, row)
	}
	return rows
}

// giveMessage says how much g must give; give is signed (below a lower
// bound: negative).
func (cf *conflictFinder) giveMessage(g *group, give float64) (string, string) {
	code := g.code
	if code == ConflictMinClusters && give > 0 {
		code = ConflictMaxClusters // the footprint row gave at its upper bound
	}
	if give == 0 {
		return code, "part of the conflict; relaxing it alone does not resolve it"
	}
	a := num(roundGive(math.Abs(give)))
	switch code {
	case ConflictSupply:
		return code, fmt.Sprintf("would need %s more %s", a, g.unit)
	case ConflictMinClusters:
		return code, fmt.Sprintf("would need %s cluster(s) fewer", a)
	case ConflictMaxClusters:
		return code, fmt.Sprintf("would need %s cluster(s) more", a)
	case ConflictMinReplicas:
		return code, fmt.Sprintf("would need %s replica(s) fewer in total across clusters", a)
	case ConflictReservation:
		return code, fmt.Sprintf("would need %s replica(s) fewer", a)
	}
	return code, fmt.Sprintf("would need to give %s %s", a, g.unit)
}

// roundGive rounds solver round-off off an amount.
func roundGive(x float64) float64 {
	if r := math.Round(x); math.Abs(x-r) < 1e-6*math.Max(1, x) {
		return r
	}
	return x
}

// structural runs the counting checks.
func (cf *conflictFinder) structural() []ConflictRow {
	var rows []ConflictRow
	fm := cf.fm
	res := fm.reservations()
	for i, sv := range fm.svc {
		s := sv.s
		if s.MinClusters > len(sv.cands) {
			why, kept := cf.whyNot(sv)
			rows = append(rows, ConflictRow{Source: "check", Code: ConflictMinClusters,
				Requirement: fmt.Sprintf("Min Clusters %d of %s", s.MinClusters, s.Name),
				Message:     fmt.Sprintf("only %d cluster(s) can hold %s (%s): %s", len(sv.cands), s.Name, cf.candNames(sv), why),
				Give:        float64(s.MinClusters - len(sv.cands)), Unit: "clusters",
				Cells: append([]string{cellRef(fm.in, TabServices, s.Row, "min clusters"), cellRef(fm.in, TabServices, s.Row, "allowed"),
					cellRef(fm.in, TabServices, s.Row, "min replicas")}, kept...)})
		}
		var pinned, cells []string
		for _, c := range sv.cands {
			if r := res[[2]int{i, c}]; r != nil && r.Min > 0 {
				pinned = append(pinned, fm.cl[c].Name)
				cells = append(cells, cellRef(fm.in, TabReservations, r.Row, "min replicas"))
			}
		}
		if s.MaxClusters > 0 && len(pinned) > s.MaxClusters {
			rows = append(rows, ConflictRow{Source: "check", Code: ConflictMaxClusters,
				Requirement: fmt.Sprintf("Max Clusters %d of %s", s.MaxClusters, s.Name),
				Message:     fmt.Sprintf("reservations pin %s in %d clusters (%s)", s.Name, len(pinned), strings.Join(pinned, ", ")),
				Give:        float64(len(pinned) - s.MaxClusters), Unit: "clusters",
				Cells: append([]string{cellRef(fm.in, TabServices, s.Row, "max clusters")}, cells...)})
		}
	}
	rows = append(rows, cf.pinnedSupply()...)
	for i := range rows {
		rows[i].Cells = dedupe(rows[i].Cells)
	}
	return rows
}

// pinnedSupply reports clusters whose reserved minimums overflow a
// resource.
func (cf *conflictFinder) pinnedSupply() []ConflictRow {
	var rows []ConflictRow
	fm := cf.fm
	res := fm.reservations()
	for c, cl := range fm.cl {
		for _, r := range fm.res {
			need, cells := 0.0, []string{cellRef(fm.in, TabClusters, cl.Row, r)}
			for i, sv := range fm.svc {
				if rs := res[[2]int{i, c}]; rs != nil && rs.Min > 0 && sv.s.Shape[r] > 0 {
					need += float64(rs.Min) * sv.s.Shape[r]
					cells = append(cells, cellRef(fm.in, TabReservations, rs.Row, "min replicas"))
				}
			}
			if need > cl.Supply[r]*(1+supplyTolerance) {
				rows = append(rows, ConflictRow{Source: "check", Code: ConflictReservation,
					Requirement: fmt.Sprintf("reservations in %s", cl.Name),
					Message:     fmt.Sprintf("reserved minimums need %s %s, %s supplies %s", num(need), r, cl.Name, num(cl.Supply[r])),
					Give:        need - cl.Supply[r], Unit: r, Cells: cells})
			}
		}
	}
	return rows
}

func (cf *conflictFinder) candNames(sv *svcVars) string {
	var names []string
	for _, c := range sv.cands {
		names = append(names, cf.fm.cl[c].Name)
	}
	if len(names) == 0 {
		return "none"
	}
	return capList(names, ", ")
}

// whyNot says why each other cluster is no candidate of sv.
// It also returns the cells of the reservations that keep sv out.
func (cf *conflictFinder) whyNot(sv *svcVars) (string, []string) {
	cand := map[int]bool{}
	for _, c := range sv.cands {
		cand[c] = true
	}
	res := cf.fm.reservations()
	var parts, cells []string
	for c, cl := range cf.fm.cl {
		if cand[c] {
			continue
		}
		r := res[[2]int{cf.fm.svcIdx[sv.s.Name], c}]
		switch {
		case !sv.s.Allows(cl):
			parts = append(parts, cl.Name+" is not in Allowed")
		case r != nil && r.HasMax && r.Max == 0:
			cell := cellRef(cf.fm.in, TabReservations, r.Row, "max replicas")
			parts = append(parts, fmt.Sprintf("%s keeps %s out of %s", cell, sv.s.Name, cl.Name))
			cells = append(cells, cell)
		default:
			parts = append(parts, fmt.Sprintf("%s cannot hold %d replica(s)", cl.Name, sv.minRep))
		}
	}
	if len(parts) == 0 {
		return "there are no other clusters", nil
	}
	return capList(parts, "; "), cells
}

// cloneModel copies every slice of m.
func cloneModel(m *highs.Model) *highs.Model {
	c := *m
	c.ColCost = append([]float64(nil), m.ColCost...)
	c.ColLower = append([]float64(nil), m.ColLower...)
	c.ColUpper = append([]float64(nil), m.ColUpper...)
	if m.Integer != nil {
		c.Integer = append([]bool(nil), m.Integer...)
	}
	c.RowLower = append([]float64(nil), m.RowLower...)
	c.RowUpper = append([]float64(nil), m.RowUpper...)
	c.RowStart = append([]int32(nil), m.RowStart...)
	c.Index = append([]int32(nil), m.Index...)
	c.Value = append([]float64(nil), m.Value...)
	return &c
}
