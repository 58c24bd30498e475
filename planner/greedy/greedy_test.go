package greedy

import (
	"fmt"
	"math"
	"testing"

	"github.com/auxon-planner/auxon/planner"
)

// intent builds a test intent: one resource "cpu", the given clusters
// (continent "eu" unless set), and links r1–r2 50 ms, r1–r3 100 ms,
// r2–r3 60 ms.
func intent(clusters ...planner.Cluster) *planner.Intent {
	in := &planner.Intent{Resources: []planner.Resource{{Name: "cpu"}}}
	for _, c := range clusters {
		if c.Continent == "" {
			c.Continent = "eu"
		}
		in.Clusters = append(in.Clusters, c)
	}
	in.Latency = []planner.Link{{From: "r1", To: "r2", RTT: 50}, {From: "r1", To: "r3", RTT: 100}, {From: "r2", To: "r3", RTT: 60}}
	return in
}

func cluster(name, region string, supply, price float64) planner.Cluster {
	return planner.Cluster{Name: name, Region: region, Supply: map[string]float64{"cpu": supply},
		Price: map[string]float64{"cpu": price}}
}

// service is a service whose replicas serve 10 units and take 1 cpu.
func service(name string) planner.Service {
	return planner.Service{Name: name, ReplicaCapacity: 10, Shape: map[string]float64{"cpu": 1}, MinReplicas: 1,
		Scope: planner.ScopeRegion}
}

// plan runs Plan and fails the test on any violation.
func plan(t *testing.T, in *planner.Intent) *planner.Plan {
	t.Helper()
	p := Plan(in)
	if v := planner.Verify(in, p); len(v) > 0 {
		t.Fatalf("plan %+v\nviolates its intent:\n%v", p, v.Error())
	}
	return p
}

// replicas maps "service/cluster" to replicas.
func replicas(p *planner.Plan) map[string]int {
	out := map[string]int{}
	for _, a := range p.Replicas {
		out[a.Service+"/"+a.Cluster] = a.Replicas
	}
	return out
}

// unmet maps "service/region" to unmet demand.
func unmet(p *planner.Plan) map[string]float64 {
	out := map[string]float64{}
	for _, u := range p.Unmet {
		out[u.Service+"/"+u.Region] += u.Amount
	}
	return out
}

func wantReplicas(t *testing.T, p *planner.Plan, want map[string]int) {
	t.Helper()
	if got := replicas(p); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("replicas %v, want %v", got, want)
	}
}

func wantUnmet(t *testing.T, p *planner.Plan, want map[string]float64) {
	t.Helper()
	got := unmet(p)
	for k := range got {
		if _, ok := want[k]; !ok {
			want[k] = 0
		}
	}
	for k, w := range want {
		if math.Abs(got[k]-w) > 1e-6*math.Max(1, w) {
			t.Errorf("unmet %s = %g, want %g (all unmet: %v)", k, got[k], w, got)
		}
	}
}

func TestCheapestFirst(t *testing.T) {
	// 35 units need 4 replicas; the cheaper cluster takes them all.
	in := intent(cluster("dear", "r1", 100, 3), cluster("cheap", "r1", 100, 1))
	in.Services = []planner.Service{service("web")}
	in.Demand = []planner.Demand{{Service: "web", Region: "r1", Amount: 35}}
	p := plan(t, in)
	wantReplicas(t, p, map[string]int{"web/cheap": 4})
	wantUnmet(t, p, nil)
}

func TestFixedCostAmortised(t *testing.T) {
	// The cheap cluster's fixed cost of 100 spread over 4 replicas makes
	// it dearer per replica (1 + 25) than the other one (3).
	in := intent(cluster("dear", "r1", 100, 3), cluster("cheap", "r1", 100, 1))
	in.Clusters[1].FixedCost = 100
	in.Services = []planner.Service{service("web")}
	in.Demand = []planner.Demand{{Service: "web", Region: "r1", Amount: 35}}
	wantReplicas(t, plan(t, in), map[string]int{"web/dear": 4})
}

func TestNPlus1(t *testing.T) {
	// 30 units N+1 in a region of three clusters: two clusters of 3 (6
	// replicas) beat three of 3, 2, 2.
	in := intent(cluster("a", "r1", 100, 1), cluster("b", "r1", 100, 2), cluster("c", "r1", 100, 3))
	s := service("web")
	s.Redundancy = 1
	in.Services = []planner.Service{s}
	in.Demand = []planner.Demand{{Service: "web", Region: "r1", Amount: 30}}
	p := plan(t, in)
	wantReplicas(t, p, map[string]int{"web/a": 3, "web/b": 3})
	wantUnmet(t, p, nil)
}

func TestNPlus2SpreadsWhenCheaper(t *testing.T) {
	// 60 units N+2 over five equal clusters: the greedy keeps opening
	// clusters while that makes the zone cheaper, so losing any two
	// leaves 6 replicas.
	var cs []planner.Cluster
	for i := range 5 {
		cs = append(cs, cluster(fmt.Sprintf("c%d", i), "r1", 100, 1))
	}
	in := intent(cs...)
	s := service("web")
	s.Redundancy = 2
	in.Services = []planner.Service{s}
	in.Demand = []planner.Demand{{Service: "web", Region: "r1", Amount: 60}}
	p := plan(t, in)
	wantUnmet(t, p, nil)
	total := totalReplicas(p)
	if len(p.Replicas) < 4 || total > 6*3 {
		t.Errorf("N+2 uses %d clusters and %d replicas, want ≥ 4 clusters and ≤ 18 replicas: %v", len(p.Replicas), total, p.Replicas)
	}
}

func TestNPlus2Impossible(t *testing.T) {
	// N+2 with two allowed clusters cannot hold any load.
	in := intent(cluster("a", "r1", 100, 1), cluster("b", "r1", 100, 1))
	s := service("web")
	s.Redundancy = 2
	in.Services = []planner.Service{s}
	in.Demand = []planner.Demand{{Service: "web", Region: "r1", Amount: 30}}
	p := plan(t, in)
	wantReplicas(t, p, map[string]int{})
	wantUnmet(t, p, map[string]float64{"web/r1": 30})
}

func TestNPlus1PerRegionSupplyShort(t *testing.T) {
	// N+1 per region; r1's clusters hold 2 replicas each, so r1 carries
	// at most 20 of its 50; the rest goes to r2 (no SLO), which has
	// room for N+1 of the remainder.
	in := intent(cluster("a1", "r1", 2, 1), cluster("a2", "r1", 2, 1),
		cluster("b1", "r2", 100, 5), cluster("b2", "r2", 100, 5))
	s := service("web")
	s.Redundancy = 1
	in.Services = []planner.Service{s}
	in.Demand = []planner.Demand{{Service: "web", Region: "r1", Amount: 50}}
	p := plan(t, in)
	wantUnmet(t, p, nil)
	r := replicas(p)
	if r["web/b1"] < 3 || r["web/b2"] < 3 {
		t.Errorf("r2 does not carry the rest under N+1: %v", r)
	}
}

func TestLatencySLO(t *testing.T) {
	// The cheap cluster is 50 ms away, beyond the 10 ms SLO.
	in := intent(cluster("near", "r1", 100, 5), cluster("far", "r2", 100, 1))
	s := service("web")
	s.LatencySLO, s.HasLatencySLO = 10, true
	in.Services = []planner.Service{s}
	in.Demand = []planner.Demand{{Service: "web", Region: "r1", Amount: 20}}
	wantReplicas(t, plan(t, in), map[string]int{"web/near": 2})
}

func TestLatencySLOUnreachable(t *testing.T) {
	// Demand from a user region with no link in the Latency tab is out
	// of reach of any SLO, but not of a service without one.
	in := intent(cluster("a", "r1", 100, 1))
	bound, free := service("bound"), service("free")
	bound.LatencySLO, bound.HasLatencySLO = 500, true
	in.Services = []planner.Service{bound, free}
	in.Demand = []planner.Demand{{Service: "bound", Region: "mars", Amount: 20}, {Service: "free", Region: "mars", Amount: 20}}
	p := plan(t, in)
	wantUnmet(t, p, map[string]float64{"bound/mars": 20})
	wantReplicas(t, p, map[string]int{"free/a": 2})
}

func TestDependencyChain(t *testing.T) {
	// web (r1) → api (ratio 0.5, within 10 ms: r1 only) → db (ratio 2,
	// no bound: the cheap r3 cluster). 40 web units make 20 api units
	// in r1 and 40 db units in r3.
	in := intent(cluster("a", "r1", 100, 2), cluster("c", "r3", 100, 1))
	in.Services = []planner.Service{service("web"), service("api"), service("db")}
	in.Services[0].LatencySLO, in.Services[0].HasLatencySLO = 5, true
	in.Demand = []planner.Demand{{Service: "web", Region: "r1", Amount: 40}}
	in.Dependencies = []planner.Dependency{
		{Service: "web", DependsOn: "api", Ratio: 0.5, MaxRTT: 10, HasMaxRTT: true},
		{Service: "api", DependsOn: "db", Ratio: 2},
	}
	p := plan(t, in)
	wantReplicas(t, p, map[string]int{"web/a": 4, "api/a": 2, "db/c": 4})
	want := []planner.DependencyRoute{
		{Service: "api", DependsOn: "db", From: "a", To: "c", Amount: 40},
		{Service: "web", DependsOn: "api", From: "a", To: "a", Amount: 20},
	}
	if fmt.Sprint(p.DependencyRoutes) != fmt.Sprint(want) {
		t.Errorf("dependency routes %v, want %v", p.DependencyRoutes, want)
	}
}

func TestDependencyPrunesUnreachableClusters(t *testing.T) {
	// web's cheap cluster in r3 has no api cluster within 10 ms, so web
	// runs in r1 next to api, though that costs more.
	in := intent(cluster("a", "r1", 100, 5), cluster("c", "r3", 100, 1))
	web, api := service("web"), service("api")
	api.Allowed = []string{"r1"}
	in.Services = []planner.Service{web, api}
	in.Demand = []planner.Demand{{Service: "web", Region: "r1", Amount: 40}}
	in.Dependencies = []planner.Dependency{{Service: "web", DependsOn: "api", Ratio: 1, MaxRTT: 10, HasMaxRTT: true}}
	p := plan(t, in)
	wantReplicas(t, p, map[string]int{"web/a": 4, "api/a": 4})
	wantUnmet(t, p, nil)
}

func TestDependencyShortfallCutsUpstreamDemand(t *testing.T) {
	// db fits only 2 replicas (20 units); web's 40 units would make 40
	// units of db load, so only 20 of web's demand can be served.
	in := intent(cluster("a", "r1", 100, 1), cluster("d", "r2", 2, 1))
	web, db := service("web"), service("db")
	db.Allowed = []string{"d"}
	in.Services = []planner.Service{web, db}
	in.Demand = []planner.Demand{{Service: "web", Region: "r1", Amount: 40}}
	in.Dependencies = []planner.Dependency{{Service: "web", DependsOn: "db", Ratio: 1}}
	p := plan(t, in)
	wantUnmet(t, p, map[string]float64{"web/r1": 20})
	wantReplicas(t, p, map[string]int{"web/a": 2, "db/d": 2})
}

func TestDependencyLoadMovesToReach(t *testing.T) {
	// api runs within 10 ms of web only, and r1's api cluster holds 2
	// replicas: web's 40 units cannot all run in cheap r1, so half moves
	// to r2, where api has room, and nothing is unmet.
	in := intent(cluster("a", "r1", 100, 1), cluster("a2", "r1", 2, 1),
		cluster("b", "r2", 100, 3), cluster("b2", "r2", 100, 1))
	web, api := service("web"), service("api")
	web.Allowed, api.Allowed = []string{"a", "b"}, []string{"a2", "b2"}
	in.Services = []planner.Service{web, api}
	in.Demand = []planner.Demand{{Service: "web", Region: "r1", Amount: 40}}
	in.Dependencies = []planner.Dependency{{Service: "web", DependsOn: "api", Ratio: 1, MaxRTT: 10, HasMaxRTT: true}}
	p := plan(t, in)
	wantUnmet(t, p, nil)
	wantReplicas(t, p, map[string]int{"web/a": 2, "web/b": 2, "api/a2": 2, "api/b2": 2})
}

func TestScarceSupplyPriorityWins(t *testing.T) {
	// One cluster with 3 cpu: P0 (30 units) takes all 3 replicas though
	// P1 comes first in the tab and asks for more.
	in := intent(cluster("only", "r1", 3, 5))
	p0, p1 := service("checkout"), service("batch")
	p0.Priority, p1.Priority = 0, 1
	in.Services = []planner.Service{p1, p0}
	in.Demand = []planner.Demand{{Service: "batch", Region: "r1", Amount: 40}, {Service: "checkout", Region: "r1", Amount: 30}}
	p := plan(t, in)
	wantReplicas(t, p, map[string]int{"checkout/only": 3})
	wantUnmet(t, p, map[string]float64{"batch/r1": 40})
}

func TestEffectivePriority(t *testing.T) {
	// db is P3 but P0 checkout depends on it, so db's load (from
	// checkout) is placed before P1 batch takes the only cluster's cpu.
	in := intent(cluster("only", "r1", 6, 1))
	checkout, batch, db := service("checkout"), service("batch"), service("db")
	checkout.Priority, batch.Priority, db.Priority = 0, 1, 3
	in.Services = []planner.Service{batch, db, checkout}
	in.Demand = []planner.Demand{{Service: "batch", Region: "r1", Amount: 50}, {Service: "checkout", Region: "r1", Amount: 30}}
	in.Dependencies = []planner.Dependency{{Service: "checkout", DependsOn: "db", Ratio: 1}}
	p := plan(t, in)
	wantReplicas(t, p, map[string]int{"checkout/only": 3, "db/only": 3})
	wantUnmet(t, p, map[string]float64{"batch/r1": 50})
}

func TestReservations(t *testing.T) {
	// web is pinned to 5 replicas in the dear cluster (more than its 20
	// units need) and forbidden from the cheapest by a Max of 0; the
	// pin's capacity serves the demand first, for free.
	in := intent(cluster("cheapest", "r1", 100, 1), cluster("cheap", "r1", 100, 2), cluster("dear", "r1", 100, 9))
	s := service("web")
	s.Allowed = []string{"cheapest", "cheap"} // the pin overrides Allowed
	in.Services = []planner.Service{s}
	in.Demand = []planner.Demand{{Service: "web", Region: "r1", Amount: 70}}
	in.Reservations = []planner.Reservation{
		{Service: "web", Cluster: "dear", Min: 5},
		{Service: "web", Cluster: "cheapest", Max: 0, HasMax: true},
	}
	p := plan(t, in)
	wantReplicas(t, p, map[string]int{"web/dear": 5, "web/cheap": 2})
	wantUnmet(t, p, nil)
}

func TestReservationMaxBelowMinReplicas(t *testing.T) {
	// Min Replicas 3, but a reservation allows at most 2 in the cheap
	// cluster: it may run 2 there, the rest goes elsewhere.
	in := intent(cluster("cheap", "r1", 100, 1), cluster("dear", "r1", 100, 2))
	s := service("web")
	s.MinReplicas = 3
	in.Services = []planner.Service{s}
	in.Demand = []planner.Demand{{Service: "web", Region: "r1", Amount: 40}}
	in.Reservations = []planner.Reservation{{Service: "web", Cluster: "cheap", Max: 2, HasMax: true}}
	wantReplicas(t, plan(t, in), map[string]int{"web/cheap": 2, "web/dear": 3})
}

func TestMaxClusters(t *testing.T) {
	// Demand in r1 and r2 without an SLO; each region's cheap cluster
	// fits only one region's demand, so with Max Clusters 1 the service
	// goes where all of it fits.
	in := intent(cluster("a", "r1", 3, 1), cluster("b", "r2", 3, 1), cluster("big", "r3", 100, 2))
	s := service("web")
	s.MaxClusters = 1
	in.Services = []planner.Service{s}
	in.Demand = []planner.Demand{{Service: "web", Region: "r1", Amount: 30}, {Service: "web", Region: "r2", Amount: 30}}
	p := plan(t, in)
	wantReplicas(t, p, map[string]int{"web/big": 6})
	wantUnmet(t, p, nil)
}

func TestMaxClustersLeavesUnmet(t *testing.T) {
	// With an SLO only the local cluster serves each region, and Max
	// Clusters 1 allows one of them.
	in := intent(cluster("a", "r1", 100, 1), cluster("b", "r2", 100, 1))
	s := service("web")
	s.MaxClusters = 1
	s.LatencySLO, s.HasLatencySLO = 5, true
	in.Services = []planner.Service{s}
	in.Demand = []planner.Demand{{Service: "web", Region: "r1", Amount: 30}, {Service: "web", Region: "r2", Amount: 20}}
	p := plan(t, in)
	wantReplicas(t, p, map[string]int{"web/a": 3})
	wantUnmet(t, p, map[string]float64{"web/r2": 20})
}

func TestMinClusters(t *testing.T) {
	// A service without demand still runs Min Replicas in Min Clusters,
	// the cheapest ones.
	in := intent(cluster("a", "r1", 100, 3), cluster("b", "r1", 100, 1), cluster("c", "r2", 100, 2))
	s := service("standby")
	s.MinClusters, s.MinReplicas = 2, 2
	in.Services = []planner.Service{s}
	wantReplicas(t, plan(t, in), map[string]int{"standby/b": 2, "standby/c": 2})
}

func TestEmptyIntent(t *testing.T) {
	p := plan(t, &planner.Intent{})
	if len(p.Replicas)+len(p.Routes)+len(p.DependencyRoutes)+len(p.Unmet) != 0 {
		t.Errorf("empty intent gives %+v", p)
	}
}

func TestOddIntents(t *testing.T) {
	// Plan must return, without panicking, on intents Validate would
	// flag or that cannot be met; where the requirements can hold, the
	// plan keeps them.
	in := intent(cluster("a", "r1", 4, 1), cluster("b", "r2", 100, 1))
	noCap, noShape, cyc1, cyc2 := service("nocap"), service("noshape"), service("cyc1"), service("cyc2")
	noCap.ReplicaCapacity, noCap.MinClusters = 0, 1
	noShape.Shape = nil
	in.Services = []planner.Service{noCap, noShape, cyc1, cyc2, service("nocap")}
	in.Demand = []planner.Demand{{Service: "nocap", Region: "r1", Amount: 10}, {Service: "noshape", Region: "r1", Amount: 1e6},
		{Service: "cyc1", Region: "r1", Amount: 10}, {Service: "ghost", Region: "r1", Amount: 10}}
	in.Dependencies = []planner.Dependency{{Service: "cyc1", DependsOn: "cyc2", Ratio: 1}, {Service: "cyc2", DependsOn: "cyc1", Ratio: 1}}
	in.Reservations = []planner.Reservation{{Service: "cyc2", Cluster: "a", Min: 50}}
	p := Plan(in)
	// cyc2's pin takes more than a's cpu, so nocap's one replica (Min
	// Clusters) goes to b.
	if r := replicas(p); r["noshape/a"] != 100000 || r["nocap/b"] != 1 || r["cyc2/a"] != 50 {
		t.Errorf("replicas %v, want 100000 of noshape and 50 of cyc2 in a, 1 of nocap in b", r)
	}
	if u := unmet(p); u["nocap/r1"] != 10 {
		t.Errorf("unmet %v, want nocap's 10", u)
	}
}

func ExamplePlan() {
	in := intent(cluster("a", "r1", 100, 1), cluster("b", "r1", 100, 2))
	web := service("web")
	web.Redundancy = 1
	in.Services = []planner.Service{web}
	in.Demand = []planner.Demand{{Service: "web", Region: "r1", Amount: 25}}
	p := Plan(in)
	for _, a := range p.Replicas {
		fmt.Println(a.Service, a.Cluster, a.Replicas)
	}
	for _, r := range p.Routes {
		fmt.Println(r.Service, r.Region, "→", r.Cluster, r.Amount)
	}
	fmt.Println(len(planner.Verify(in, p)), "violations")
	// Output:
	// web a 3
	// web b 3
	// web r1 → a 25
	// 0 violations
}

func TestMaxClustersKeepsRoomForNPlusK(t *testing.T) {
	// N+1 per region with Max Clusters 4 and demand in r1 and r2 (an SLO
	// keeps each local): r1's three clusters would make r1 cheaper, but
	// r2 needs two of the four, so r1 gets two.
	in := intent(cluster("a1", "r1", 100, 1), cluster("a2", "r1", 100, 1), cluster("a3", "r1", 100, 1),
		cluster("b1", "r2", 100, 5), cluster("b2", "r2", 100, 5))
	s := service("web")
	s.Redundancy, s.MaxClusters = 1, 4
	s.LatencySLO, s.HasLatencySLO = 5, true
	in.Services = []planner.Service{s}
	in.Demand = []planner.Demand{{Service: "web", Region: "r1", Amount: 60}, {Service: "web", Region: "r2", Amount: 20}}
	p := plan(t, in)
	wantUnmet(t, p, map[string]float64{})
	wantReplicas(t, p, map[string]int{"web/a1": 6, "web/a2": 6, "web/b1": 2, "web/b2": 2})
}

func TestMaxClustersFootprint(t *testing.T) {
	// N+1 per region with Max Clusters 2 allows one region. Caller load
	// (more important, any region) comes first and would open the
	// cheap r1; the footprint is planned first and picks r3, which
	// serves both the caller's load and r3's demand within its SLO.
	in := intent(cluster("a1", "r1", 100, 1), cluster("a2", "r1", 100, 1),
		cluster("c1", "r3", 100, 2), cluster("c2", "r3", 100, 2))
	front, back := service("front"), service("back")
	front.Priority, back.Priority = 0, 1
	front.Allowed = []string{"a1"}
	back.Redundancy, back.MaxClusters = 1, 2
	back.LatencySLO, back.HasLatencySLO = 5, true
	in.Services = []planner.Service{front, back}
	in.Dependencies = []planner.Dependency{{Service: "front", DependsOn: "back", Ratio: 1}}
	in.Demand = []planner.Demand{{Service: "front", Region: "r1", Amount: 20}, {Service: "back", Region: "r3", Amount: 30}}
	p := plan(t, in)
	wantUnmet(t, p, map[string]float64{})
	wantReplicas(t, p, map[string]int{"front/a1": 2, "back/c1": 5, "back/c2": 5})
}

// totalReplicas is the plan's replicas over all services and clusters.
func totalReplicas(p *planner.Plan) int {
	total := 0
	for _, a := range p.Replicas {
		total += a.Replicas
	}
	return total
}
