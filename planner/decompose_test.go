package planner

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// decSplitIntent has clusters a, b in r1, c, d in r2 and e in r3; web and
// db may use r1, api r2, and nobody e.
func decSplitIntent() *Intent {
	in := small(cluster("a", "r1", 10, 1), cluster("b", "r1", 10, 1), cluster("c", "r2", 10, 1),
		cluster("d", "r2", 10, 1), cluster("e", "r3", 10, 1))
	web, api, db := svc("web"), svc("api"), svc("db")
	web.Allowed, api.Allowed, db.Allowed = []string{"r1"}, []string{"r2"}, []string{"r1"}
	web.Row, api.Row, db.Row = 2, 3, 4
	in.Services = []Service{web, api, db}
	in.Demand = []Demand{{Service: "web", Region: "r1", Amount: 10, Row: 2}, {Service: "api", Region: "r2", Amount: 20, Row: 3},
		{Service: "db", Region: "r1", Amount: 5, Row: 4}}
	in.Dependencies = []Dependency{{Service: "web", DependsOn: "db", Ratio: 0.5, Row: 7}}
	in.Current = []Placement{{Service: "web", Cluster: "a", Replicas: 1, Row: 5}, {Service: "api", Cluster: "c", Replicas: 2, Row: 6}}
	in.Settings = Settings{MoveCost: 1, Rows: map[string]int{"move cost": 3}}
	in.Columns = map[string]map[string]int{TabServices: {"service": 0}}
	return in
}

// decRows lists the Row fields of a part's records, tab by tab.
type decRows struct {
	demand, deps, res, current []int
}

func decRowsOf(in *Intent) decRows {
	var r decRows
	for _, d := range in.Demand {
		r.demand = append(r.demand, d.Row)
	}
	for _, d := range in.Dependencies {
		r.deps = append(r.deps, d.Row)
	}
	for _, x := range in.Reservations {
		r.res = append(r.res, x.Row)
	}
	for _, p := range in.Current {
		r.current = append(r.current, p.Row)
	}
	return r
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name     string
		edit     func(in *Intent)
		services [][]string // per part; nil: one component
		clusters [][]string
		rows     []decRows
	}{
		{
			name:     "region-disjoint Allowed lists",
			edit:     func(in *Intent) {},
			services: [][]string{{"web", "db"}, {"api"}},
			clusters: [][]string{{"a", "b"}, {"c", "d"}},
			rows:     []decRows{{demand: []int{2, 4}, deps: []int{7}, current: []int{5}}, {demand: []int{3}, current: []int{6}}},
		},
		{
			name: "exclusions and continents",
			edit: func(in *Intent) {
				in.Clusters[4].Continent = "us"
				in.Services[0].Allowed = []string{"eu", " !r2 "}
				in.Services[1].Allowed = []string{"!r1", "!us"}
				in.Services[2].Allowed = []string{"a", "b"}
			},
			services: [][]string{{"web", "db"}, {"api"}},
			clusters: [][]string{{"a", "b"}, {"c", "d"}},
			rows:     []decRows{{demand: []int{2, 4}, deps: []int{7}, current: []int{5}}, {demand: []int{3}, current: []int{6}}},
		},
		{
			name: "dependency across",
			edit: func(in *Intent) {
				in.Dependencies = append(in.Dependencies, Dependency{Service: "api", DependsOn: "db", Ratio: 1, Row: 8})
			},
		},
		{
			name: "reservation pins a cluster",
			edit: func(in *Intent) {
				in.Reservations = []Reservation{{Service: "api", Cluster: "b", Min: 1, Row: 2}}
			},
		},
		{
			name: "a service allowed anywhere",
			edit: func(in *Intent) { in.Services[1].Allowed = nil },
		},
		{
			// A Min 0 reservation neither pins nor joins; it is dropped
			// when its cluster is not in the part, kept when it is.
			name: "reservation without a pin",
			edit: func(in *Intent) {
				in.Reservations = []Reservation{{Service: "api", Cluster: "a", Max: 2, HasMax: true, Row: 2},
					{Service: "web", Cluster: "b", Max: 3, HasMax: true, Row: 3},
					{Service: "api", Cluster: "d", Min: 1, Max: 4, HasMax: true, Row: 4},
					{Service: "db", Cluster: "e", Row: 5}}
			},
			services: [][]string{{"web", "db"}, {"api"}},
			clusters: [][]string{{"a", "b"}, {"c", "d"}},
			rows:     []decRows{{demand: []int{2, 4}, deps: []int{7}, res: []int{3}, current: []int{5}}, {demand: []int{3}, res: []int{4}, current: []int{6}}},
		},
		{
			// Replicas of api run in a today, where it may no longer go:
			// the part keeps the row and the cluster (its churn is a
			// constant of the objective), but a joins nothing.
			name: "current on a cluster the service may not use",
			edit: func(in *Intent) {
				in.Current = append(in.Current, Placement{Service: "api", Cluster: "a", Replicas: 3, Row: 7},
					Placement{Service: "db", Cluster: "e", Replicas: 1, Row: 8})
			},
			services: [][]string{{"web", "db"}, {"api"}},
			clusters: [][]string{{"a", "b", "e"}, {"a", "c", "d"}},
			rows:     []decRows{{demand: []int{2, 4}, deps: []int{7}, current: []int{5, 8}}, {demand: []int{3}, current: []int{6, 7}}},
		},
		{
			name: "a shared current cluster both may use",
			edit: func(in *Intent) {
				in.Services[1].Allowed = []string{"r2", "b"}
				in.Current = append(in.Current, Placement{Service: "api", Cluster: "b", Replicas: 1, Row: 7})
			},
		},
		{
			name: "three parts in order of their first service",
			edit: func(in *Intent) {
				in.Services[0].Allowed = []string{"r3"}
				in.Dependencies = nil
			},
			services: [][]string{{"web"}, {"api"}, {"db"}},
			clusters: [][]string{{"a", "e"}, {"c", "d"}, {"a", "b"}},
			rows:     []decRows{{demand: []int{2}, current: []int{5}}, {demand: []int{3}, current: []int{6}}, {demand: []int{4}}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := decSplitIntent()
			tc.edit(in)
			parts := Split(in)
			if tc.services == nil {
				if len(parts) != 1 || parts[0] != in {
					t.Fatalf("got %d parts, want the intent itself", len(parts))
				}
				return
			}
			var services, clusters [][]string
			var rows []decRows
			for _, p := range parts {
				var ss, cs []string
				for _, s := range p.Services {
					ss = append(ss, s.Name)
				}
				for _, c := range p.Clusters {
					cs = append(cs, c.Name)
				}
				services, clusters, rows = append(services, ss), append(clusters, cs), append(rows, decRowsOf(p))
				if !reflect.DeepEqual(p.Resources, in.Resources) || !reflect.DeepEqual(p.Latency, in.Latency) ||
					!reflect.DeepEqual(p.Settings, in.Settings) || !reflect.DeepEqual(p.Columns, in.Columns) {
					t.Errorf("part %v lost resources, latency, settings or columns", ss)
				}
				decCheckCopies(t, p, in)
			}
			if !reflect.DeepEqual(services, tc.services) {
				t.Errorf("services %v, want %v", services, tc.services)
			}
			if !reflect.DeepEqual(clusters, tc.clusters) {
				t.Errorf("clusters %v, want %v", clusters, tc.clusters)
			}
			if !reflect.DeepEqual(rows, tc.rows) {
				t.Errorf("rows %+v, want %+v", rows, tc.rows)
			}
		})
	}
}

// decCheckCopies checks that every record of part is an unchanged record
// of in.
func decCheckCopies(t *testing.T, part, in *Intent) {
	t.Helper()
	check := func(tab string, got, all any) {
		a := reflect.ValueOf(all)
		g := reflect.ValueOf(got)
		for i := range g.Len() {
			found := false
			for j := range a.Len() {
				found = found || reflect.DeepEqual(g.Index(i).Interface(), a.Index(j).Interface())
			}
			if !found {
				t.Errorf("%s: %+v is not a record of the intent", tab, g.Index(i).Interface())
			}
		}
	}
	check(TabServices, part.Services, in.Services)
	check(TabClusters, part.Clusters, in.Clusters)
	check(TabDemand, part.Demand, in.Demand)
	check(TabDependencies, part.Dependencies, in.Dependencies)
	check(TabReservations, part.Reservations, in.Reservations)
	check(TabCurrent, part.Current, in.Current)
}

func TestSplitEmpty(t *testing.T) {
	in := &Intent{}
	if parts := Split(in); len(parts) != 1 || parts[0] != in {
		t.Fatalf("empty intent: got %d parts, want the intent itself", len(parts))
	}
}

func TestSplitSubPlan(t *testing.T) {
	p := &Plan{
		Replicas: []Assignment{{Service: "api", Cluster: "a", Replicas: 2}, {Service: "web", Cluster: "b", Replicas: 1}},
		Routes:   []Route{{Service: "web", Region: "r1", Cluster: "b", Amount: 3}, {Service: "api", Region: "r2", Cluster: "a", Amount: 4}},
		DependencyRoutes: []DependencyRoute{{Service: "web", DependsOn: "db", From: "b", To: "a", Amount: 1},
			{Service: "api", DependsOn: "web", From: "a", To: "b", Amount: 2}},
		Unmet: []Shortfall{{Service: "web", Region: "r3", Amount: 1}, {Service: "db", Region: "r1", Amount: 2}},
	}
	tests := []struct {
		name     string
		plan     *Plan
		services []string
		want     *Plan
	}{
		{name: "nil", plan: nil, services: []string{"web"}, want: nil},
		{name: "empty set", plan: p, services: nil, want: &Plan{}},
		{name: "web", plan: p, services: []string{"web"}, want: &Plan{
			Replicas:         []Assignment{{Service: "web", Cluster: "b", Replicas: 1}},
			Routes:           []Route{{Service: "web", Region: "r1", Cluster: "b", Amount: 3}},
			DependencyRoutes: []DependencyRoute{{Service: "web", DependsOn: "db", From: "b", To: "a", Amount: 1}},
			Unmet:            []Shortfall{{Service: "web", Region: "r3", Amount: 1}},
		}},
		{name: "api and db", plan: p, services: []string{"api", "db"}, want: &Plan{
			Replicas:         []Assignment{{Service: "api", Cluster: "a", Replicas: 2}},
			Routes:           []Route{{Service: "api", Region: "r2", Cluster: "a", Amount: 4}},
			DependencyRoutes: []DependencyRoute{{Service: "api", DependsOn: "web", From: "a", To: "b", Amount: 2}},
			Unmet:            []Shortfall{{Service: "db", Region: "r1", Amount: 2}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			set := map[string]bool{}
			for _, s := range tc.services {
				set[s] = true
			}
			if got := subPlan(tc.plan, set); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// decThreeParts has three independent groups: web and db in r1 (N+1, a
// dependency, a fixed cost, a moved replica), api in r2 (a latency SLO
// reaching r1 demand, a reservation), and etl (P0) and batch (P1) in r3,
// where batch still runs 3 replicas in r1 that must go. With short set,
// r3's supply serves 70 of its 80 units of demand and batch runs nowhere
// today.
func decThreeParts(short bool) *Intent {
	c := func(name, region string, supply, price, fixed float64) Cluster {
		cl := cluster(name, region, supply, price)
		cl.FixedCost = fixed
		return cl
	}
	in := small(c("a1", "r1", 100, 1, 0), c("a2", "r1", 100, 1.2, 0), c("a3", "r1", 100, 0.8, 5),
		c("b1", "r2", 100, 2, 0), c("b2", "r2", 100, 1.5, 0),
		c("c1", "r3", 100, 1, 0), c("c2", "r3", 100, 1.1, 0))
	if short {
		in.Clusters[5].Supply["cpu"], in.Clusters[6].Supply["cpu"] = 5, 2
	}
	web, db, api, etl, batch := svc("web"), svc("db"), svc("api"), svc("etl"), svc("batch")
	web.Allowed, db.Allowed, api.Allowed, etl.Allowed, batch.Allowed = []string{"r1"}, []string{"r1"}, []string{"r2"}, []string{"r3"}, []string{"r3"}
	web.Redundancy = 1
	api.LatencySLO, api.HasLatencySLO = 60, true
	batch.Priority = 1
	in.Services = []Service{web, api, etl, db, batch}
	in.Demand = []Demand{{Service: "web", Region: "r1", Amount: 30}, {Service: "api", Region: "r2", Amount: 40},
		{Service: "api", Region: "r1", Amount: 20}, {Service: "batch", Region: "r3", Amount: 50},
		{Service: "etl", Region: "r3", Amount: 30}}
	in.Dependencies = []Dependency{{Service: "web", DependsOn: "db", Ratio: 0.5}}
	in.Reservations = []Reservation{{Service: "api", Cluster: "b1", Min: 2}}
	in.Current = []Placement{{Service: "web", Cluster: "a1", Replicas: 4}, {Service: "etl", Cluster: "c2", Replicas: 3}}
	if !short {
		// The priority phases keep the objective's constant (this churn)
		// and so loosen each level's fix by it; the short case, which
		// runs them, leaves it out.
		in.Current = append(in.Current, Placement{Service: "batch", Cluster: "a2", Replicas: 3})
	}
	in.Settings.MoveCost = 0.5
	return in
}

func decRelNear(a, b, rel float64) bool {
	return math.Abs(a-b) <= rel*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func decUnmet(p *Plan) map[string]float64 {
	out := map[string]float64{}
	for _, u := range p.Unmet {
		out[u.Service] += u.Amount
	}
	return out
}

func TestDecomposeSolve(t *testing.T) {
	tests := []struct {
		name      string
		short     bool
		unmet     map[string]float64
		sameModel bool // no priority phases: the parts' models add up to the whole's
	}{
		{name: "all demand served", unmet: map[string]float64{}, sameModel: true},
		{name: "short supply in one part", short: true, unmet: map[string]float64{"batch": 10}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			in := decThreeParts(tc.short)
			if n := len(Split(in)); n != 3 {
				t.Fatalf("Split: %d parts, want 3", n)
			}
			opts := Options{TimeLimit: 20 * time.Second}
			whole, err := solveOne(ctx, in, opts)
			if err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			var progress []string
			opts.Progress = func(p Progress) {
				mu.Lock()
				progress = append(progress, p.Phase)
				mu.Unlock()
			}
			split, ok, err := splitSolve(ctx, in, opts, solveOne)
			if err != nil || !ok {
				t.Fatalf("splitSolve: ok %v, err %v", ok, err)
			}
			if whole.Status != StatusOptimal || split.Status != StatusOptimal {
				t.Fatalf("status: whole %s, split %s", whole.Status, split.Status)
			}
			if !decRelNear(split.Objective, whole.Objective, 1e-6) {
				t.Errorf("objective: split %v, whole %v", split.Objective, whole.Objective)
			}
			if v := Verify(in, split.Plan); len(v) > 0 {
				t.Errorf("merged plan violates the intent: %v", v)
			}
			if c := PlanCost(in, split.Plan); !decRelNear(c.Total, split.Objective, 1e-6) {
				t.Errorf("PlanCost %+v, objective %v", c, split.Objective)
			}
			if got := decUnmet(split.Plan); !decMapsNear(got, tc.unmet) || !decMapsNear(decUnmet(whole.Plan), tc.unmet) {
				t.Errorf("unmet: split %v, whole %v, want %v", got, decUnmet(whole.Plan), tc.unmet)
			}
			if tc.sameModel && split.Model != whole.Model {
				t.Errorf("model: split %+v, whole %+v", split.Model, whole.Model)
			}
			if split.Gap < 0 || split.Gap > mipGap(in, opts)+1e-9 {
				t.Errorf("gap %v", split.Gap)
			}
			if split.Solver != whole.Solver {
				t.Errorf("solver %q, want %q", split.Solver, whole.Solver)
			}
			for i, ph := range split.Phases {
				if !strings.HasPrefix(ph.Name, "part ") || (i == 0 && !strings.HasPrefix(ph.Name, "part 1/3 ")) {
					t.Errorf("phase %q", ph.Name)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			for _, p := range progress {
				if !strings.HasPrefix(p, "part ") {
					t.Errorf("progress phase %q", p)
				}
			}
		})
	}
}

func decMapsNear(a, b map[string]float64) bool {
	for k := range a {
		if _, ok := b[k]; !ok && math.Abs(a[k]) > 1e-6 {
			return false
		}
	}
	for k, v := range b {
		if !decRelNear(a[k], v, 1e-6) {
			return false
		}
	}
	return true
}

// TestDecomposeMerge drives splitSolve with a stand-in engine: what each
// part is given, and how the parts' results merge.
func TestDecomposeMerge(t *testing.T) {
	plan := func(s string, n int) *Plan {
		return &Plan{Replicas: []Assignment{{Service: s, Cluster: "z", Replicas: n}, {Service: s, Cluster: "a", Replicas: n}}}
	}
	ok := func(s string, st Status, obj, bound float64) *Result {
		return &Result{Status: st, Plan: plan(s, 1), Objective: obj, Bound: bound, Solver: "fake " + s,
			Model: ModelStats{Rows: 1, Cols: 2, Nonzeros: 3, Integers: 4}, Phases: []Phase{{Name: "plan"}}}
	}
	tests := []struct {
		name    string
		results map[string]*Result // by the part's first service
		errs    map[string]error
		status  Status
		obj     float64
		bound   float64
		gap     float64
		interr  bool
		err     string
	}{
		{name: "all optimal", status: StatusOptimal, obj: 60, bound: 57, gap: 0.05,
			results: map[string]*Result{"web": ok("web", StatusOptimal, 10, 10), "api": ok("api", StatusOptimal, 20, 19), "etl": ok("etl", StatusOptimal, 30, 28)}},
		{name: "one feasible, interrupted", status: StatusFeasible, obj: 60, bound: 30, gap: 0.5, interr: true,
			results: map[string]*Result{"web": ok("web", StatusOptimal, 10, 10), "api": func() *Result {
				r := ok("api", StatusFeasible, 20, 0)
				r.Interrupted = true
				return r
			}(), "etl": ok("etl", StatusOptimal, 30, 20)}},
		{name: "zero cost", status: StatusOptimal, obj: 0, bound: 0, gap: 0,
			results: map[string]*Result{"web": ok("web", StatusOptimal, 0, 0), "api": ok("api", StatusOptimal, 0, 0), "etl": ok("etl", StatusOptimal, 0, 0)}},
		{name: "no plan in one part", status: StatusNoPlan, gap: math.Inf(1),
			results: map[string]*Result{"web": ok("web", StatusOptimal, 10, 10), "api": {Status: StatusNoPlan, Objective: math.NaN(), Bound: 5},
				"etl": ok("etl", StatusFeasible, 30, 20)}},
		{name: "infeasible beats no plan", status: StatusInfeasible, gap: math.Inf(1),
			results: map[string]*Result{"web": {Status: StatusNoPlan}, "api": ok("api", StatusOptimal, 20, 20), "etl": {Status: StatusInfeasible}}},
		{name: "an error", err: "part 2/3: boom",
			results: map[string]*Result{"web": ok("web", StatusOptimal, 10, 10), "etl": ok("etl", StatusOptimal, 30, 30)},
			errs:    map[string]error{"api": errors.New("boom")}},
		{name: "a nil result", err: "part 3/3: no result",
			results: map[string]*Result{"web": ok("web", StatusOptimal, 10, 10), "api": ok("api", StatusOptimal, 30, 30)}},
	}
	in := decThreeParts(false)
	start := &Plan{Replicas: []Assignment{{Service: "web", Cluster: "a1", Replicas: 3}, {Service: "db", Cluster: "a2", Replicas: 1},
		{Service: "api", Cluster: "b1", Replicas: 2}, {Service: "batch", Cluster: "c1", Replicas: 5}}}
	prev := &Plan{Replicas: []Assignment{{Service: "etl", Cluster: "c2", Replicas: 3}}}
	wantStart := map[string][]string{"web": {"web", "db"}, "api": {"api"}, "etl": {"batch"}}
	wantPrev := map[string][]string{"web": nil, "api": nil, "etl": {"etl"}}
	for _, threads := range []int{0, 8} {
		for _, tc := range tests {
			t.Run(fmt.Sprintf("%s/threads %d", tc.name, threads), func(t *testing.T) {
				var logged []string // appended without a lock: the wrappers must serialise
				opts := Options{TimeLimit: 5 * time.Second, Threads: threads, Start: start, Previous: prev,
					Progress: func(p Progress) { logged = append(logged, p.Phase) },
					Log:      func(s string) { logged = append(logged, s) }}
				wantThreads := 0
				switch {
				case threads > 0:
					wantThreads = threads / 3
				case 3 > runtime.GOMAXPROCS(0):
					wantThreads = 1
				}
				one := func(ctx context.Context, part *Intent, o Options) (*Result, error) {
					first := part.Services[0].Name
					var starts []string
					for _, a := range o.Start.Replicas {
						starts = append(starts, a.Service)
					}
					var prevs []string
					for _, a := range o.Previous.Replicas {
						prevs = append(prevs, a.Service)
					}
					if !reflect.DeepEqual(starts, wantStart[first]) || !reflect.DeepEqual(prevs, wantPrev[first]) {
						t.Errorf("part %s: start %v, previous %v", first, starts, prevs)
					}
					if o.Threads != wantThreads {
						t.Errorf("part %s: threads %d, want %d", first, o.Threads, wantThreads)
					}
					if o.TimeLimit <= 0 || o.TimeLimit > opts.TimeLimit {
						t.Errorf("part %s: time limit %v", first, o.TimeLimit)
					}
					o.Progress(Progress{Phase: "plan"})
					o.Log("line")
					if err := tc.errs[first]; err != nil {
						return nil, err
					}
					return tc.results[first], nil
				}
				res, handled, err := splitSolve(context.Background(), in, opts, one)
				if !handled {
					t.Fatal("not handled")
				}
				if tc.err != "" {
					if err == nil || err.Error() != tc.err {
						t.Fatalf("error %v, want %q", err, tc.err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if len(logged) != 6 {
					t.Errorf("logged %v", logged)
				}
				for _, l := range logged {
					if !strings.HasPrefix(l, "part ") || !strings.Contains(l, "/3 ") {
						t.Errorf("untagged %q", l)
					}
				}
				if res.Status != tc.status || res.Interrupted != tc.interr {
					t.Errorf("status %s interrupted %v, want %s %v", res.Status, res.Interrupted, tc.status, tc.interr)
				}
				if tc.status == StatusOptimal || tc.status == StatusFeasible {
					if res.Objective != tc.obj || res.Bound != tc.bound || math.Abs(res.Gap-tc.gap) > 1e-12 {
						t.Errorf("objective %v bound %v gap %v, want %v %v %v", res.Objective, res.Bound, res.Gap, tc.obj, tc.bound, tc.gap)
					}
					want := []Assignment{{"api", "a", 1}, {"api", "z", 1}, {"etl", "a", 1}, {"etl", "z", 1}, {"web", "a", 1}, {"web", "z", 1}}
					if !reflect.DeepEqual(res.Plan.Replicas, want) {
						t.Errorf("replicas %v", res.Plan.Replicas)
					}
					if res.Solver != "fake web" || res.Model != (ModelStats{3, 6, 9, 12}) {
						t.Errorf("solver %q model %+v", res.Solver, res.Model)
					}
					names := []string{"part 1/3 plan", "part 2/3 plan", "part 3/3 plan"}
					for i, ph := range res.Phases {
						if ph.Name != names[i] {
							t.Errorf("phase %d %q, want %q", i, ph.Name, names[i])
						}
					}
				} else if res.Plan != nil || !math.IsInf(res.Gap, 1) {
					t.Errorf("plan %v gap %v, want none", res.Plan, res.Gap)
				}
			})
		}
	}
}

// TestDecomposeOnePart: one component is not splitSolve's to handle.
func TestDecomposeOnePart(t *testing.T) {
	in := decSplitIntent()
	in.Services[1].Allowed = nil
	called := false
	one := func(context.Context, *Intent, Options) (*Result, error) { called = true; return &Result{}, nil }
	if r, ok, err := splitSolve(context.Background(), in, Options{}, one); ok || r != nil || err != nil || called {
		t.Fatalf("got %v %v %v, called %v", r, ok, err, called)
	}
}

// decRename prefixes every service, cluster, region and continent name of
// in with p, in every tab. Services that may use any cluster are bound to
// in's continents, which they may use already: they would otherwise reach
// the clusters of an intent concatenated with this one.
func decRename(in *Intent, p string) {
	conts := []string{}
	seen := map[string]bool{}
	for i := range in.Clusters {
		c := &in.Clusters[i]
		if !seen[c.Continent] {
			seen[c.Continent] = true
			conts = append(conts, p+c.Continent)
		}
		c.Name, c.Region, c.Continent = p+c.Name, p+c.Region, p+c.Continent
	}
	for i := range in.Latency {
		in.Latency[i].From, in.Latency[i].To = p+in.Latency[i].From, p+in.Latency[i].To
	}
	for i := range in.Services {
		s := &in.Services[i]
		s.Name = p + s.Name
		var allowed []string
		plain := false
		for _, e := range s.Allowed {
			e = strings.TrimSpace(e)
			if x, ok := strings.CutPrefix(e, "!"); ok {
				allowed = append(allowed, "!"+p+strings.TrimSpace(x))
			} else if e != "" {
				allowed, plain = append(allowed, p+e), true
			}
		}
		if !plain {
			allowed = append(allowed, conts...)
		}
		s.Allowed = allowed
	}
	for i := range in.Demand {
		in.Demand[i].Service, in.Demand[i].Region = p+in.Demand[i].Service, p+in.Demand[i].Region
	}
	for i := range in.Dependencies {
		in.Dependencies[i].Service, in.Dependencies[i].DependsOn = p+in.Dependencies[i].Service, p+in.Dependencies[i].DependsOn
	}
	for i := range in.Reservations {
		in.Reservations[i].Service, in.Reservations[i].Cluster = p+in.Reservations[i].Service, p+in.Reservations[i].Cluster
	}
	for i := range in.Current {
		in.Current[i].Service, in.Current[i].Cluster = p+in.Current[i].Service, p+in.Current[i].Cluster
	}
}

// decConcat joins two intents with disjoint names (a's settings).
func decConcat(a, b *Intent) *Intent {
	in := *a
	have := map[string]bool{}
	for _, r := range a.Resources {
		have[r.Name] = true
	}
	in.Resources = append([]Resource(nil), a.Resources...)
	for _, r := range b.Resources {
		if !have[r.Name] {
			in.Resources = append(in.Resources, r)
		}
	}
	in.Clusters = append(append([]Cluster(nil), a.Clusters...), b.Clusters...)
	in.Latency = append(append([]Link(nil), a.Latency...), b.Latency...)
	in.Services = append(append([]Service(nil), a.Services...), b.Services...)
	in.Demand = append(append([]Demand(nil), a.Demand...), b.Demand...)
	in.Dependencies = append(append([]Dependency(nil), a.Dependencies...), b.Dependencies...)
	in.Reservations = append(append([]Reservation(nil), a.Reservations...), b.Reservations...)
	in.Current = append(append([]Placement(nil), a.Current...), b.Current...)
	return &in
}

// TestDecomposeGenerated joins two generated intents under disjoint
// names and compares splitSolve with one solve of the whole. The sizes
// are small because generated intents are hard: the whole of two 8×5
// intents takes up to 3 s.
func TestDecomposeGenerated(t *testing.T) {
	tests := []struct {
		services, clusters int
		seedA, seedB       uint64
	}{{6, 4, 1, 2}, {6, 4, 5, 6}, {8, 5, 7, 8}}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%dx%d seeds %d+%d", tc.services, tc.clusters, tc.seedA, tc.seedB), func(t *testing.T) {
			cfg := GenConfig{Services: tc.services, Clusters: tc.clusters}
			cfg.Seed = tc.seedA
			a := Generate(cfg)
			cfg.Seed = tc.seedB
			b := Generate(cfg)
			decRename(a, "a-")
			decRename(b, "b-")
			for _, x := range []*Intent{a, b} {
				if err := Validate(x).Err(); err != nil {
					t.Fatalf("renamed intent invalid: %v", err)
				}
				if n := len(Split(x)); n != 1 {
					t.Fatalf("a generated intent splits into %d parts; pick other seeds", n)
				}
			}
			in := decConcat(a, b)
			if err := Validate(in).Err(); err != nil {
				t.Fatalf("joined intent invalid: %v", err)
			}
			parts := Split(in)
			if len(parts) != 2 {
				t.Fatalf("Split: %d parts, want 2", len(parts))
			}
			for i, p := range parts {
				want := []*Intent{a, b}[i]
				if len(p.Services) != len(want.Services) || len(p.Clusters) != len(want.Clusters) ||
					len(p.Demand) != len(want.Demand) || len(p.Current) != len(want.Current) {
					t.Errorf("part %d is not the %s intent", i+1, []string{"a", "b"}[i])
				}
			}
			ctx := context.Background()
			opts := Options{TimeLimit: 10 * time.Second}
			whole, err := solveOne(ctx, in, opts)
			if err != nil {
				t.Fatal(err)
			}
			split, ok, err := splitSolve(ctx, in, opts, solveOne)
			if err != nil || !ok {
				t.Fatalf("splitSolve: ok %v, err %v", ok, err)
			}
			if whole.Plan == nil || split.Plan == nil {
				t.Fatalf("status: whole %s, split %s", whole.Status, split.Status)
			}
			if v := Verify(in, split.Plan); len(v) > 0 {
				t.Errorf("merged plan violates the intent: %v", v)
			}
			if c := PlanCost(in, split.Plan); !decRelNear(c.Total, split.Objective, 1e-6) {
				t.Errorf("PlanCost %+v, objective %v", c, split.Objective)
			}
			gap := math.Max(mipGap(in, opts), math.Max(whole.Gap, split.Gap))
			scale := math.Max(math.Abs(whole.Objective), math.Abs(split.Objective))
			if math.Abs(whole.Objective-split.Objective) > gap*scale+1e-6 ||
				split.Bound > whole.Objective+1e-6*scale || whole.Bound > split.Objective+1e-6*scale {
				t.Errorf("split %v (bound %v, gap %v), whole %v (bound %v, gap %v)",
					split.Objective, split.Bound, split.Gap, whole.Objective, whole.Bound, whole.Gap)
			}
			t.Logf("whole %.4f in %v (%s), split %.4f in %v (%s)", whole.Objective, whole.SolveTime.Round(time.Millisecond), whole.Status,
				split.Objective, split.SolveTime.Round(time.Millisecond), split.Status)
		})
	}
}
