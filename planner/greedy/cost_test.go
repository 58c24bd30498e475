package greedy

import (
	"fmt"
	"testing"

	"github.com/auxon-planner/auxon/planner"
)

// TestChurnPriced plans one service of 3 replicas that two clusters could
// host, the second a little dearer, and checks that today's replicas
// stay where they are when moving them costs more than the price
// difference saves.
func TestChurnPriced(t *testing.T) {
	cases := []struct {
		name    string
		current []planner.Placement
		move    float64
		want    map[string]int
	}{
		{"no current: the cheaper cluster", nil, 1, map[string]int{"web/a": 3}},
		{"today's replicas stay", []planner.Placement{{Service: "web", Cluster: "b", Replicas: 3}}, 1, map[string]int{"web/b": 3}},
		{"free moves: the cheaper cluster", []planner.Placement{{Service: "web", Cluster: "b", Replicas: 3}}, 0, map[string]int{"web/a": 3}},
		// Moving 3 replicas costs 6 (remove 3, add 3), the price gap
		// over 3 replicas is 3 × 3: moving pays.
		{"a big price gap pays for the move", []planner.Placement{{Service: "web", Cluster: "c", Replicas: 3}}, 1, map[string]int{"web/a": 3}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := intent(cluster("a", "r1", 100, 1), cluster("b", "r1", 100, 1.05), cluster("c", "r1", 100, 4))
			in.Services = []planner.Service{service("web")}
			in.Demand = []planner.Demand{{Service: "web", Region: "r1", Amount: 30}}
			in.Current, in.Settings.MoveCost = tc.current, tc.move
			wantReplicas(t, plan(t, in), tc.want)
		})
	}
}

// TestNPlus2NonConvexSpread needs 21.8 replicas of load under N+2 with
// at least 2 replicas per cluster, over 13 equal clusters. Each count of
// clusters m needs a level T with (m−2)·T ≥ 21.8: 8 clusters take 32
// replicas, 9 take 36, 10 take 30, 12 take 36 and 13 take 26, the least.
// Opening clusters only while the next one helps stopped at 8.
func TestNPlus2NonConvexSpread(t *testing.T) {
	var cs []planner.Cluster
	for i := range 13 {
		cs = append(cs, cluster(fmt.Sprintf("c%02d", i), "r1", 100, 1))
	}
	in := intent(cs...)
	s := service("web")
	s.Redundancy, s.MinReplicas = 2, 2
	in.Services = []planner.Service{s}
	in.Demand = []planner.Demand{{Service: "web", Region: "r1", Amount: 218}}
	p := plan(t, in)
	wantUnmet(t, p, nil)
	total := totalReplicas(p)
	if len(p.Replicas) != 13 || total != 26 {
		t.Errorf("N+2 uses %d clusters and %d replicas, want 13 and 26: %v", len(p.Replicas), total, p.Replicas)
	}
}

// TestRezone: N+1 within Max Clusters 3 and 28 replicas of load. Region
// r1's clusters are the cheapest, but one holds only 2 replicas, so
// there the others need 26 each (losing one leaves 2 + 26): 54 replicas
// at 1. Region r2's three take 14 each: 42 at 1.1, the cheaper plan,
// which placing again without r1 finds.
func TestRezone(t *testing.T) {
	in := intent(cluster("a", "r1", 2, 1), cluster("b", "r1", 100, 1), cluster("c", "r1", 100, 1),
		cluster("d", "r2", 100, 1.1), cluster("e", "r2", 100, 1.1), cluster("f", "r2", 100, 1.1))
	s := service("web")
	s.Redundancy, s.MaxClusters = 1, 3
	in.Services = []planner.Service{s}
	in.Demand = []planner.Demand{{Service: "web", Region: "r1", Amount: 280}}
	p := plan(t, in)
	wantUnmet(t, p, nil)
	wantReplicas(t, p, map[string]int{"web/d": 14, "web/e": 14, "web/f": 14})
}
