package greedy

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/auxon-planner/auxon/planner"
)

// TestGeneratedIntents plans seeded random intents of several sizes and
// checks what Plan promises: the verifier finds nothing. The generator's
// intents are feasible by construction, with supply sized around its own
// witness plan, so a greedy plan leaves some demand unmet where it
// spent that supply elsewhere; the test bounds the share over all seeds
// so that a regression in quality shows too.
func TestGeneratedIntents(t *testing.T) {
	configs := []planner.GenConfig{
		{Services: 12, Clusters: 8, Regions: 4, Continents: 2},
		{Services: 40, Clusters: 15},
		{Services: 80, Clusters: 30, DependencyProb: 0.6},
	}
	const seeds = 30
	for ci, cfg := range configs {
		var unmet, demand float64
		for seed := uint64(1); seed <= seeds; seed++ {
			cfg.Seed = seed
			t.Run(fmt.Sprintf("config%d/seed%d", ci, seed), func(t *testing.T) {
				in := planner.Generate(cfg)
				p := Plan(in)
				if v := planner.Verify(in, p); len(v) > 0 {
					t.Fatalf("%d violations:\n%v", len(v), v.Error())
				}
				u, d := unmetShare(in, p)
				unmet, demand = unmet+u, demand+d
			})
		}
		t.Logf("config %d: %.2f%% of demand unmet over %d seeds", ci, 100*unmet/demand, seeds)
		if unmet > 0.08*demand {
			t.Errorf("config %d: %.2f%% of demand unmet over %d seeds, want at most 8%%", ci, 100*unmet/demand, seeds)
		}
	}
}

// unmetShare is the unmet and total demand of plan p.
func unmetShare(in *planner.Intent, p *planner.Plan) (unmet, demand float64) {
	for _, d := range in.Demand {
		demand += d.Amount
	}
	return planner.PlanCost(in, p).UnmetDemand, demand
}

func TestDeterministic(t *testing.T) {
	in := planner.Generate(planner.GenConfig{Seed: 7, Services: 150, Clusters: 25, DependencyProb: 0.5})
	a, b := Plan(in), Plan(in)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two plans of the same intent differ")
	}
}

func TestScale(t *testing.T) {
	if testing.Short() {
		t.Skip("large intent")
	}
	in := planner.Generate(planner.GenConfig{Seed: 1, Services: 2000, Clusters: 100})
	p := Plan(in)
	if v := planner.Verify(in, p); len(v) > 0 {
		t.Fatalf("%d violations, first: %v", len(v), v[0])
	}
	u, d := unmetShare(in, p)
	t.Logf("2000×100: %d replicas, unmet %.4g of %.4g, cost %.6g", len(p.Replicas), u, d, planner.PlanCost(in, p).Total)
}

func BenchmarkGreedy2000x100(b *testing.B) {
	in := planner.Generate(planner.GenConfig{Seed: 1, Services: 2000, Clusters: 100})
	b.ResetTimer()
	for b.Loop() {
		Plan(in)
	}
}
