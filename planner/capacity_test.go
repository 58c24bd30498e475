package planner

import (
	"context"
	"math"
	"testing"
	"time"
)

// capacityInstances are small intents whose capacity values are known by
// hand.
var capacityInstances = []struct {
	name   string
	intent func() *Intent
	// want is cluster -> (unmet served per cpu, cost saved per cpu).
	want map[string][2]float64
}{
	{
		// One more cpu in a is one more replica: 10 more units served.
		name: "short",
		intent: func() *Intent {
			in := small(cluster("a", "r1", 3, 1))
			in.Services = []Service{svc("web")}
			in.Demand = []Demand{{Service: "web", Region: "r1", Amount: 50}}
			return in
		},
		want: map[string][2]float64{"a": {10, 0}},
	},
	{
		// All demand met; cheap a (price 1) is full, dear b (price 3)
		// takes the rest: one more cpu in a moves a replica, saving 2.
		name: "cheap cluster full",
		intent: func() *Intent {
			in := small(cluster("a", "r1", 2, 1), cluster("b", "r1", 100, 3))
			in.Services = []Service{svc("web")}
			in.Demand = []Demand{{Service: "web", Region: "r1", Amount: 50}}
			return in
		},
		want: map[string][2]float64{"a": {0, 2}, "b": {0, 0}},
	},
	{
		// Both clusters full of P0: a cpu anywhere serves 10 more P0
		// units; in cheap b it also lets a replica leave dear a (5 − 1).
		name: "priority",
		intent: func() *Intent {
			in := small(cluster("a", "r1", 3, 5), cluster("b", "r1", 2, 1))
			p0, p1 := svc("checkout"), svc("batch")
			p1.Priority = 1
			in.Services = []Service{p1, p0}
			in.Demand = []Demand{{Service: "batch", Region: "r1", Amount: 40}, {Service: "checkout", Region: "r1", Amount: 60}}
			return in
		},
		want: map[string][2]float64{"a": {10, 0}, "b": {10, 4}},
	},
	{
		// A replica takes 2 cpu and serves 10: one more cpu serves 5.
		name: "two cpu per replica",
		intent: func() *Intent {
			in := small(cluster("a", "r1", 4, 1))
			s := svc("web")
			s.Shape["cpu"] = 2
			in.Services = []Service{s}
			in.Demand = []Demand{{Service: "web", Region: "r1", Amount: 50}}
			return in
		},
		want: map[string][2]float64{"a": {5, 0}},
	},
}

func TestCapacityValueKnown(t *testing.T) {
	for _, tc := range capacityInstances {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.intent()
			res, err := Solve(context.Background(), in, Options{TimeLimit: 10 * time.Second})
			if err != nil || res.Plan == nil {
				t.Fatalf("solve: %v %v", err, res)
			}
			rows, err := CapacityValue(context.Background(), in, res.Plan, CapacityOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != len(tc.want) {
				t.Fatalf("rows %+v, want %d", rows, len(tc.want))
			}
			for _, r := range rows {
				w := tc.want[r.Cluster]
				if math.Abs(r.UnmetServed-w[0]) > 1e-6 || math.Abs(r.CostSaving-w[1]) > 1e-6 {
					t.Errorf("%s: serves %g, saves %g per cpu; want %g, %g", r.Cluster, r.UnmetServed, r.CostSaving, w[0], w[1])
				}
			}
		})
	}
}

// TestCapacityValueFiniteDifference checks every dual against the LP
// itself: add one unit of the resource, re-solve, and compare. One unit
// stays within the basis on these instances, so the differences are
// exact.
func TestCapacityValueFiniteDifference(t *testing.T) {
	for _, tc := range capacityInstances {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.intent()
			res, err := Solve(context.Background(), in, Options{TimeLimit: 10 * time.Second})
			if err != nil || res.Plan == nil {
				t.Fatalf("solve: %v", err)
			}
			checkFiniteDifference(t, in, res.Plan, 1, true)
		})
	}
}

// TestCapacityValueSubgradient checks, on generated intents, what holds
// for any dual of a convex value function, degenerate or not: a step of
// δ up saves at most value·δ, a step down costs at least value·δ.
func TestCapacityValueSubgradient(t *testing.T) {
	nonzero := 0
	for seed := uint64(1); seed <= 3; seed++ {
		in, witness := GenerateWitness(GenConfig{Seed: seed, Services: 6, Clusters: 4, Regions: 2, Continents: 1})
		tighten(in, witness)
		nonzero += checkFiniteDifference(t, in, witness, 0.5, false)
	}
	if nonzero == 0 {
		t.Error("every value is zero: the test checks nothing")
	}
}

// tighten cuts every cluster's supply down to what the plan uses, so
// that supply rows bind.
func tighten(in *Intent, p *Plan) {
	used := map[[2]string]float64{}
	for _, a := range p.Replicas {
		for r, x := range in.FindService(a.Service).Shape {
			used[[2]string{a.Cluster, r}] += x * float64(a.Replicas)
		}
	}
	for i := range in.Clusters {
		c := &in.Clusters[i]
		for r := range c.Supply {
			c.Supply[r] = used[[2]string{c.Name, r}]
		}
	}
}

// checkFiniteDifference compares each supply row's values with the LP
// re-solved at supply ± delta; exact asks for equality on the step up,
// else the subgradient inequalities. It returns the number of nonzero
// values checked.
func checkFiniteDifference(t *testing.T, in *Intent, p *Plan, delta float64, exact bool) int {
	t.Helper()
	ctx := context.Background()
	base, err := newCapacityLP(in, p)
	if err != nil {
		t.Fatal(err)
	}
	if err := base.solve(ctx, CapacityOptions{}, nil); err != nil {
		t.Fatal(err)
	}
	nonzero := 0
	for _, row := range base.rows(p) {
		if row.CostSaving != 0 || row.UnmetServed != 0 {
			nonzero++
		}
		up := shifted(t, in, p, row.Cluster, row.Resource, delta, nil)
		down := shifted(t, in, p, row.Cluster, row.Resource, -delta, nil)
		// The most important level a unit helps: holding the levels
		// before it, how much more of it is served?
		for _, pv := range row.ByPriority {
			gainUp := (base.level[pv.Priority] - up.level[pv.Priority]) / delta
			lossDown := math.Inf(1) // the plan no longer fits less supply
			if down != nil {
				lossDown = (down.level[pv.Priority] - base.level[pv.Priority]) / delta
			}
			check(t, row, "unmet served", pv.PerUnit, gainUp, lossDown, exact)
			break
		}
		// Cost: hold every level at the base's unmet demand.
		upC := shifted(t, in, p, row.Cluster, row.Resource, delta, base.level)
		downC := shifted(t, in, p, row.Cluster, row.Resource, -delta, base.level)
		lossDown := math.Inf(1)
		if downC != nil {
			lossDown = (downC.cost - base.cost) / delta
		}
		check(t, row, "cost saving", row.CostSaving, (base.cost-upC.cost)/delta, lossDown, exact)
	}
	return nonzero
}

func check(t *testing.T, row CapacityValueRow, what string, value, gainUp, lossDown float64, exact bool) {
	t.Helper()
	const tol = 1e-5
	if exact && math.Abs(gainUp-value) > tol*math.Max(1, math.Abs(value)) {
		t.Errorf("%s/%s %s: dual %g, one more unit gives %g", row.Cluster, row.Resource, what, value, gainUp)
	}
	if gainUp > value+tol*math.Max(1, math.Abs(value)) || lossDown < value-tol*math.Max(1, math.Abs(value)) {
		t.Errorf("%s/%s %s: dual %g outside [gain up %g, loss down %g]", row.Cluster, row.Resource, what, value, gainUp, lossDown)
	}
}

// shifted solves the capacity LP of in with the supply of resource in
// cluster moved by delta (levels held at fixed, if given). It returns
// nil when the plan no longer fits the moved supply.
func shifted(t *testing.T, in *Intent, p *Plan, cluster, resource string, delta float64, fixed map[int]float64) *capacityLP {
	t.Helper()
	c := *in
	c.Clusters = append([]Cluster(nil), in.Clusters...)
	for i := range c.Clusters {
		if c.Clusters[i].Name == cluster {
			supply := map[string]float64{}
			for k, v := range c.Clusters[i].Supply {
				supply[k] = v
			}
			supply[resource] += delta
			c.Clusters[i].Supply = supply
		}
	}
	cv, err := newCapacityLP(&c, p)
	if err != nil {
		t.Fatal(err)
	}
	if err := cv.solve(context.Background(), CapacityOptions{}, fixed); err != nil {
		if delta < 0 {
			return nil // less supply than the plan's footprint needs
		}
		t.Fatalf("%s/%s %+g: %v", cluster, resource, delta, err)
	}
	return cv
}

// TestCapacityValueMILP checks two values against the full planner: one
// more cpu, re-planned from scratch, serves or saves what the value says.
func TestCapacityValueMILP(t *testing.T) {
	for _, name := range []string{"short", "cheap cluster full"} {
		for _, tc := range capacityInstances {
			if tc.name != name {
				continue
			}
			in := tc.intent()
			res, err := Solve(context.Background(), in, Options{TimeLimit: 10 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			rows, err := CapacityValue(context.Background(), in, res.Plan, CapacityOptions{})
			if err != nil {
				t.Fatal(err)
			}
			more := tc.intent()
			more.Clusters[0].Supply["cpu"]++
			res2, err := Solve(context.Background(), more, Options{TimeLimit: 10 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			served := PlanCost(in, res.Plan).UnmetDemand - PlanCost(more, res2.Plan).UnmetDemand
			saved := res.Objective - res2.Objective
			r := rows[0]
			if math.Abs(served-r.UnmetServed) > 1e-6 || (served == 0 && math.Abs(saved-r.CostSaving) > 1e-6) {
				t.Errorf("%s: one more cpu in %s served %g and saved %g; capacity value says %g and %g",
					name, r.Cluster, served, saved, r.UnmetServed, r.CostSaving)
			}
		}
	}
}
