package planner

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"sort"
	"time"
)

// Report is everything one planning run produced, in the terms planners
// use. It is the content of plan.json and the source of every output tab.
// JSON field names are part of auxon's interface; see docs/plan-json.md.
type Report struct {
	RunID       string    `json:"run_id"`
	Created     time.Time `json:"created"`
	Fingerprint string    `json:"input_fingerprint"`
	Status      Status    `json:"status"`
	Interrupted bool      `json:"interrupted"`
	Solver      string    `json:"solver"`
	// Cost is the plan's cost recomputed from the intent (not the
	// solver's objective).
	Cost Cost `json:"cost"`
	// Baseline is the cost of the greedy baseline plan, when one was made;
	// Saving is Baseline.Total − Cost.Total: what optimisation bought.
	Baseline *Cost   `json:"greedy_cost,omitempty"`
	Saving   float64 `json:"saving,omitempty"`
	// Objective, LowerBound and Gap are the solver's; null when unknown.
	Objective    *float64 `json:"objective"`
	LowerBound   *float64 `json:"lower_bound"`
	Gap          *float64 `json:"gap"`
	SolveSeconds float64  `json:"solve_seconds"`
	// FirstPlanSeconds and FinalPlanSeconds are when the first plan and
	// the plan reported were found, counted from the start of planning;
	// null without a plan.
	FirstPlanSeconds *float64   `json:"first_plan_seconds"`
	FinalPlanSeconds *float64   `json:"final_plan_seconds"`
	Model            ModelStats `json:"model"`
	Phases           []Phase    `json:"phases"`

	Plan        []PlanRow        `json:"plan"`
	Utilization []UtilizationRow `json:"utilization"`
	Unmet       []UnmetRow       `json:"unmet"`

	// CapacityValue is what one more unit of each resource in each
	// cluster is worth to the plan (see CapacityValue); Conflicts, set
	// only when no plan satisfies the hard requirements, is a small set of
	// requirements that cannot hold together (see FindConflicts); Notes
	// say where the diagnosis itself stopped short. Filled by Diagnose.
	CapacityValue []CapacityValueRow `json:"capacity_value,omitempty"`
	Conflicts     *Conflicts         `json:"conflicts,omitempty"`
	Notes         []string           `json:"diagnosis_notes,omitempty"`
}

// PlanRow is one service in one cluster: the plan's replicas beside
// today's.
type PlanRow struct {
	Service  string `json:"service"`
	Cluster  string `json:"cluster"`
	Region   string `json:"region"`
	Replicas int    `json:"replicas"`
	// Resources is the amount of each resource the replicas take.
	Resources map[string]float64 `json:"resources"`
	// Cost is the resource cost of the replicas (fixed costs are per
	// cluster and appear in Cost.Fixed only).
	Cost float64 `json:"cost"`
	// LoadServed is the demand and dependency load the replicas serve.
	LoadServed float64 `json:"load_served"`
	// Current is today's replica count from the Current tab; Change is
	// Replicas − Current.
	Current int `json:"current"`
	Change  int `json:"change"`
}

// UtilizationRow is one resource of one cluster.
type UtilizationRow struct {
	Cluster  string  `json:"cluster"`
	Region   string  `json:"region"`
	Resource string  `json:"resource"`
	Used     float64 `json:"used"`
	Supply   float64 `json:"supply"`
	// Utilization is Used/Supply (0 when there is no supply).
	Utilization float64 `json:"utilization"`
}

// UnmetRow is demand of a service from a region the plan leaves unserved.
type UnmetRow struct {
	Service   string  `json:"service"`
	Region    string  `json:"region"`
	Priority  int     `json:"priority"`
	Demand    float64 `json:"demand"`
	Served    float64 `json:"served"`
	Shortfall float64 `json:"shortfall"`

	// Reason says in words why the demand went unmet, Needs what it
	// would take to meet it, Cells the source cells of every requirement
	// involved ("Demand!C7"), Reasons the same broken down with a stable
	// code each. Filled by ExplainUnmet.
	Reason  string        `json:"reason,omitempty"`
	Needs   string        `json:"needs,omitempty"`
	Cells   []string      `json:"cells,omitempty"`
	Reasons []UnmetReason `json:"reasons,omitempty"`
}

// NewReport describes the result of a run over intent in.
func NewReport(in *Intent, res *Result, runID string, created time.Time) *Report {
	r := &Report{RunID: runID, Created: created.UTC(), Fingerprint: Fingerprint(in), Status: res.Status,
		Interrupted: res.Interrupted, Solver: res.Solver, SolveSeconds: res.SolveTime.Seconds(),
		Model: res.Model, Phases: res.Phases,
		Objective: finite(res.Objective), LowerBound: finite(res.Bound), Gap: finite(res.Gap),
		Plan: []PlanRow{}, Utilization: []UtilizationRow{}, Unmet: []UnmetRow{}}
	for i := range r.Phases {
		r.Phases[i].Objective = zeroIfNotFinite(r.Phases[i].Objective)
		r.Phases[i].Bound = zeroIfNotFinite(r.Phases[i].Bound)
	}
	if res.Plan == nil {
		return r
	}
	r.FirstPlanSeconds, r.FinalPlanSeconds = finite(res.FirstPlan.Seconds()), finite(res.FinalPlan.Seconds())
	r.Cost = PlanCost(in, res.Plan)
	r.Plan = planRows(in, res.Plan)
	r.Utilization = utilizationRows(in, res.Plan)
	r.Unmet = unmetRows(in, res.Plan)
	return r
}

func finite(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

func zeroIfNotFinite(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return x
}

// planRows lists every pair in the plan or in Current.
func planRows(in *Intent, p *Plan) []PlanRow {
	type key struct{ s, c string }
	rows := map[key]*PlanRow{}
	get := func(s, c string) *PlanRow {
		k := key{s, c}
		if rows[k] == nil {
			row := &PlanRow{Service: s, Cluster: c, Resources: map[string]float64{}}
			if cl := in.FindCluster(c); cl != nil {
				row.Region = cl.Region
			}
			rows[k] = row
		}
		return rows[k]
	}
	services := map[string]*Service{}
	for i := range in.Services {
		services[in.Services[i].Name] = &in.Services[i]
	}
	for _, a := range p.Replicas {
		row := get(a.Service, a.Cluster)
		row.Replicas += a.Replicas
		s, cl := services[a.Service], in.FindCluster(a.Cluster)
		if s == nil || cl == nil {
			continue
		}
		for _, r := range sortedKeys(s.Shape) { // in order: the same bits every run
			if amount := s.Shape[r]; amount > 0 {
				row.Resources[r] += amount * float64(a.Replicas)
				row.Cost += amount * float64(a.Replicas) * cl.Price[r]
			}
		}
	}
	for _, rt := range p.Routes {
		get(rt.Service, rt.Cluster).LoadServed += rt.Amount
	}
	for _, d := range p.DependencyRoutes {
		get(d.DependsOn, d.To).LoadServed += d.Amount
	}
	for _, c := range in.Current {
		get(c.Service, c.Cluster).Current += c.Replicas
	}
	out := make([]PlanRow, 0, len(rows))
	for _, row := range rows {
		row.Change = row.Replicas - row.Current
		out = append(out, *row)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Service != out[j].Service {
			return out[i].Service < out[j].Service
		}
		return out[i].Cluster < out[j].Cluster
	})
	return out
}

// utilizationRows lists every cluster and resource with supply or use.
func utilizationRows(in *Intent, p *Plan) []UtilizationRow {
	used := map[[2]string]float64{}
	for _, a := range p.Replicas {
		if s := in.FindService(a.Service); s != nil {
			for r, amount := range s.Shape {
				used[[2]string{a.Cluster, r}] += amount * float64(a.Replicas)
			}
		}
	}
	var out []UtilizationRow
	for _, c := range in.Clusters {
		for _, r := range in.Resources {
			supply, u := c.Supply[r.Name], used[[2]string{c.Name, r.Name}]
			if supply == 0 && u == 0 {
				continue
			}
			row := UtilizationRow{Cluster: c.Name, Region: c.Region, Resource: r.Name, Used: u, Supply: supply}
			if supply > 0 {
				row.Utilization = u / supply
			}
			out = append(out, row)
		}
	}
	return out
}

// unmetRows lists the plan's shortfalls with their demand and priority.
func unmetRows(in *Intent, p *Plan) []UnmetRow {
	demand := map[[2]string]float64{}
	for _, d := range in.Demand {
		demand[[2]string{d.Service, d.Region}] += d.Amount
	}
	out := []UnmetRow{}
	for _, u := range p.Unmet {
		row := UnmetRow{Service: u.Service, Region: u.Region, Demand: demand[[2]string{u.Service, u.Region}], Shortfall: u.Amount}
		row.Served = math.Max(0, row.Demand-row.Shortfall) // no round-off below 0
		if s := in.FindService(u.Service); s != nil {
			row.Priority = s.Priority
		}
		out = append(out, row)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Priority != out[j].Priority {
			return out[i].Priority < out[j].Priority
		}
		if out[i].Service != out[j].Service {
			return out[i].Service < out[j].Service
		}
		return out[i].Region < out[j].Region
	})
	return out
}

// SetBaseline records the greedy baseline plan's cost and the saving of
// this run's plan over it.
func (r *Report) SetBaseline(in *Intent, baseline *Plan) {
	c := PlanCost(in, baseline)
	r.Baseline = &c
	r.Saving = c.Total - r.Cost.Total
	if math.Abs(r.Saving) <= 1e-9*math.Max(1, math.Abs(c.Total)) {
		r.Saving = 0 // round-off: sums over maps come in any order
	}
}

// Fingerprint is a hash of everything in the intent that can change a
// plan; two intents with the same fingerprint plan the same.
func Fingerprint(in *Intent) string {
	c := *in
	c.Columns = nil // where columns sit does not change the plan
	b, err := json.Marshal(&c)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}
