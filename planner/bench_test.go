package planner_test

import (
	"context"
	"sort"
	"syscall"
	"testing"
	"time"

	"github.com/auxon-planner/auxon/planner"
	"github.com/auxon-planner/auxon/planner/greedy"
)

// peakRSSMiB is the process's peak resident memory so far (Linux: KiB in
// Maxrss), HiGHS's C heap included.
func peakRSSMiB() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024
}

// BenchmarkPlan500x50 plans a generated intent of 500 services, 50
// clusters, 3 resources and 10 regions (N, N+1 and N+2 mixes, region,
// continent and global scopes, dependencies) from the greedy start to a 1%
// gap, or 60 s. It reports the model's size, the gap reached, the
// seconds to reach it and the peak RSS.
//
//	go test ./planner -run '^$' -bench Plan500x50 -benchtime 1x
func BenchmarkPlan500x50(b *testing.B) {
	benchPlan(b, planner.GenConfig{Seed: 1, Services: 500, Clusters: 50, Resources: 3, Regions: 10, Continents: 3}, time.Minute)
	b.ReportMetric(peakRSSMiB(), "peak-RSS-MiB")
}

// BenchmarkPlan500x50Long is BenchmarkPlan500x50 with a time limit of
// 15 minutes: how long the 1% gap takes when the limit does not stop it
// (with two workers the Lagrangian bound's passes get 85% of the first
// minute, then the crossover runs; see lagrange.go and crossover.go).
//
//	go test ./planner -run '^$' -bench Plan500x50Long -benchtime 1x -timeout 30m
func BenchmarkPlan500x50Long(b *testing.B) {
	benchPlan(b, planner.GenConfig{Seed: 1, Services: 500, Clusters: 50, Resources: 3, Regions: 10, Continents: 3}, 15*time.Minute)
	b.ReportMetric(peakRSSMiB(), "peak-RSS-MiB")
}

// BenchmarkPlan80x12 is BenchmarkPlan500x50 on a generated intent of 80
// services and 12 clusters (5 regions): a model small enough for
// HiGHS's branch and bound, where the Lagrangian bound does the most.
//
//	go test ./planner -run '^$' -bench Plan80x12 -benchtime 1x
func BenchmarkPlan80x12(b *testing.B) {
	benchPlan(b, planner.GenConfig{Seed: 1, Services: 80, Clusters: 12, Resources: 3, Regions: 5, Continents: 3}, time.Minute)
}

// benchPlan plans the intent cfg generates from the greedy start to a 1%
// gap or the time limit and reports the model's size, the cost, bound and gap
// reached, and the seconds to reach them.
func benchPlan(b *testing.B, cfg planner.GenConfig, limit time.Duration) {
	in := planner.Generate(cfg)
	if ps := planner.Validate(in); ps.Err() != nil {
		b.Fatal(ps.Err())
	}
	for i := 0; i < b.N; i++ {
		start := time.Now()
		base := greedy.Plan(in)
		res, err := planner.Solve(context.Background(), in, planner.Options{TimeLimit: limit, MIPGap: 0.01, Start: base})
		if err != nil {
			b.Fatal(err)
		}
		if res.Plan == nil {
			b.Fatalf("no plan: %v", res.Status)
		}
		cost := planner.PlanCost(in, res.Plan).Total
		b.ReportMetric(time.Since(start).Seconds(), "s-to-1%-or-limit")
		b.ReportMetric(100*res.Gap, "gap-%")
		b.ReportMetric(cost, "cost")
		b.ReportMetric(res.Bound, "bound")
		b.ReportMetric(float64(res.Model.Rows), "rows")
		b.ReportMetric(float64(res.Model.Cols), "cols")
		b.ReportMetric(float64(res.Model.Nonzeros), "nonzeros")
		b.ReportMetric(float64(res.Model.Integers), "integers")
		b.ReportMetric(planner.PlanCost(in, base).Total/cost, "greedy/optimum")
	}
}

// BenchmarkBuild500x50 times building the MILP alone (no solve).
func BenchmarkBuild500x50(b *testing.B) {
	in := planner.Generate(planner.GenConfig{Seed: 1, Services: 500, Clusters: 50, Resources: 3, Regions: 10, Continents: 3})
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := planner.Model(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGreedySaving plans ten seeded random intents (15 services, 8
// clusters) with the greedy baseline and with HiGHS (from the greedy start,
// 1% gap, 5 s) and reports the median saving of the optimised plan over
// the greedy one, in percent of the greedy cost, and the median unmet
// demand each leaves (the saving is only comparable where those agree).
//
//	go test ./planner -run '^$' -bench GreedySaving -benchtime 1x
func BenchmarkGreedySaving(b *testing.B) {
	for i := 0; i < b.N; i++ {
		var savings, greedyUnmet, optUnmet []float64
		for seed := uint64(1); seed <= 10; seed++ {
			in := planner.Generate(planner.GenConfig{Seed: seed, Services: 15, Clusters: 8, Regions: 4, Continents: 2})
			base := greedy.Plan(in)
			res, err := planner.Solve(context.Background(), in, planner.Options{TimeLimit: 5 * time.Second, MIPGap: 0.01, Start: base})
			if err != nil || res.Plan == nil {
				b.Fatalf("seed %d: %v %v", seed, err, res)
			}
			g, o := planner.PlanCost(in, base), planner.PlanCost(in, res.Plan)
			savings = append(savings, 100*(g.Total-o.Total)/g.Total)
			greedyUnmet = append(greedyUnmet, g.UnmetDemand)
			optUnmet = append(optUnmet, o.UnmetDemand)
		}
		b.ReportMetric(median(savings), "median-saving-%")
		b.ReportMetric(median(greedyUnmet), "median-greedy-unmet")
		b.ReportMetric(median(optUnmet), "median-optimised-unmet")
	}
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
