package planner

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"
)

// TestPreviousRepaired: yesterday's optimal plan no longer serves
// today's demand (15% more everywhere). The previous plan is repaired,
// not dropped: the start keeps every replica it ran, is feasible for
// the full-demand phase, and costs within 10% of today's optimum; a
// solve with it says so in its log.
func TestPreviousRepaired(t *testing.T) {
	for seed := uint64(1); seed <= 2; seed++ {
		yesterday := Generate(GenConfig{Seed: seed, Services: 15, Clusters: 8, Regions: 4, Continents: 2})
		res, err := Solve(context.Background(), yesterday, Options{TimeLimit: 10 * time.Second, MIPGap: 1e-3})
		if err != nil || res.Plan == nil {
			t.Fatalf("seed %d: yesterday: %v %v", seed, err, res)
		}
		prev := res.Plan
		today := Generate(GenConfig{Seed: seed, Services: 15, Clusters: 8, Regions: 4, Continents: 2})
		for i := range today.Demand {
			today.Demand[i].Amount = math.Round(today.Demand[i].Amount * 1.15)
		}
		opt, err := Solve(context.Background(), today, Options{TimeLimit: 10 * time.Second, MIPGap: 1e-3})
		if err != nil || opt.Plan == nil {
			t.Fatalf("seed %d: today: %v %v", seed, err, opt)
		}
		fm, err := build(today, false)
		if err != nil {
			t.Fatal(err)
		}
		s := &solver{fm: fm, engine: HiGHS{}, opts: Options{Previous: prev, Threads: 1}, limit: 10 * time.Second}
		restore := fm.serveAll()
		if s.quickSolve(context.Background(), s.fixedIntegers(fm.start(prev))) != nil {
			t.Fatalf("seed %d: yesterday's plan still serves today's demand: no repair to test", seed)
		}
		s.preferPrevious(context.Background())
		if s.start == nil || !s.feasible(s.start) {
			t.Fatalf("seed %d: no feasible start from the previous plan", seed)
		}
		for _, a := range prev.Replicas {
			sv := fm.svc[fm.svcIdx[a.Service]]
			if n, ok := sv.n[fm.clIdx[a.Cluster]]; ok && s.start[n] < float64(a.Replicas) {
				t.Errorf("seed %d: %s in %s: %v replicas, yesterday %d", seed, a.Service, a.Cluster, s.start[n], a.Replicas)
			}
		}
		cost := fm.m.Objective(s.start)
		restore()
		if want := PlanCost(today, opt.Plan).Total; cost > 1.1*want {
			t.Errorf("seed %d: repaired start costs %.2f, today's optimum %.2f", seed, cost, want)
		}
		t.Logf("seed %d: repaired start %.2f, today's optimum %.2f", seed, cost, PlanCost(today, opt.Plan).Total)
		var logged bool
		if _, err := Solve(context.Background(), today, Options{TimeLimit: 5 * time.Second, MIPGap: 0.01, Previous: prev,
			Log: func(line string) { logged = logged || strings.HasPrefix(line, "previous plan repaired") }}); err != nil {
			t.Fatal(err)
		}
		if !logged {
			t.Errorf("seed %d: the solve did not repair the previous plan", seed)
		}
	}
}
