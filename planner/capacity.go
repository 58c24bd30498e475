package planner

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/auxon-planner/auxon/planner/highs"
)

// What capacity is worth.
//
// CapacityValue fixes the plan's discrete decisions — which service is
// present in which cluster (y) and which clusters are open (z) — and
// relaxes the replica counts n to continuous values. What is left is an
// LP whose supply rows bind wherever capacity is short, and whose duals
// say what one more unit of each resource in each cluster is worth.
// (Fixing n as well would leave every supply row a constant, with a dual
// of zero: the replica counts are exactly what one more unit of supply
// changes.)
//
// The LP is solved lexicographically, like Solve: one phase per priority
// level with elastic demand, most important first, minimising that
// level's unmet demand (in demand units) and fixing it for the next; then
// a cost phase. The dual of a supply row in the phase of level p is the
// demand of level p one more unit would serve (with more important
// levels held); its dual in the cost phase is the cost one more unit
// saves while serving the same demand. Both are marginal: they hold for
// small changes, up to the next change of basis.

// CapacityValueRow is the marginal value of one resource of one cluster.
type CapacityValueRow struct {
	Cluster  string  `json:"cluster"`
	Region   string  `json:"region"`
	Resource string  `json:"resource"`
	Supply   float64 `json:"supply"`
	// Used is what the plan's replicas take.
	Used float64 `json:"used"`
	// CostSaving is what one more unit saves, serving the same demand.
	CostSaving float64 `json:"cost_saving"`
	// UnmetServed is the unmet demand one more unit would serve, in the
	// demand units of the services of priority UnmetPriority: the most
	// important level it helps (nil when it helps none).
	UnmetServed   float64 `json:"unmet_served"`
	UnmetPriority *int    `json:"unmet_priority"`
	// ByPriority lists the demand one more unit would serve at every
	// level it helps, each with the levels before it held.
	ByPriority []PriorityValue `json:"unmet_served_by_priority,omitempty"`
	// Cell is the supply cell ("Clusters!D3").
	Cell string `json:"cell"`
}

// PriorityValue is demand of one priority level served per unit.
type PriorityValue struct {
	Priority int     `json:"priority"`
	PerUnit  float64 `json:"per_unit"`
}

// CapacityOptions tune CapacityValue.
type CapacityOptions struct {
	// TimeLimit bounds each LP (default DefaultCapacityTimeLimit).
	TimeLimit time.Duration
}

// DefaultCapacityTimeLimit bounds each LP of CapacityValue: the LPs have
// the size of the MILP's relaxation, which HiGHS solves in well under a
// second on the largest intents measured.
const DefaultCapacityTimeLimit = 10 * time.Second

// dualTol drops duals at round-off size.
const dualTol = 1e-9

// CapacityValue computes the marginal value of every supply row of the
// plan p of the validated intent in, in Clusters × Resources order.
func CapacityValue(ctx context.Context, in *Intent, p *Plan, opts CapacityOptions) ([]CapacityValueRow, error) {
	cv, err := newCapacityLP(in, p)
	if err != nil {
		return nil, err
	}
	if err := cv.solve(ctx, opts, nil); err != nil {
		return nil, err
	}
	return cv.rows(p), nil
}

// capacityLP is the LP of CapacityValue and what its phases found.
type capacityLP struct {
	fm     *formulation
	x      []float64 // the plan as a point of the formulation
	levels []int
	// level[p] is level p's least unmet demand; cost the cost phase's
	// optimum; value[p] and saving the duals of each supply row.
	level  map[int]float64
	cost   float64
	value  map[int]map[int]float64 // level -> row -> demand per unit
	saving map[int]float64         // row -> cost saved per unit
}

// newCapacityLP builds the formulation of in, fixes y and z at the plan's
// values and relaxes n.
func newCapacityLP(in *Intent, p *Plan) (*capacityLP, error) {
	fm, err := build(in, true)
	if err != nil {
		return nil, err
	}
	rowOf := make(map[string]int, len(fm.m.RowNames))
	for i, n := range fm.m.RowNames {
		rowOf[n] = i
	}
	m := fm.m
	x := fm.start(p)
	res := fm.reservations()
	for i, sv := range fm.svc {
		for _, c := range sv.cands {
			n, y := sv.n[c], sv.y[c]
			m.ColLower[y], m.ColUpper[y] = x[y], x[y]
			if x[y] < 0.5 {
				m.ColLower[n], m.ColUpper[n] = 0, 0
				continue
			}
			m.ColUpper[n] = fm.looseUpper(sv, res[[2]int{i, c}], math.Max(x[n], m.ColLower[n]))
			if r, ok := rowOf[fm.nm("maxrep", sv.s.Name, fm.cl[c].Name)]; ok {
				m.RowUpper[r] = highs.Inf // y is fixed at 1: the column bound says it
			}
		}
	}
	for _, z := range fm.z {
		m.ColLower[z], m.ColUpper[z] = x[z], x[z]
	}
	m.Integer = nil
	m.RowNames, m.ColNames = nil, nil // names may clash after sanitising; HiGHS needs none
	cv := &capacityLP{fm: fm, x: x, level: map[int]float64{}, value: map[int]map[int]float64{}, saving: map[int]float64{}}
	seen := map[int]bool{}
	for _, u := range fm.unmet {
		if p := fm.svc[u.svc].s.Priority; len(u.f) > 0 && !seen[p] {
			seen[p] = true
			cv.levels = append(cv.levels, p)
		}
	}
	sort.Ints(cv.levels)
	return cv, nil
}

// looseUpper bounds n[s,c] without the supply: the supply row says that,
// and a bound equal to it would take its dual.
func (fm *formulation) looseUpper(sv *svcVars, r *Reservation, least float64) float64 {
	ub := float64(sv.minRep)
	if sv.cap > 0 {
		ub = math.Max(ub, math.Ceil(sv.bound/sv.cap-fitTol))
	}
	if r != nil && r.HasMax {
		ub = math.Min(ub, float64(r.Max))
	}
	return math.Max(ub, least)
}

// solve runs the phases. fixed, when not nil, holds each level at the
// given unmet demand instead of minimising it (for finite differences).
func (cv *capacityLP) solve(ctx context.Context, opts CapacityOptions, fixed map[int]float64) error {
	m := cv.fm.m
	cost := append([]float64(nil), m.ColCost...)
	for _, p := range cv.levels {
		for j := range m.ColCost {
			m.ColCost[j] = 0
		}
		idx, val := []int{}, []float64{}
		for _, u := range cv.fm.unmet {
			if cv.fm.svc[u.svc].s.Priority == p && len(u.f) > 0 {
				m.ColCost[u.col] = 1
				idx, val = append(idx, u.col), append(val, 1)
			}
		}
		opt, ok := fixed[p]
		if !ok {
			r, err := cv.lp(ctx, opts, fmt.Sprintf("priority %d", p))
			if err != nil {
				return err
			}
			opt = r.Objective
			cv.value[p] = cv.duals(r, -1)
		}
		cv.level[p] = opt
		m.AddRow(-highs.Inf, opt+lexTol*math.Max(1, math.Abs(opt)), idx, val)
	}
	copy(m.ColCost, cost)
	r, err := cv.lp(ctx, opts, "cost")
	if err != nil {
		return err
	}
	cv.cost = r.Objective
	cv.saving = cv.duals(r, -1)
	return nil
}

// lp solves the current LP to optimality or fails.
func (cv *capacityLP) lp(ctx context.Context, opts CapacityOptions, phase string) (*highs.Result, error) {
	limit := opts.TimeLimit
	if limit <= 0 {
		limit = DefaultCapacityTimeLimit
	}
	seed := 0
	r, err := highs.Solve(ctx, cv.fm.m, &highs.Options{TimeLimit: limit, RandomSeed: &seed})
	if err != nil {
		return nil, fmt.Errorf("capacity value, phase %s: %w", phase, err)
	}
	if r.Status != highs.StatusOptimal || r.RowDual == nil {
		return nil, fmt.Errorf("capacity value, phase %s: LP %s", phase, r.Status)
	}
	return r, nil
}

// duals reads the value of one more unit of each supply row: sign times
// the row dual (HiGHS's dual is the objective's change per unit of the
// bound), times z where the row reads Σ shape·n ≤ supply·z.
func (cv *capacityLP) duals(r *highs.Result, sign float64) map[int]float64 {
	out := map[int]float64{}
	for key, row := range cv.fm.supplyRow {
		v := sign * r.RowDual[row]
		if z, ok := cv.fm.z[key[0]]; ok {
			v *= cv.x[z]
		}
		if math.Abs(v) > dualTol {
			out[row] = v
		}
	}
	return out
}

// rows reports every supply row.
func (cv *capacityLP) rows(p *Plan) []CapacityValueRow {
	fm := cv.fm
	used := map[[2]string]float64{}
	for _, a := range p.Replicas {
		if s := fm.in.FindService(a.Service); s != nil {
			for r, x := range s.Shape {
				used[[2]string{a.Cluster, r}] += x * float64(a.Replicas)
			}
		}
	}
	out := []CapacityValueRow{}
	for c, cl := range fm.cl {
		for ri, r := range fm.res {
			row, ok := fm.supplyRow[[2]int{c, ri}]
			if !ok {
				continue
			}
			v := CapacityValueRow{Cluster: cl.Name, Region: cl.Region, Resource: r, Supply: cl.Supply[r],
				Used: used[[2]string{cl.Name, r}], CostSaving: cv.saving[row], Cell: cellRef(fm.in, TabClusters, cl.Row, r)}
			for _, p := range cv.levels {
				if x := cv.value[p][row]; x != 0 {
					v.ByPriority = append(v.ByPriority, PriorityValue{Priority: p, PerUnit: x})
					if v.UnmetPriority == nil {
						v.UnmetServed, v.UnmetPriority = x, &p
					}
				}
			}
			out = append(out, v)
		}
	}
	return out
}
