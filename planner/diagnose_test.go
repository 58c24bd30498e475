package planner

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

var updateCatalogue = flag.Bool("update-catalogue", false, "rewrite testdata/catalogue/*.json")

// sheet lays an intent out as the template would, for one resource
// "cpu": a header in row 1, one record a row from row 2, columns in the
// template's order. Cells then read as in a workbook: Demand!C2 is the
// first demand, Clusters!D3 the cpu supply of the second cluster,
// Services!L2 the first service's Max Clusters.
func sheet(in *Intent) *Intent {
	in.Columns = map[string]map[string]int{
		TabResources: {"resource": 0, "unit": 1, "description": 2},
		TabClusters:  {"cluster": 0, "region": 1, "continent": 2, "cpu": 3, "cpu cost": 4, "fixed cost": 5},
		TabLatency:   {"from": 0, "to": 1, "rtt": 2},
		TabServices: {"service": 0, "priority": 1, "demand unit": 2, "replica capacity": 3, "cpu per replica": 4,
			"min replicas": 5, "redundancy": 6, "redundancy scope": 7, "latency slo": 8, "allowed": 9,
			"min clusters": 10, "max clusters": 11},
		TabDemand:       {"service": 0, "region": 1, "demand": 2},
		TabDependencies: {"service": 0, "depends on": 1, "ratio": 2, "max rtt": 3},
		TabReservations: {"service": 0, "cluster": 1, "min replicas": 2, "max replicas": 3},
	}
	for i := range in.Resources {
		in.Resources[i].Row = i + 2
	}
	for i := range in.Clusters {
		in.Clusters[i].Row = i + 2
	}
	for i := range in.Latency {
		in.Latency[i].Row = i + 2
	}
	for i := range in.Services {
		in.Services[i].Row = i + 2
	}
	for i := range in.Demand {
		in.Demand[i].Row = i + 2
	}
	for i := range in.Dependencies {
		in.Dependencies[i].Row = i + 2
	}
	for i := range in.Reservations {
		in.Reservations[i].Row = i + 2
	}
	return in
}

// wantUnmet is one expected Unmet row.
type wantUnmet struct {
	service, region string
	shortfall       float64
	codes           []string
	cells           []string
	says            []string // substrings of the reason
}

// wantConflict is one expected Conflicts row.
type wantConflict struct {
	source, code string
	give         float64
	cells        []string
}

// catalogueCase is a short or infeasible intent and what auxon must
// report about it.
type catalogueCase struct {
	name      string
	intent    func() *Intent
	unmet     []wantUnmet
	conflicts []wantConflict
}

// catalogue lists the short and infeasible intents. Each is small enough
// to solve in milliseconds; the comments give the arithmetic.
var catalogue = []catalogueCase{
	{
		// One cluster with 3 cpu serves 30 of 50: 2 replicas short.
		name: "exhausted",
		intent: func() *Intent {
			in := small(cluster("a", "r1", 3, 1))
			in.Services = []Service{svc("web")}
			in.Demand = []Demand{{Service: "web", Region: "r1", Amount: 50}}
			return in
		},
		unmet: []wantUnmet{{"web", "r1", 20, []string{ReasonExhausted}, []string{"Demand!C2", "Clusters!D2"},
			[]string{"cpu in a (3 of 3 used: web P0 3)"}}},
	},
	{
		// 5 cpu in all, the dear cluster included, go to P0 checkout
		// (50 units = 5 replicas); P1 batch gets nothing.
		name: "priority",
		intent: func() *Intent {
			in := small(cluster("cheap", "r1", 2, 1), cluster("dear", "r1", 3, 5))
			p0, p1 := svc("checkout"), svc("batch")
			p1.Priority = 1
			in.Services = []Service{p0, p1}
			in.Demand = []Demand{{Service: "checkout", Region: "r1", Amount: 50}, {Service: "batch", Region: "r1", Amount: 40}}
			return in
		},
		unmet: []wantUnmet{{"batch", "r1", 40, []string{ReasonExhausted}, []string{"Demand!C3", "Clusters!D2", "Clusters!D3"},
			[]string{"checkout P0 2", "checkout P0 3"}}},
	},
	{
		// Max Clusters 2 of three 2-cpu clusters: 4 replicas, 10 short;
		// c has room.
		name: "max-clusters",
		intent: func() *Intent {
			in := small(cluster("a", "r1", 2, 1), cluster("b", "r1", 2, 2), cluster("c", "r1", 2, 3))
			s := svc("web")
			s.MaxClusters = 2
			in.Services = []Service{s}
			in.Demand = []Demand{{Service: "web", Region: "r1", Amount: 50}}
			return in
		},
		unmet: []wantUnmet{{"web", "r1", 10, []string{ReasonMaxClusters, ReasonExhausted},
			[]string{"Demand!C2", "Services!L2", "Clusters!D2", "Clusters!D3"}, []string{"Max Clusters 2 reached", "c within reach has room"}}},
	},
	{
		// A replica takes 2 cpu; the only cluster has 1.
		name: "no-fit",
		intent: func() *Intent {
			in := small(cluster("a", "r1", 1, 1))
			s := svc("web")
			s.Shape["cpu"] = 2
			in.Services = []Service{s}
			in.Demand = []Demand{{Service: "web", Region: "r1", Amount: 30}}
			return in
		},
		unmet: []wantUnmet{{"web", "r1", 30, []string{ReasonNoFit}, []string{"Demand!C2", "Clusters!D2", "Services!E2", "Services!F2"},
			[]string{"a has 1 cpu, 1 replica(s) need 2"}}},
	},
	{
		// The only cluster within 20 ms is kept out by a Max 0
		// reservation; far is 50 ms away.
		name: "no-cluster-in-slo",
		intent: func() *Intent {
			in := small(cluster("near", "r1", 100, 1), cluster("far", "r2", 100, 1))
			s := svc("web")
			s.LatencySLO, s.HasLatencySLO = 20, true
			in.Services = []Service{s}
			in.Demand = []Demand{{Service: "web", Region: "r1", Amount: 30}}
			in.Reservations = []Reservation{{Service: "web", Cluster: "near", Max: 0, HasMax: true}}
			return in
		},
		unmet: []wantUnmet{{"web", "r1", 30, []string{ReasonNoCluster}, []string{"Demand!C2", "Services!I2", "Services!J2", "Reservations!D2"},
			[]string{"within its 20 ms latency SLO of r1", "the nearest is far at 50 ms"}}},
	},
	{
		// N+1 per region needs two clusters in r1; b cannot hold a
		// 2-cpu replica, so r1 has one.
		name: "redundancy-zone-too-small",
		intent: func() *Intent {
			in := small(cluster("a", "r1", 100, 1), cluster("b", "r1", 1, 1))
			s := svc("web")
			s.Shape["cpu"], s.Redundancy = 2, 1
			in.Services = []Service{s}
			in.Demand = []Demand{{Service: "web", Region: "r1", Amount: 30}}
			return in
		},
		unmet: []wantUnmet{{"web", "r1", 30, []string{ReasonRedundancy}, []string{"Demand!C2", "Services!G2", "Services!H2", "Services!J2"},
			[]string{"N+1 per region needs 2 clusters in a region, but demand from r1 reaches only r1: a"}}},
	},
	{
		// N+2 with two allowed clusters holds no load at all: everything
		// is unmet (Validate says so too, as an error).
		name: "n+2-two-clusters",
		intent: func() *Intent {
			in := small(cluster("a", "r1", 100, 1), cluster("b", "r1", 100, 1))
			s := svc("web")
			s.Redundancy = 2
			in.Services = []Service{s}
			in.Demand = []Demand{{Service: "web", Region: "r1", Amount: 30}}
			return in
		},
		unmet: []wantUnmet{{"web", "r1", 30, []string{ReasonRedundancy}, []string{"Demand!C2", "Services!G2", "Services!H2", "Services!J2"},
			[]string{"N+2 per region needs 3 clusters"}}},
	},
	{
		// batch's pin of 3 takes 3 of a's 4 cpu: web gets 1 replica.
		name: "reservation-pin-in-the-way",
		intent: func() *Intent {
			in := small(cluster("a", "r1", 4, 1))
			web, batch := svc("web"), svc("batch")
			batch.Priority = 1
			in.Services = []Service{web, batch}
			in.Demand = []Demand{{Service: "web", Region: "r1", Amount: 30}}
			in.Reservations = []Reservation{{Service: "batch", Cluster: "a", Min: 3}}
			return in
		},
		unmet: []wantUnmet{{"web", "r1", 20, []string{ReasonExhausted, ReasonReservation}, []string{"Demand!C2", "Clusters!D2", "Reservations!C2"},
			[]string{"Reservations!C2 pins 3 replica(s) of batch in a (3 cpu)"}}},
	},
	{
		// web fills a (5 replicas, 50 units); batch's pin leaves b room
		// for 2 replicas, below web's Min Replicas 3: 30 short.
		name: "room-below-min-replicas",
		intent: func() *Intent {
			in := small(cluster("a", "r1", 5, 1), cluster("b", "r1", 5, 1))
			web, batch := svc("web"), svc("batch")
			web.MinReplicas, batch.Priority = 3, 1
			in.Services = []Service{web, batch}
			in.Demand = []Demand{{Service: "web", Region: "r1", Amount: 80}}
			in.Reservations = []Reservation{{Service: "batch", Cluster: "b", Min: 3}}
			return in
		},
		unmet: []wantUnmet{{"web", "r1", 30, []string{ReasonExhausted, ReasonReservation},
			[]string{"Demand!C2", "Clusters!D2", "Services!F2", "Reservations!C2"},
			[]string{"room in b (2 replica(s), below Min Replicas 3)", "Reservations!C2 pins 3 replica(s) of batch in b"}}},
	},
	{
		// A Max 1 reservation caps web in its only cluster.
		name: "reservation-max-caps",
		intent: func() *Intent {
			in := small(cluster("a", "r1", 100, 1))
			in.Services = []Service{svc("web")}
			in.Demand = []Demand{{Service: "web", Region: "r1", Amount: 30}}
			in.Reservations = []Reservation{{Service: "web", Cluster: "a", Max: 1, HasMax: true}}
			return in
		},
		unmet: []wantUnmet{{"web", "r1", 20, []string{ReasonReservation}, []string{"Demand!C2", "Reservations!D2"},
			[]string{"Reservations!D2 caps web at 1 replica(s) in a"}}},
	},
	{
		// web needs 0.5 units of db per unit within 10 ms; db's only
		// cluster holds 1 replica (10 units): web serves 20 of 50.
		name: "dependency-short",
		intent: func() *Intent {
			in := small(cluster("a", "r1", 100, 1), cluster("dbc", "r1", 1, 1))
			web, db := svc("web"), svc("db")
			web.Allowed, db.Allowed = []string{"a"}, []string{"dbc"}
			in.Services = []Service{web, db}
			in.Demand = []Demand{{Service: "web", Region: "r1", Amount: 50}}
			in.Dependencies = []Dependency{{Service: "web", DependsOn: "db", Ratio: 0.5, MaxRTT: 10, HasMaxRTT: true}}
			return in
		},
		unmet: []wantUnmet{{"web", "r1", 30, []string{ReasonDependency}, []string{"Demand!C2", "Dependencies!C2", "Dependencies!D2", "Clusters!D3"},
			[]string{"each unit of web creates 0.5 units of db, served within 10 ms; dbc has no room for db"}}},
	},
	{
		// N+1 over two 3-cpu clusters carries 30 (lose one of 30+30):
		// 70 of 100 short.
		name: "n+1-spare",
		intent: func() *Intent {
			in := small(cluster("a", "r1", 3, 1), cluster("b", "r1", 3, 1))
			s := svc("web")
			s.Redundancy = 1
			in.Services = []Service{s}
			in.Demand = []Demand{{Service: "web", Region: "r1", Amount: 100}}
			return in
		},
		unmet: []wantUnmet{{"web", "r1", 70, []string{ReasonExhausted, ReasonRedundancy}, []string{"Demand!C2", "Clusters!D2", "Clusters!D3", "Services!G2"},
			[]string{"N+1 per region keeps spare capacity"}}},
	},
	{
		// The 20 ms SLO limits r1's demand to near (2 cpu); far has room
		// at 50 ms.
		name: "slo-keeps-room-out-of-reach",
		intent: func() *Intent {
			in := small(cluster("near", "r1", 2, 1), cluster("far", "r2", 100, 1))
			s := svc("web")
			s.LatencySLO, s.HasLatencySLO = 20, true
			in.Services = []Service{s}
			in.Demand = []Demand{{Service: "web", Region: "r1", Amount: 50}}
			return in
		},
		unmet: []wantUnmet{{"web", "r1", 30, []string{ReasonExhausted, ReasonLatency}, []string{"Demand!C2", "Clusters!D2", "Services!I2"},
			[]string{"far at 50 ms has room but lies beyond the 20 ms latency SLO of r1"}}},
	},
	{
		// Min Clusters 3 with Allowed a, b: no plan at all.
		name: "min-clusters-above-allowed",
		intent: func() *Intent {
			in := small(cluster("a", "r1", 100, 1), cluster("b", "r1", 100, 1), cluster("c", "r1", 100, 1))
			s := svc("web")
			s.Allowed, s.MinClusters = []string{"a", "b"}, 3
			in.Services = []Service{s}
			in.Demand = []Demand{{Service: "web", Region: "r1", Amount: 30}}
			return in
		},
		conflicts: []wantConflict{
			{"check", ConflictMinClusters, 1, []string{"Services!K2", "Services!J2", "Services!F2"}},
			{"filter", ConflictMinClusters, 1, []string{"Services!K2"}},
		},
	},
	{
		// Min Clusters 2, but a Max 0 reservation keeps web out of b.
		name: "min-clusters-vs-max-0",
		intent: func() *Intent {
			in := small(cluster("a", "r1", 100, 1), cluster("b", "r1", 100, 1))
			s := svc("web")
			s.MinClusters = 2
			in.Services = []Service{s}
			in.Demand = []Demand{{Service: "web", Region: "r1", Amount: 30}}
			in.Reservations = []Reservation{{Service: "web", Cluster: "b", Max: 0, HasMax: true}}
			return in
		},
		conflicts: []wantConflict{
			{"check", ConflictMinClusters, 1, []string{"Services!K2", "Services!J2", "Services!F2", "Reservations!D2"}},
			{"filter", ConflictMinClusters, 1, []string{"Services!K2"}},
		},
	},
	{
		// Pins of 3 + 2 replicas in a 4-cpu cluster (Validate reports it
		// too): each of the three must give 1.
		name: "reservations-beyond-supply",
		intent: func() *Intent {
			in := small(cluster("a", "r1", 4, 1))
			in.Services = []Service{svc("web"), svc("batch")}
			in.Demand = []Demand{{Service: "web", Region: "r1", Amount: 30}}
			in.Reservations = []Reservation{{Service: "web", Cluster: "a", Min: 3}, {Service: "batch", Cluster: "a", Min: 2}}
			return in
		},
		conflicts: []wantConflict{
			{"check", ConflictReservation, 1, []string{"Clusters!D2", "Reservations!C2", "Reservations!C3"}},
			{"filter", ConflictSupply, 1, []string{"Clusters!D2"}},
			{"filter", ConflictReservation, 1, []string{"Reservations!C2"}},
			{"filter", ConflictReservation, 1, []string{"Reservations!C3"}},
		},
	},
	{
		// Pins in three clusters, Max Clusters 2.
		name: "pins-over-max-clusters",
		intent: func() *Intent {
			in := small(cluster("a", "r1", 100, 1), cluster("b", "r1", 100, 1), cluster("c", "r1", 100, 1))
			s := svc("web")
			s.MaxClusters = 2
			in.Services = []Service{s}
			in.Demand = []Demand{{Service: "web", Region: "r1", Amount: 30}}
			in.Reservations = []Reservation{{Service: "web", Cluster: "a", Min: 1}, {Service: "web", Cluster: "b", Min: 1}, {Service: "web", Cluster: "c", Min: 1}}
			return in
		},
		conflicts: []wantConflict{
			{"check", ConflictMaxClusters, 1, []string{"Services!L2", "Reservations!C2", "Reservations!C3", "Reservations!C4"}},
			{"filter", ConflictMaxClusters, 1, []string{"Services!L2"}},
			{"filter", ConflictReservation, 1, []string{"Reservations!C2"}},
			{"filter", ConflictReservation, 1, []string{"Reservations!C3"}},
			{"filter", ConflictReservation, 1, []string{"Reservations!C4"}},
		},
	},
	{
		// web needs 3 replicas in each of 2 clusters; batch's pin leaves
		// a only 2 cpu. No check sees it; the filter does: a needs 1 more
		// cpu, or 1 cluster fewer, or Min Replicas 1 lower, or the pin 1
		// smaller.
		name: "min-presence-vs-pin",
		intent: func() *Intent {
			in := small(cluster("a", "r1", 4, 1), cluster("b", "r1", 4, 1))
			web := svc("web")
			web.MinClusters, web.MinReplicas = 2, 3
			in.Services = []Service{web, svc("batch")}
			in.Demand = []Demand{{Service: "web", Region: "r1", Amount: 40}}
			in.Reservations = []Reservation{{Service: "batch", Cluster: "a", Min: 2}}
			return in
		},
		conflicts: []wantConflict{
			{"filter", ConflictSupply, 1, []string{"Clusters!D2"}},
			{"filter", ConflictMinClusters, 1, []string{"Services!K2"}},
			{"filter", ConflictMinReplicas, 1, []string{"Services!F2"}},
			{"filter", ConflictReservation, 1, []string{"Reservations!C2"}},
		},
	},
}

// TestCatalogue solves every intent of the catalogue, diagnoses it as
// the pipeline does, and checks the reported rows, reasons and cells;
// the whole diagnosis is also kept in testdata/catalogue/<name>.json
// (refresh with -update-catalogue).
func TestCatalogue(t *testing.T) {
	if len(catalogue) < 12 {
		t.Fatalf("the catalogue has %d intents, want at least 12", len(catalogue))
	}
	for _, tc := range catalogue {
		t.Run(tc.name, func(t *testing.T) {
			in := sheet(tc.intent())
			res, err := Solve(context.Background(), in, Options{TimeLimit: 10 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			r := NewReport(in, res, "run", time.Date(2026, 11, 25, 20, 0, 0, 0, time.UTC))
			Diagnose(context.Background(), in, res, r, DiagnoseOptions{TimeLimit: 10 * time.Second})
			if len(r.Notes) > 0 {
				t.Errorf("notes: %q", r.Notes)
			}
			if tc.conflicts != nil {
				checkConflicts(t, res, r, tc.conflicts)
			} else {
				checkUnmet(t, res, r, tc.unmet)
			}
			golden(t, tc.name, r)
		})
	}
}

func checkUnmet(t *testing.T, res *Result, r *Report, want []wantUnmet) {
	t.Helper()
	if res.Plan == nil {
		t.Fatalf("status %v, no plan", res.Status)
	}
	if len(r.Unmet) != len(want) {
		t.Fatalf("unmet rows %+v, want %d", r.Unmet, len(want))
	}
	for i, w := range want {
		u := r.Unmet[i]
		if u.Service != w.service || u.Region != w.region || math.Abs(u.Shortfall-w.shortfall) > 1e-6 {
			t.Errorf("row %d: %s/%s short %g, want %s/%s short %g", i, u.Service, u.Region, u.Shortfall, w.service, w.region, w.shortfall)
		}
		var codes []string
		for _, x := range u.Reasons {
			codes = append(codes, x.Code)
		}
		if !slices.Equal(codes, w.codes) {
			t.Errorf("row %d: reasons %q, want %q: %s", i, codes, w.codes, u.Reason)
		}
		if !slices.Equal(u.Cells, w.cells) {
			t.Errorf("row %d: cells %q, want %q", i, u.Cells, w.cells)
		}
		for _, s := range w.says {
			if !strings.Contains(u.Reason, s) {
				t.Errorf("row %d: reason %q does not say %q", i, u.Reason, s)
			}
		}
		if u.Needs == "" && w.codes[0] != ReasonReservation {
			t.Errorf("row %d: no 'what it would take'", i)
		}
	}
}

func checkConflicts(t *testing.T, res *Result, r *Report, want []wantConflict) {
	t.Helper()
	if res.Status != StatusInfeasible || res.Plan != nil {
		t.Fatalf("status %v, want infeasible without a plan", res.Status)
	}
	cs := r.Conflicts
	if cs == nil {
		t.Fatal("no conflicts reported")
	}
	if !cs.Minimal || cs.Stopped != "" {
		t.Errorf("minimal %v, stopped %q: want a finished search", cs.Minimal, cs.Stopped)
	}
	if len(cs.Rows) != len(want) {
		t.Fatalf("conflict rows %+v, want %d", cs.Rows, len(want))
	}
	for i, w := range want {
		c := cs.Rows[i]
		if c.Source != w.source || c.Code != w.code || math.Abs(c.Give-w.give) > 1e-6 || !slices.Equal(c.Cells, w.cells) {
			t.Errorf("row %d: %s %s give %g cells %q (%s: %s), want %s %s give %g cells %q",
				i, c.Source, c.Code, c.Give, c.Cells, c.Requirement, c.Message, w.source, w.code, w.give, w.cells)
		}
	}
}

// golden compares the diagnosis with testdata/catalogue/<name>.json.
func golden(t *testing.T, name string, r *Report) {
	t.Helper()
	type capRow struct {
		Cluster, Resource       string
		CostSaving, UnmetServed float64
		UnmetPriority           *int
	}
	g := struct {
		Status    Status
		Unmet     []UnmetRow
		Conflicts []ConflictRow `json:",omitempty"`
		Capacity  []capRow      `json:",omitempty"`
	}{Status: r.Status, Unmet: r.Unmet}
	if r.Conflicts != nil {
		g.Conflicts = r.Conflicts.Rows
	}
	for _, v := range r.CapacityValue {
		g.Capacity = append(g.Capacity, capRow{v.Cluster, v.Resource, round6(v.CostSaving), round6(v.UnmetServed), v.UnmetPriority})
	}
	for i := range g.Unmet {
		g.Unmet[i].Served, g.Unmet[i].Shortfall = round6(g.Unmet[i].Served), round6(g.Unmet[i].Shortfall)
	}
	for i := range g.Conflicts {
		g.Conflicts[i].Give, g.Conflicts[i].Relaxed = round6(g.Conflicts[i].Give), round6(g.Conflicts[i].Relaxed)
	}
	b, err := json.MarshalIndent(g, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	path := filepath.Join("testdata", "catalogue", name+".json")
	if *updateCatalogue {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	old, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./planner -run TestCatalogue -update-catalogue)", err)
	}
	if !bytes.Equal(old, b) {
		t.Errorf("%s differs from the diagnosis:\n%s\n(run go test ./planner -run TestCatalogue -update-catalogue)", path, b)
	}
}

func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

// TestExplainEveryShortfall squeezes generated intents until demand goes
// unmet and checks that every shortfall gets a reason, what it would
// take, and its Demand cell first.
func TestExplainEveryShortfall(t *testing.T) {
	rows := 0
	for seed := uint64(1); seed <= 4; seed++ {
		in, _ := GenerateWitness(GenConfig{Seed: seed, Services: 8, Clusters: 4, Regions: 2, Continents: 1})
		for i := range in.Clusters {
			for r := range in.Clusters[i].Supply {
				in.Clusters[i].Supply[r] *= 0.3
			}
		}
		res, err := Solve(context.Background(), in, Options{TimeLimit: 2 * time.Second, MIPGap: 0.01})
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if res.Plan == nil {
			continue
		}
		r := NewReport(in, res, "run", time.Now())
		Diagnose(context.Background(), in, res, r, DiagnoseOptions{TimeLimit: 5 * time.Second})
		for _, u := range r.Unmet {
			rows++
			if len(u.Reasons) == 0 || u.Reason == "" || len(u.Cells) == 0 || !strings.HasPrefix(u.Cells[0], TabDemand+"!") {
				t.Errorf("seed %d: %s/%s short %g: reason %q, cells %q", seed, u.Service, u.Region, u.Shortfall, u.Reason, u.Cells)
			}
		}
		if len(r.CapacityValue) == 0 || len(r.Notes) > 0 {
			t.Errorf("seed %d: %d capacity rows, notes %q", seed, len(r.CapacityValue), r.Notes)
		}
	}
	t.Logf("%d shortfalls explained", rows)
	if rows == 0 {
		t.Error("no shortfall at all: the test checks nothing")
	}
}
