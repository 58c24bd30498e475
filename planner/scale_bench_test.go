package planner_test

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/auxon-planner/auxon/planner"
	"github.com/auxon-planner/auxon/planner/greedy"
	"github.com/auxon-planner/auxon/planner/highs"
)

// scaleCases is the benchmark family of the scale issue: consolidation
// intents of N machines with fixed costs and 3N single-replica services,
// and the 500×50×3×10 intent of BenchmarkPlan500x50.
var scaleCases = []struct {
	name string
	gen  func() *planner.Intent
}{
	{"consolidation-N100", func() *planner.Intent {
		return planner.GenerateConsolidation(planner.ConsolidationConfig{Seed: 1, Machines: 100})
	}},
	{"consolidation-N200", func() *planner.Intent {
		return planner.GenerateConsolidation(planner.ConsolidationConfig{Seed: 1, Machines: 200})
	}},
	{"consolidation-N400", func() *planner.Intent {
		return planner.GenerateConsolidation(planner.ConsolidationConfig{Seed: 1, Machines: 400})
	}},
	{"plan-500x50", func() *planner.Intent {
		return planner.Generate(planner.GenConfig{Seed: 1, Services: 500, Clusters: 50, Resources: 3, Regions: 10, Continents: 3})
	}},
}

// BenchmarkScale runs each intent of the family at 10 s and 60 s, twice:
// "auxon" is the whole pipeline (greedy start, then Solve: the engine,
// the neighbourhood search, the cover bound; the greedy's time counts
// against the limit), "plain" is HiGHS's branch and bound with default
// options on the model auxon exports (planner.Model) in the same time.
// It reports the cost (NaN: no plan), the lower bound, the gap in percent
// and, for auxon, the demand left unmet and the seconds to its first and
// final plan (plain's model serves all demand or has no plan). When plain
// finds a plan, auxon's must serve all demand at no higher cost, or the
// benchmark fails.
//
//	go test ./planner -run '^$' -bench Scale -benchtime 1x -timeout 60m
//
// Select one case or limit with -bench 'Scale/consolidation-N200/10s'.
func BenchmarkScale(b *testing.B) {
	for _, tc := range scaleCases {
		for _, limit := range []time.Duration{10 * time.Second, 60 * time.Second} {
			plain := math.NaN() // until the plain run, if selected, sets it
			b.Run(fmt.Sprintf("%s/%v/plain", tc.name, limit), func(b *testing.B) {
				in := tc.gen()
				m, err := planner.Model(in)
				if err != nil {
					b.Fatal(err)
				}
				for i := 0; i < b.N; i++ {
					r, err := highs.Solve(context.Background(), m, &highs.Options{TimeLimit: limit})
					if err != nil {
						b.Fatal(err)
					}
					plain = math.NaN()
					if r.HasSolution {
						plain = r.Objective
					}
					report(b, plain, r.DualBound)
				}
			})
			b.Run(fmt.Sprintf("%s/%v/auxon", tc.name, limit), func(b *testing.B) {
				in := tc.gen()
				if ps := planner.Validate(in); ps.Err() != nil {
					b.Fatal(ps.Err())
				}
				for i := 0; i < b.N; i++ {
					began := time.Now()
					start := greedy.Plan(in)
					greedyTime := time.Since(began)
					res, err := planner.Solve(context.Background(), in, planner.Options{TimeLimit: limit - greedyTime, Start: start})
					if err != nil {
						b.Fatal(err) // a plan failing the verifier is an error too
					}
					cost, unmet := math.NaN(), math.NaN()
					if res.Plan != nil {
						c := planner.PlanCost(in, res.Plan)
						cost, unmet = c.Total, c.UnmetDemand
						b.ReportMetric(unmet, "unmet")
						b.ReportMetric((greedyTime + res.FirstPlan).Seconds(), "s-first-plan")
						b.ReportMetric((greedyTime + res.FinalPlan).Seconds(), "s-final-plan")
					}
					report(b, cost, res.Bound)
					b.ReportMetric(time.Since(began).Seconds(), "s-wall")
					if !math.IsNaN(plain) && !(unmet == 0 && cost <= plain*(1+1e-9)) {
						b.Errorf("auxon's plan costs %.2f leaving %g unmet, plain branch and bound's %.2f serving all", cost, unmet, plain)
					}
				}
			})
		}
	}
}

// report reports a cost, a bound and their gap.
func report(b *testing.B, cost, bound float64) {
	b.ReportMetric(cost, "cost")
	b.ReportMetric(bound, "bound")
	b.ReportMetric(100*(cost-bound)/math.Abs(cost), "gap-%")
}

// BenchmarkPlan2000x100 plans a generated intent of 2,000 services and 100
// clusters (3 resources, 20 regions) with the default 60 s limit, from the
// greedy start, and reports the wall time to a verified plan (greedy,
// model build and solve), its gap, and the process's peak RSS.
//
//	go test ./planner -run '^$' -bench Plan2000x100 -benchtime 1x
func BenchmarkPlan2000x100(b *testing.B) {
	in := planner.Generate(planner.GenConfig{Seed: 1, Services: 2000, Clusters: 100, Resources: 3, Regions: 20, Continents: 4})
	if ps := planner.Validate(in); ps.Err() != nil {
		b.Fatal(ps.Err())
	}
	for i := 0; i < b.N; i++ {
		began := time.Now()
		start := greedy.Plan(in)
		res, err := planner.Solve(context.Background(), in, planner.Options{Start: start})
		if err != nil {
			b.Fatal(err)
		}
		if res.Plan == nil {
			b.Fatalf("no plan: %v", res.Status)
		}
		b.ReportMetric(time.Since(began).Seconds(), "s-wall")
		b.ReportMetric(100*res.Gap, "gap-%")
		g, f := planner.PlanCost(in, start), planner.PlanCost(in, res.Plan)
		b.ReportMetric(g.Total/f.Total, "greedy/final")
		b.ReportMetric(g.UnmetDemand, "greedy-unmet")
		b.ReportMetric(f.UnmetDemand, "final-unmet")
		b.ReportMetric(float64(res.Model.Cols), "cols")
	}
	b.ReportMetric(peakRSSMiB(), "peak-RSS-MiB")
}
