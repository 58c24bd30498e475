package planner_test

import (
	"context"
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
	in := planner.Generate(planner.GenConfig{Seed: 1, Services: 500, Clusters: 50, Resources: 3, Regions: 10, Continents: 3})
	if ps := planner.Validate(in); ps.Err() != nil {
		b.Fatal(ps.Err())
	}
	for i := 0; i < b.N; i++ {
		start := time.Now()
		base := greedy.Plan(in)
		res, err := planner.Solve(context.Background(), in, planner.Options{TimeLimit: 60 * time.Second, MIPGap: 0.01, Start: base})
		if err != nil {
			b.Fatal(err)
		}
		if res.Plan == nil {
			b.Fatalf("no plan: %v", res.Status)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s-to-1%-or-limit")
		b.ReportMetric(100*res.Gap, "gap-%")
		b.ReportMetric(float64(res.Model.Rows), "rows")
		b.ReportMetric(float64(res.Model.Cols), "cols")
		b.ReportMetric(float64(res.Model.Nonzeros), "nonzeros")
		b.ReportMetric(float64(res.Model.Integers), "integers")
		b.ReportMetric(planner.PlanCost(in, base).Total/planner.PlanCost(in, res.Plan).Total, "greedy/optimum")
	}
	b.ReportMetric(peakRSSMiB(), "peak-RSS-MiB")
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
