package greedy

import (
	"cmp"
	"fmt"
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/auxon-planner/auxon/planner"
)

// fixedCluster is a cluster of the test intent with only a fixed cost.
func fixedCluster(name, region string, supply, fixed float64) planner.Cluster {
	c := cluster(name, region, supply, 0)
	c.FixedCost = fixed
	return c
}

// TestFixedCosts plans small intents where clusters cost a fixed amount
// and checks the exact cost: the greedy opens the cluster with the least
// fixed cost per unit of the supply its services will use, and the
// consolidation pass closes a cluster whose services fit elsewhere.
func TestFixedCosts(t *testing.T) {
	svc := func(name string, prio int, demand float64) (planner.Service, planner.Demand) {
		s := service(name)
		s.Priority = prio
		return s, planner.Demand{Service: name, Region: "r1", Amount: demand}
	}
	cases := []struct {
		name     string
		in       func() *planner.Intent
		cost     float64
		replicas map[string]int
		unmet    map[string]float64
	}{{
		// Four services of 3 replicas (12 cpu). The small cluster has
		// the least fixed cost and a service alone would open it (100
		// over 3 replicas beats 200), but the big one holds all four:
		// 200 for 12 cpu against 100 for 4. Before: small + big, 300.
		name: "open by cost per useful supply",
		in: func() *planner.Intent {
			in := intent(fixedCluster("small", "r1", 4, 100), fixedCluster("big", "r1", 16, 200))
			for i := range 4 {
				s, d := svc(fmt.Sprintf("s%d", i), 0, 30)
				in.Services, in.Demand = append(in.Services, s), append(in.Demand, d)
			}
			return in
		},
		cost:     200,
		replicas: map[string]int{"s0/big": 3, "s1/big": 3, "s2/big": 3, "s3/big": 3},
	}, {
		// A service alone pays the whole fixed cost: the small cluster
		// holds it, so it opens that one.
		name: "alone, the least fixed cost",
		in: func() *planner.Intent {
			in := intent(fixedCluster("small", "r1", 4, 100), fixedCluster("big", "r1", 16, 200))
			s, d := svc("web", 0, 30)
			in.Services, in.Demand = []planner.Service{s}, []planner.Demand{d}
			return in
		},
		cost:     100,
		replicas: map[string]int{"web/small": 3},
	}, {
		// web (2 replicas, placed first) opens small: 100 for 4 cpu
		// beats 300 for the 9 cpu both services take in big. batch (7)
		// fills small's 2 cpu and opens big for the other 5. The
		// consolidation pass moves web and batch's 2 replicas from small
		// to big, which has the room, and closes small: 300, not 400.
		name: "consolidation closes a cluster",
		in: func() *planner.Intent {
			in := intent(fixedCluster("small", "r1", 4, 100), fixedCluster("big", "r1", 10, 300))
			web, d1 := svc("web", 0, 20)
			batch, d2 := svc("batch", 1, 70)
			in.Services, in.Demand = []planner.Service{web, batch}, []planner.Demand{d1, d2}
			return in
		},
		cost:     300,
		replicas: map[string]int{"web/big": 2, "batch/big": 7},
	}, {
		// As above, with web bound to r1 by its SLO and calling db,
		// which runs only in r2, within 60 ms (r1–r2 is 50 ms). Moving
		// web to big moves its dependency route's source with it.
		name: "consolidation moves dependency routes",
		in: func() *planner.Intent {
			in := intent(fixedCluster("small", "r1", 4, 100), fixedCluster("big", "r1", 10, 300), cluster("d", "r2", 10, 1))
			web, d1 := svc("web", 0, 20)
			web.LatencySLO, web.HasLatencySLO = 10, true
			batch, d2 := svc("batch", 1, 70)
			batch.Allowed = []string{"r1"}
			db, _ := svc("db", 0, 0)
			db.Allowed = []string{"d"}
			in.Services, in.Demand = []planner.Service{web, batch, db}, []planner.Demand{d1, d2}
			in.Dependencies = []planner.Dependency{{Service: "web", DependsOn: "db", Ratio: 1, MaxRTT: 60, HasMaxRTT: true}}
			return in
		},
		cost:     302,
		replicas: map[string]int{"web/big": 2, "batch/big": 7, "db/d": 2},
	}, {
		// web is expected to share a cluster with batch, so it opens
		// big (150 for 10 cpu rather than 100 for 4), but batch's
		// demand comes from r3, beyond its SLO of every cluster, and
		// stays unmet. The consolidation pass moves web into the
		// cheaper small cluster, which holds it, and closes big.
		name: "consolidation swaps for a cheaper cluster",
		in: func() *planner.Intent {
			in := intent(fixedCluster("small", "r1", 4, 100), fixedCluster("big", "r1", 10, 150))
			web, d1 := svc("web", 0, 20)
			batch, d2 := svc("batch", 1, 80)
			batch.LatencySLO, batch.HasLatencySLO = 10, true
			d2.Region = "r3"
			in.Services, in.Demand = []planner.Service{web, batch}, []planner.Demand{d1, d2}
			return in
		},
		cost:     100,
		replicas: map[string]int{"web/small": 2},
		unmet:    map[string]float64{"batch/r3": 80},
	}, {
		// As above, but big lies in r2, beyond web's 10 ms SLO: web
		// cannot move and both clusters stay open.
		name: "consolidation keeps the SLO",
		in: func() *planner.Intent {
			in := intent(fixedCluster("small", "r1", 4, 100), fixedCluster("big", "r2", 10, 300))
			web, d1 := svc("web", 0, 20)
			web.LatencySLO, web.HasLatencySLO = 10, true
			batch, d2 := svc("batch", 1, 70)
			in.Services, in.Demand = []planner.Service{web, batch}, []planner.Demand{d1, d2}
			return in
		},
		cost:     400,
		replicas: map[string]int{"web/small": 2, "batch/small": 2, "batch/big": 5},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in()
			p := plan(t, in)
			wantReplicas(t, p, tc.replicas)
			wantUnmet(t, p, tc.unmet)
			if c := planner.PlanCost(in, p).Total; c != tc.cost {
				t.Errorf("cost %g, want %g", c, tc.cost)
			}
		})
	}
}

// TestConsolidationIntents plans machine-consolidation intents (bin
// packing with fixed costs): every service is placed, the plan keeps its
// intent and is the same each time, and it costs at most 1.25 times coverBound. Before the greedy
// shared fixed costs and consolidated, it paid 1.40–1.79 times the bound
// on these seeds (9383, 10417, 9129, 10015 and 11863); it now pays
// 1.11–1.17 times (7536, 7300, 7218, 7737 and 7699).
func TestConsolidationIntents(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		in := planner.GenerateConsolidation(planner.ConsolidationConfig{Seed: seed, Machines: 50})
		p := plan(t, in)
		if !reflect.DeepEqual(p, Plan(in)) {
			t.Errorf("seed %d: two plans of the same intent differ", seed)
		}
		c := planner.PlanCost(in, p)
		if c.UnmetDemand > 0 {
			t.Errorf("seed %d: %g unmet", seed, c.UnmetDemand)
		}
		lb := coverBound(in)
		t.Logf("seed %d: cost %g, %.3f times the bound %.0f", seed, c.Total, c.Total/lb, lb)
		if c.Total > 1.25*lb {
			t.Errorf("seed %d: cost %g, want at most 1.25 × %.0f", seed, c.Total, lb)
		}
	}
}

// coverBound is a lower bound on the cost of an intent whose clusters
// have only fixed costs and whose services all run anywhere: for each
// resource, the least cost of clusters covering what the replicas the
// demand needs take of it, a cluster counting in part at that share of
// its fixed cost (so the cheapest per unit first); the largest over the
// resources.
func coverBound(in *planner.Intent) float64 {
	demand := map[string]float64{}
	for _, d := range in.Demand {
		demand[d.Service] += d.Amount
	}
	lb := 0.0
	for _, res := range in.Resources {
		need := 0.0
		for _, s := range in.Services {
			need += s.Shape[res.Name] * max(float64(s.MinReplicas), math.Ceil(demand[s.Name]/s.ReplicaCapacity))
		}
		cs := slices.Clone(in.Clusters)
		slices.SortStableFunc(cs, func(a, b planner.Cluster) int {
			return cmp.Compare(a.FixedCost/a.Supply[res.Name], b.FixedCost/b.Supply[res.Name])
		})
		cost := 0.0
		for _, c := range cs {
			if need <= 0 {
				break
			}
			take := math.Min(need, c.Supply[res.Name])
			cost += c.FixedCost * take / c.Supply[res.Name]
			need -= take
		}
		lb = math.Max(lb, cost)
	}
	return lb
}

// TestConsolidateGenerated runs one greedy pass over generated intents
// where every cluster has a large fixed cost, then the consolidation
// pass: both plans must keep their intent (dependencies, SLOs, N+k,
// footprints, reservations), the second may not cost more, and over all
// intents the pass must close clusters.
func TestConsolidateGenerated(t *testing.T) {
	configs := []planner.GenConfig{
		{Services: 12, Clusters: 8, Regions: 4, Continents: 2},
		{Services: 40, Clusters: 15, DependencyProb: 0.9},
		{Services: 80, Clusters: 30, DependencyProb: 0.6},
		{Services: 60, Clusters: 20, Regions: 2},
	}
	closed := 0
	for ci, cfg := range configs {
		for seed := uint64(1); seed <= 8; seed++ {
			cfg.Seed = seed
			in := planner.Generate(cfg)
			for i := range in.Clusters {
				in.Clusters[i].FixedCost = float64(30000 + (i*7919)%90000)
				for r := range in.Clusters[i].Supply {
					in.Clusters[i].Supply[r] *= 1.5
				}
			}
			p := newProblem(in)
			demand := make([]float64, len(p.origins))
			nodeCap := make([]float64, len(p.svcs)*len(p.cls))
			for o, or := range p.origins {
				demand[o] = or.demand
			}
			for i := range nodeCap {
				nodeCap[i] = math.Inf(1)
			}
			r := newRun(p, demand, nodeCap)
			r.plan()
			if len(r.fails) > 0 {
				continue // Plan would run again with feedback
			}
			before := r.output()
			used := 0
			for _, h := range r.hosts {
				if h > 0 {
					used++
				}
			}
			r.consolidate()
			after := r.output()
			for _, h := range r.hosts {
				if h > 0 {
					used--
				}
			}
			closed += used
			for i, pl := range []*planner.Plan{before, after} {
				if v := planner.Verify(in, pl); len(v) > 0 {
					t.Errorf("config %d seed %d, plan %d (0 before consolidation, 1 after): %d violations, first: %v",
						ci, seed, i, len(v), v[0])
				}
			}
			cb, ca := planner.PlanCost(in, before), planner.PlanCost(in, after)
			if ca.Total > cb.Total || math.Abs(ca.UnmetDemand-cb.UnmetDemand) > 1e-6*math.Max(1, cb.UnmetDemand) {
				t.Errorf("config %d seed %d: consolidation takes cost %g to %g, unmet %g to %g", ci, seed,
					cb.Total, ca.Total, cb.UnmetDemand, ca.UnmetDemand)
			}
		}
	}
	t.Logf("%d clusters closed", closed)
	if closed == 0 {
		t.Error("consolidation closed no cluster")
	}
}

// BenchmarkGreedyConsolidation plans machine-consolidation intents of
// 100, 200 and 400 machines (seed 1) and reports the plan's cost.
func BenchmarkGreedyConsolidation(b *testing.B) {
	for _, n := range []int{100, 200, 400} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			in := planner.GenerateConsolidation(planner.ConsolidationConfig{Seed: 1, Machines: n})
			var p *planner.Plan
			for b.Loop() {
				p = Plan(in)
			}
			b.ReportMetric(planner.PlanCost(in, p).Total, "cost")
			b.ReportMetric(planner.PlanCost(in, p).UnmetDemand, "unmet")
		})
	}
}
