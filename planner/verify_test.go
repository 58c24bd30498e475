package planner

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

// verifyFixture is a small intent and a plan that keeps all of it:
//
//	web (N+1 per region, SLO 30 ms) serves 40 from eu-west (two demand
//	rows of 30 and 10) with 4 replicas of capacity 10 in each of a1 and
//	a2 (eu-west): losing either leaves 40.
//	web → db (ratio 0.5, max RTT 25 ms): the 20 units of web load in each
//	of a1 and a2 create 10 units of db load each, served by one db
//	replica (capacity 100) in b1 (eu-north, 20 ms away).
func verifyFixture() (*Intent, *Plan) {
	cluster := func(name, region, continent string) Cluster {
		return Cluster{Name: name, Region: region, Continent: continent,
			Supply: map[string]float64{"cpu": 100, "ram": 400},
			Price:  map[string]float64{"cpu": 2, "ram": 0.5}, FixedCost: 10}
	}
	in := &Intent{
		Resources: []Resource{{Name: "cpu"}, {Name: "ram"}},
		Clusters: []Cluster{cluster("a1", "eu-west", "eu"), cluster("a2", "eu-west", "eu"),
			cluster("b1", "eu-north", "eu"), cluster("c1", "us-east", "na")},
		Latency: []Link{{From: "eu-west", To: "eu-north", RTT: 20},
			{From: "us-east", To: "eu-west", RTT: 90}, {From: "eu-north", To: "us-east", RTT: 100}},
		Services: []Service{
			{Name: "web", ReplicaCapacity: 10, Shape: map[string]float64{"cpu": 1, "ram": 2},
				Redundancy: 1, Scope: ScopeRegion, LatencySLO: 30, HasLatencySLO: true},
			{Name: "db", ReplicaCapacity: 100, Shape: map[string]float64{"cpu": 2, "ram": 8},
				Scope: ScopeRegion, Allowed: []string{"!us-east"}},
		},
		Demand: []Demand{{Service: "web", Region: "eu-west", Amount: 30},
			{Service: "web", Region: "eu-west", Amount: 10}},
		Dependencies: []Dependency{{Service: "web", DependsOn: "db", Ratio: 0.5, MaxRTT: 25, HasMaxRTT: true}},
	}
	p := &Plan{
		Replicas: []Assignment{{"db", "b1", 1}, {"web", "a1", 4}, {"web", "a2", 4}},
		Routes: []Route{{Service: "web", Region: "eu-west", Cluster: "a1", Amount: 20},
			{Service: "web", Region: "eu-west", Cluster: "a2", Amount: 20}},
		DependencyRoutes: []DependencyRoute{
			{Service: "web", DependsOn: "db", From: "a1", To: "b1", Amount: 10},
			{Service: "web", DependsOn: "db", From: "a2", To: "b1", Amount: 10}},
	}
	return in, p
}

func TestVerify(t *testing.T) {
	svc := func(in *Intent, name string) *Service { return &in.Services[verifyIndex(in, name)] }
	tests := []struct {
		name   string
		mutate func(in *Intent, p *Plan)
		want   []string // the distinct checks that fail, sorted
	}{
		{"valid", func(*Intent, *Plan) {}, nil},
		{"valid with unmet", func(in *Intent, p *Plan) {
			in.Demand[0].Amount += 5
			p.Unmet = []Shortfall{{"web", "eu-west", 5}}
		}, nil},
		{"valid within tolerance", func(in *Intent, p *Plan) {
			p.Routes[0].Amount += 1e-7 * 20
		}, nil},
		{"empty plan", func(in *Intent, p *Plan) { *p = Plan{} }, []string{CheckUnmet}},
		{"empty plan, all unmet", func(in *Intent, p *Plan) {
			*p = Plan{Unmet: []Shortfall{{"web", "eu-west", 40}}}
		}, nil},
		{"unknown service", func(in *Intent, p *Plan) {
			p.Replicas = append(p.Replicas, Assignment{"ghost", "a1", 1})
		}, []string{CheckNames}},
		{"unknown cluster", func(in *Intent, p *Plan) {
			p.Replicas = append(p.Replicas, Assignment{"db", "z9", 1})
		}, []string{CheckNames}},
		{"unknown region", func(in *Intent, p *Plan) {
			p.Unmet = []Shortfall{{"web", "mars", 0}}
		}, []string{CheckNames}},
		{"negative replicas", func(in *Intent, p *Plan) {
			p.Replicas = append(p.Replicas, Assignment{"db", "a1", -1})
		}, []string{CheckReplicas}},
		{"pair listed twice", func(in *Intent, p *Plan) {
			p.Replicas[2].Replicas = 2
			p.Replicas = append(p.Replicas, Assignment{"web", "a2", 2})
		}, []string{CheckReplicas}},
		{"excluded cluster", func(in *Intent, p *Plan) {
			p.Replicas = append(p.Replicas, Assignment{"db", "c1", 1})
		}, []string{CheckAllowed}},
		{"excluded cluster with reservation", func(in *Intent, p *Plan) {
			in.Reservations = []Reservation{{Service: "db", Cluster: "c1", Min: 1}}
			p.Replicas = append(p.Replicas, Assignment{"db", "c1", 1})
		}, nil},
		{"overserved", func(in *Intent, p *Plan) {
			in.Demand[1].Amount = 5 // 35 asked, 40 served
		}, []string{CheckDemand}},
		{"hidden shortfall", func(in *Intent, p *Plan) {
			in.Demand[1].Amount = 15 // 45 asked, 40 served, none reported
		}, []string{CheckUnmet}},
		{"unmet reported twice", func(in *Intent, p *Plan) {
			p.Unmet = []Shortfall{{"web", "eu-west", 3}}
		}, []string{CheckUnmet}},
		{"negative unmet", func(in *Intent, p *Plan) {
			in.Demand[1].Amount = 5
			p.Unmet = []Shortfall{{"web", "eu-west", -5}} // 40 - 5 = 35, but
		}, []string{CheckDemand, CheckUnmet}},
		{"negative route", func(in *Intent, p *Plan) {
			p.Routes = append(p.Routes, Route{"web", "eu-west", "a1", -1})
		}, []string{CheckDemand}},
		{"NaN route", func(in *Intent, p *Plan) {
			p.Routes[0].Amount = math.NaN()
		}, []string{CheckDemand, CheckDependency, CheckUnmet}},
		{"route without replicas", func(in *Intent, p *Plan) {
			p.Replicas = p.Replicas[:2] // drop web in a2
		}, []string{CheckCapacity, CheckDemand, CheckRedundancy}},
		{"beyond latency SLO", func(in *Intent, p *Plan) {
			svc(in, "web").LatencySLO = 0.5 // intra-region RTT is 1 ms
		}, []string{CheckLatency}},
		{"intra-region RTT setting", func(in *Intent, p *Plan) {
			in.Settings.IntraRegionRTT, in.Settings.HasIntraRegionRTT = 31, true
		}, []string{CheckLatency}},
		{"over capacity", func(in *Intent, p *Plan) {
			svc(in, "web").Redundancy = 0
			p.Replicas[1].Replicas = 1 // a1 carries 20 with capacity 10
		}, []string{CheckCapacity}},
		{"dependency short", func(in *Intent, p *Plan) {
			p.DependencyRoutes[0].Amount = 8
		}, []string{CheckDependency}},
		{"dependency from idle cluster", func(in *Intent, p *Plan) {
			p.DependencyRoutes = append(p.DependencyRoutes, DependencyRoute{"web", "db", "c1", "b1", 1})
		}, []string{CheckDependency, CheckDependencyRTT}}, // and us-east is 100 ms from eu-north
		{"dependency without replicas", func(in *Intent, p *Plan) {
			p.DependencyRoutes[1].To = "a2" // eu-west: 1 ms
		}, []string{CheckCapacity, CheckDependency}},
		{"dependency beyond max RTT", func(in *Intent, p *Plan) {
			in.Dependencies[0].MaxRTT = 10
		}, []string{CheckDependencyRTT}},
		{"dependency RTT either direction", func(in *Intent, p *Plan) {
			in.Latency[0].From, in.Latency[0].To = "eu-north", "eu-west"
		}, nil},
		{"dependency RTT absent", func(in *Intent, p *Plan) {
			in.Latency = in.Latency[1:]
		}, []string{CheckDependencyRTT}},
		{"dependency RTT unbounded", func(in *Intent, p *Plan) {
			in.Latency = in.Latency[1:]
			in.Dependencies[0].HasMaxRTT = false
		}, nil},
		{"not a dependency", func(in *Intent, p *Plan) {
			p.DependencyRoutes = append(p.DependencyRoutes, DependencyRoute{"db", "web", "b1", "a1", 1})
		}, []string{CheckDependency}},
		{"over supply", func(in *Intent, p *Plan) {
			in.Clusters[0].Supply["ram"] = 7 // 4 web replicas take 8
		}, []string{CheckSupply}},
		{"missing supply", func(in *Intent, p *Plan) {
			delete(in.Clusters[2].Supply, "cpu")
		}, []string{CheckSupply}},
		{"below min replicas", func(in *Intent, p *Plan) {
			svc(in, "web").MinReplicas = 5
		}, []string{CheckMinReplicas}},
		{"reservation max lowers min replicas", func(in *Intent, p *Plan) {
			svc(in, "web").MinReplicas = 5
			in.Reservations = []Reservation{{Service: "web", Cluster: "a1", Max: 4, HasMax: true},
				{Service: "web", Cluster: "a2", Max: 4, HasMax: true}}
		}, nil},
		{"above max clusters", func(in *Intent, p *Plan) {
			svc(in, "web").MaxClusters = 1
		}, []string{CheckFootprint}},
		{"below min clusters", func(in *Intent, p *Plan) {
			svc(in, "db").MinClusters = 2
		}, []string{CheckFootprint}},
		{"min clusters without load", func(in *Intent, p *Plan) {
			in.Services = append(in.Services, Service{Name: "idle", ReplicaCapacity: 1, MinClusters: 1})
		}, []string{CheckFootprint}},
		{"below reservation", func(in *Intent, p *Plan) {
			in.Reservations = []Reservation{{Service: "db", Cluster: "b1", Min: 2}}
		}, []string{CheckReservation}},
		{"above reservation", func(in *Intent, p *Plan) {
			in.Reservations = []Reservation{{Service: "web", Cluster: "a1", Min: 1, Max: 3, HasMax: true}}
		}, []string{CheckReservation}},
		{"N+1 lost", func(in *Intent, p *Plan) {
			p.Replicas[2].Replicas = 3 // losing a1 leaves 30 for 40
		}, []string{CheckRedundancy}},
		{"N+1 per continent holds", func(in *Intent, p *Plan) {
			svc(in, "db").Redundancy, svc(in, "db").Scope = 1, ScopeContinent
			p.Replicas = append(p.Replicas, Assignment{"db", "a1", 1})
			p.DependencyRoutes[0].To = "a1"
		}, nil},
		{"N+1 per continent lost", func(in *Intent, p *Plan) {
			svc(in, "db").Redundancy, svc(in, "db").Scope = 1, ScopeContinent
		}, []string{CheckRedundancy}},
		{"N+2 per global lost", func(in *Intent, p *Plan) {
			svc(in, "web").Redundancy, svc(in, "web").Scope = 2, ScopeGlobal
			p.Replicas = append(p.Replicas, Assignment{"web", "b1", 3}) // losing a1, a2 leaves 30
		}, []string{CheckRedundancy}},
		{"N+2 per global holds", func(in *Intent, p *Plan) {
			svc(in, "web").Redundancy, svc(in, "web").Scope = 2, ScopeGlobal
			svc(in, "web").HasLatencySLO = false
			p.Replicas = append(p.Replicas, Assignment{"web", "b1", 4}, Assignment{"web", "c1", 4})
		}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, p := verifyFixture()
			tc.mutate(in, p)
			vs := Verify(in, p)
			if got := vs.Checks(); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("checks %q, want %q; violations:\n%v", got, tc.want, vs)
			}
			if (vs.Err() == nil) != (len(tc.want) == 0) {
				t.Errorf("Err() = %v with %d violations", vs.Err(), len(vs))
			}
		})
	}
}

func TestVerifyNilPlan(t *testing.T) {
	in, _ := verifyFixture()
	if got := Verify(in, nil).Checks(); !reflect.DeepEqual(got, []string{CheckUnmet}) {
		t.Errorf("checks %q, want unmet", got)
	}
}

func verifyIndex(in *Intent, service string) int {
	for i := range in.Services {
		if in.Services[i].Name == service {
			return i
		}
	}
	panic("no service " + service)
}

// TestVerifyMessages pins the wording of a few violations: they name the
// service, cluster or region and the amounts involved.
func TestVerifyMessages(t *testing.T) {
	in, p := verifyFixture()
	p.Replicas[2].Replicas = 3
	in.Clusters[0].Supply["ram"] = 7
	in.Demand[1].Amount = 15
	got := Verify(in, p)
	want := Violations{
		{Check: CheckSupply, Cluster: "a1", Message: "replicas in a1 take 8 ram but the cluster supplies 7"},
		{Check: CheckRedundancy, Service: "web", Region: "eu-west",
			Message: "web is N+1 per region, but in region eu-west losing a1 (the worst of 2 failure sets) leaves capacity 30 for load 40"},
		{Check: CheckUnmet, Service: "web", Region: "eu-west",
			Message: "web from eu-west: demand 45, served 40, so 5 is unmet, but the plan reports 0"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%#v\nwant\n%#v", got, want)
	}
	if e := got.Err().Error(); !strings.HasPrefix(e, "supply: replicas in a1") || strings.Count(e, "\n") != 2 {
		t.Errorf("Err() = %q", e)
	}
}

func TestVerifyAllows(t *testing.T) {
	c := &Cluster{Name: "use1-a", Region: "us-east", Continent: "na"}
	tests := []struct {
		allowed []string
		want    bool
	}{
		{nil, true},
		{[]string{""}, true},
		{[]string{"use1-a"}, true},
		{[]string{" us-east "}, true},
		{[]string{"na"}, true},
		{[]string{"eu"}, false},
		{[]string{"!eu"}, true},       // only exclusions: start from all
		{[]string{"!na"}, false},      // excluded by continent
		{[]string{"! use1-a"}, false}, // spaces after "!"
		{[]string{"na", "!us-east"}, false},
		{[]string{"!us-east", "use1-a"}, false}, // exclusions win
		{[]string{"eu", "!apac"}, false},
		{[]string{"NA"}, false}, // case-sensitive
	}
	for _, tc := range tests {
		if got := verifyAllows(&Service{Allowed: tc.allowed}, c); got != tc.want {
			t.Errorf("Allowed %q: got %v, want %v", tc.allowed, got, tc.want)
		}
	}
}

// TestVerifyWorstFailure checks the enumeration of failure sets against
// "the k largest" on random capacities, and the fallback above the limit.
func TestVerifyWorstFailure(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 200; trial++ {
		m, k := 1+rng.IntN(12), 1+rng.IntN(3)
		caps := make([]float64, m)
		for i := range caps {
			caps[i] = float64(rng.IntN(5)) // ties on purpose
		}
		lost, _ := verWorstFailure(caps, k)
		sorted := append([]float64(nil), caps...)
		sort.Sort(sort.Reverse(sort.Float64Slice(sorted)))
		want := 0.0
		for i := 0; i < min(k, m); i++ {
			want += sorted[i]
		}
		if got := verSum(caps, lost); got != want || len(lost) != min(k, m) {
			t.Fatalf("caps %v k %d: lost %v (%v), want %v", caps, k, lost, got, want)
		}
	}
	caps := make([]float64, 30) // C(30, 4) = 27405 sets
	for i := range caps {
		caps[i] = float64(i % 7)
	}
	lost, how := verWorstFailure(caps, 4)
	if verSum(caps, lost) != 6+6+6+6 || !strings.Contains(how, "4 largest") {
		t.Errorf("fallback: lost %v (%q)", lost, how)
	}
	if got := verBinomial(30, 4, 1e9); got != 27405 {
		t.Errorf("C(30,4) = %d", got)
	}
}

// TestVerifyGenerated checks the witness plans of generated intents: the
// generator and the verifier were written apart, so each checks the
// other.
func TestVerifyGenerated(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		in, p := GenerateWitness(GenConfig{Seed: seed, Services: 40, Clusters: 20})
		if vs := Verify(in, p); len(vs) > 0 {
			t.Errorf("seed %d: %d violations, first:\n%v", seed, len(vs), vs[:min(len(vs), 10)])
		}
	}
}

// TestVerifyCatchesMutations breaks generated witness plans, or their
// intents, in ways that each must trip a given check.
func TestVerifyCatchesMutations(t *testing.T) {
	type fixture struct {
		in *Intent
		p  *Plan
		n  map[vkey]int // replicas by (service, cluster)
	}
	// busiest returns the service with the most clusters, and its clusters.
	busiest := func(f fixture, ok func(s *Service) bool) (*Service, []string) {
		var best *Service
		var cs []string
		for i := range f.in.Services {
			s := &f.in.Services[i]
			var mine []string
			for _, a := range f.p.Replicas {
				if a.Service == s.Name {
					mine = append(mine, a.Cluster)
				}
			}
			if ok(s) && len(mine) > len(cs) {
				best, cs = s, mine
			}
		}
		return best, cs
	}
	anyService := func(*Service) bool { return true }
	tests := []struct {
		name   string
		want   string
		mutate func(f fixture)
	}{
		{"replicas dropped", CheckCapacity, func(f fixture) {
			r := f.p.Routes[0]
			f.p.Replicas = slices.DeleteFunc(f.p.Replicas, func(a Assignment) bool {
				return a.Service == r.Service && a.Cluster == r.Cluster
			})
		}},
		{"supply gone", CheckSupply, func(f fixture) {
			f.in.FindCluster(f.p.Replicas[0].Cluster).Supply["cpu"] = 0
		}},
		{"demand doubled", CheckUnmet, func(f fixture) {
			f.in.Demand[0].Amount *= 2
		}},
		{"route halved", CheckUnmet, func(f fixture) {
			f.p.Routes[0].Amount /= 2
		}},
		{"N+k beyond footprint", CheckRedundancy, func(f fixture) {
			s, cs := busiest(f, anyService)
			s.Redundancy, s.Scope = len(cs), ScopeGlobal
		}},
		{"SLO tightened", CheckLatency, func(f fixture) {
			s, _ := busiest(f, func(s *Service) bool { return s.HasLatencySLO })
			s.LatencySLO = 0.5
		}},
		{"ratio doubled", CheckDependency, func(f fixture) {
			f.in.Dependencies[0].Ratio *= 2
		}},
		{"cluster excluded", CheckAllowed, func(f fixture) {
			s, cs := busiest(f, anyService)
			s.Allowed = []string{"!" + cs[0]}
			f.in.Reservations = nil
		}},
		{"min replicas raised", CheckMinReplicas, func(f fixture) {
			s, cs := busiest(f, anyService)
			s.MinReplicas = f.n[vkey{s.Name, cs[0]}] + 1
			f.in.Reservations = nil
		}},
		{"max clusters lowered", CheckFootprint, func(f fixture) {
			s, cs := busiest(f, anyService)
			s.MaxClusters = len(cs) - 1
		}},
		{"reservation raised", CheckReservation, func(f fixture) {
			a := f.p.Replicas[0]
			f.in.Reservations = append(f.in.Reservations, Reservation{Service: a.Service, Cluster: a.Cluster, Min: a.Replicas + 1})
		}},
	}
	for seed := uint64(1); seed <= 5; seed++ {
		for _, tc := range tests {
			in, p := GenerateWitness(GenConfig{Seed: seed, Services: 40, Clusters: 20})
			f := fixture{in: in, p: p, n: map[vkey]int{}}
			for _, a := range p.Replicas {
				f.n[vkey{a.Service, a.Cluster}] = a.Replicas
			}
			tc.mutate(f)
			if got := Verify(in, p).Checks(); !slices.Contains(got, tc.want) {
				t.Errorf("seed %d, %s: checks %q, want %s", seed, tc.name, got, tc.want)
			}
		}
	}
}
