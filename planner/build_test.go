package planner

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/auxon-planner/auxon/planner/highs"
)

// lpBound solves the LP relaxation of in's full-demand model.
func lpBound(t *testing.T, in *Intent) float64 {
	t.Helper()
	fm, err := build(in, false)
	if err != nil {
		t.Fatal(err)
	}
	defer fm.serveAll()()
	lp := *fm.m
	lp.Integer = nil
	r, err := highs.Solve(context.Background(), &lp, &highs.Options{Extra: []highs.Option{presolveWorkaround}})
	if err != nil || r.Status != highs.StatusOptimal {
		t.Fatalf("LP: %v %v", err, r.Status)
	}
	return r.Objective
}

// TestFootprintRedundancyRow: a service of N+k with Max Clusters M below
// its candidates loses at least k/M of its replicas with its k largest
// clusters. 197 units (19.7 replicas) under N+1 within 3 of 14 equal
// clusters take 30 replicas (10 in each; 9 in each keep only 18); the
// LP bound, which spread 21.1 replicas over all 14 before the row, is
// now 19.7·3/2 = 29.55. With Max Clusters 14 (all candidates) the row
// adds nothing and is left out; the optimum is then 22 replicas (2 in
// each of 11 clusters keep 20 after losing one).
func TestFootprintRedundancyRow(t *testing.T) {
	for _, tc := range []struct {
		maxClusters  int
		lpAtLeast    float64
		optimum      float64
		footprintRow bool
	}{
		{3, 29.55, 30, true},
		{14, 19.7, 22, false},
	} {
		t.Run(fmt.Sprint("max clusters ", tc.maxClusters), func(t *testing.T) {
			var cs []Cluster
			for i := range 14 {
				cs = append(cs, cluster(fmt.Sprintf("c%02d", i), "r1", 100, 1))
			}
			in := small(cs...)
			in.Latency = nil
			s := svc("web")
			s.Redundancy, s.Scope, s.MaxClusters = 1, ScopeGlobal, tc.maxClusters
			in.Services = []Service{s}
			in.Demand = []Demand{{Service: "web", Region: "r1", Amount: 197}}
			if ps := Validate(in); ps.Err() != nil {
				t.Fatal(ps.Err())
			}
			if lp := lpBound(t, in); lp < tc.lpAtLeast-1e-6 || lp > tc.optimum+1e-6 {
				t.Errorf("LP bound %.3f, want in [%.2f, %.0f]", lp, tc.lpAtLeast, tc.optimum)
			}
			fm, err := build(in, true)
			if err != nil {
				t.Fatal(err)
			}
			has := false
			for _, name := range fm.m.RowNames {
				has = has || strings.HasPrefix(name, "nkfoot")
			}
			if has != tc.footprintRow {
				t.Errorf("footprint redundancy row: %v, want %v", has, tc.footprintRow)
			}
			res, err := Solve(context.Background(), in, Options{TimeLimit: 20 * time.Second, MIPGap: 1e-6})
			if err != nil || res.Plan == nil {
				t.Fatalf("solve: %v %v", err, res)
			}
			if got := PlanCost(in, res.Plan).Total; math.Abs(got-tc.optimum) > 1e-6 {
				t.Errorf("optimum %.2f, want %.0f: %v", got, tc.optimum, res.Plan.Replicas)
			}
		})
	}
}
