package planner

import "testing"

func TestPlanCost(t *testing.T) {
	// verifyFixture prices cpu at 2 and ram at 0.5 everywhere, with a
	// fixed cost of 10 per cluster. web is cpu 1 + ram 2 = 3 a replica,
	// db is cpu 2 + ram 8 = 8 a replica.
	tests := []struct {
		name   string
		mutate func(in *Intent, p *Plan)
		want   Cost
	}{
		{"fixture", func(*Intent, *Plan) {},
			// 8 web · 3 + 1 db · 8 = 32; a1, a2, b1 host replicas: 30.
			Cost{Resource: 32, Fixed: 30, Total: 62}},
		{"churn against current", func(in *Intent, p *Plan) {
			in.Settings.MoveCost = 1.5
			in.Current = []Placement{
				{Service: "web", Cluster: "a1", Replicas: 6}, // |4−6| = 2
				{Service: "web", Cluster: "c1", Replicas: 3}, // removed: 3
				{Service: "db", Cluster: "b1", Replicas: 1},  // unchanged
			} // web a2: added 4 — 9 moves
		}, Cost{Resource: 32, Fixed: 30, Churn: 13.5, Total: 75.5}},
		{"no move cost", func(in *Intent, p *Plan) {
			in.Current = []Placement{{Service: "web", Cluster: "c1", Replicas: 3}}
		}, Cost{Resource: 32, Fixed: 30, Total: 62}},
		{"per-cluster prices and unpriced resources", func(in *Intent, p *Plan) {
			in.Clusters[2].Price = map[string]float64{"cpu": 5} // db: 2·5
			in.Clusters[2].FixedCost = 0
		}, Cost{Resource: 24 + 10, Fixed: 20, Total: 54}},
		{"unmet is reported, not priced", func(in *Intent, p *Plan) {
			p.Unmet = []Shortfall{{"web", "eu-west", 2.5}, {"db", "eu-west", 1}}
		}, Cost{Resource: 32, Fixed: 30, Total: 62, UnmetDemand: 3.5}},
		{"empty plan", func(in *Intent, p *Plan) { *p = Plan{} }, Cost{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, p := verifyFixture()
			tc.mutate(in, p)
			if got := PlanCost(in, p); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
