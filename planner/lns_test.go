package planner

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/auxon-planner/auxon/planner/highs"
)

// searchFrom runs the neighbourhood search on the full-demand model of in,
// from plan p, with the given seed, for rounds sub-MIPs (0: until limit),
// and returns its best solution and objective and the objective it
// started from.
func searchFrom(t *testing.T, in *Intent, p *Plan, seed, rounds int, limit time.Duration) (x []float64, obj, start float64) {
	t.Helper()
	fm, err := build(in, false)
	if err != nil {
		t.Fatal(err)
	}
	defer fm.serveAll()()
	s := &solver{fm: fm, engine: HiGHS{}, opts: Options{Seed: seed, LNSRounds: rounds}, began: time.Now(),
		limit: time.Minute, firstPlan: -1, lastPlan: -1}
	s.start = fm.start(p)
	if !s.feasible(s.start) {
		t.Fatal("the start is not feasible for the full-demand model")
	}
	r := s.startResult()
	best := s.lns(context.Background(), "plan", r, time.Now().Add(limit))
	if rounds > 0 && s.rounds != rounds {
		t.Errorf("%d rounds, want %d", s.rounds, rounds)
	}
	if !s.feasible(best.X) {
		t.Error("the search's plan is not feasible")
	}
	if v := Verify(in, fm.extract(best.X)); v.Err() != nil {
		t.Errorf("the search's plan fails the verifier: %v", v.Err())
	}
	return best.X, best.Objective, r.Objective
}

// TestSearchDeterministic runs the search twice with one seed and a round
// limit: the same plan, bit for bit, and cheaper than the start (the
// witness plan leaves room: its supply is 1.5–3 times what it uses).
func TestSearchDeterministic(t *testing.T) {
	in, witness := GenerateWitness(GenConfig{Seed: 5, Services: 15, Clusters: 6})
	x1, obj1, start := searchFrom(t, in, witness, 11, 6, time.Minute)
	x2, obj2, _ := searchFrom(t, in, witness, 11, 6, time.Minute)
	if !slices.Equal(x1, x2) || obj1 != obj2 {
		t.Errorf("same seed, different plans: %.6f and %.6f", obj1, obj2)
	}
	if !(obj1 < start*(1-1e-6)) {
		t.Errorf("search from %.2f ended at %.2f: no improvement", start, obj1)
	}
	t.Logf("start %.2f, after 6 rounds %.2f (%.2f%% less)", start, obj1, 100*(start-obj1)/math.Abs(start))
}

// TestSearchConsolidates runs the search on a consolidation intent from a
// first-fit plan (machines in tab order, cost ignored): the search must
// find a cheaper set of machines.
func TestSearchConsolidates(t *testing.T) {
	in := GenerateConsolidation(ConsolidationConfig{Seed: 2, Machines: 24})
	p := &Plan{}
	left := make([]map[string]float64, len(in.Clusters))
	for i, c := range in.Clusters {
		left[i] = map[string]float64{}
		for r, v := range c.Supply {
			left[i][r] = v
		}
	}
	for _, s := range in.Services {
		for i, c := range in.Clusters {
			fits := true
			for r, v := range s.Shape {
				fits = fits && v <= left[i][r]+1e-9
			}
			if !fits {
				continue
			}
			for r, v := range s.Shape {
				left[i][r] -= v
			}
			p.Replicas = append(p.Replicas, Assignment{Service: s.Name, Cluster: c.Name, Replicas: 1})
			p.Routes = append(p.Routes, Route{Service: s.Name, Region: "dc1", Cluster: c.Name, Amount: 1})
			break
		}
	}
	if v := Verify(in, p); v.Err() != nil {
		t.Fatalf("the first-fit start fails the verifier: %v", v.Err())
	}
	_, obj, start := searchFrom(t, in, p, 1, 0, 3*time.Second)
	if !(obj < start) {
		t.Errorf("search from %.0f ended at %.0f", start, obj)
	}
	t.Logf("first fit %.0f, after 3 s of search %.0f", start, obj)
}

// TestSlackOf: with a move cost of 1, a service on its cheapest cluster
// with its fewest replicas has no slack; one on a dearer cluster has the
// price difference; one moved from where it runs today has the churn of
// removing it there.
func TestSlackOf(t *testing.T) {
	in := small(cluster("cheap", "r1", 100, 1), cluster("dear", "r1", 100, 3))
	in.Latency = nil
	for _, name := range []string{"a", "b", "c"} {
		in.Services = append(in.Services, svc(name))
		in.Demand = append(in.Demand, Demand{Service: name, Region: "r1", Amount: 20})
	}
	in.Current = []Placement{{Service: "c", Cluster: "dear", Replicas: 2}}
	in.Settings.MoveCost = 1
	fm, err := build(in, false)
	if err != nil {
		t.Fatal(err)
	}
	x := fm.start(&Plan{Replicas: []Assignment{{Service: "a", Cluster: "cheap", Replicas: 2},
		{Service: "b", Cluster: "dear", Replicas: 2}, {Service: "c", Cluster: "cheap", Replicas: 2}}})
	se := &search{fm: fm, ix: fm.index()}
	// a: 2 at 1+1 (price and a new replica's move), its floor.
	// b: 2 at 3+1, 4 above. c: 2 at 1+1 plus removing 2 in dear.
	if got, want := se.slackOf(x), []float64{0, 4, 2}; !slices.EqualFunc(got, want, func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }) {
		t.Errorf("slack %v, want %v", got, want)
	}
}

// TestLocalServices: web runs in f (price 6) and the LP runs some of it
// in e (5); a local neighbourhood of web frees it on those two, and once
// prices are known on its four cheapest candidates (a–d) too, never on g
// (7); api, which runs everywhere web might go, stays fixed. The
// sub-model holds only web's columns there, its own (u), and nothing
// else.
func TestLocalServices(t *testing.T) {
	var cls []Cluster
	for k, name := range []string{"a", "b", "c", "d", "e", "f", "g"} {
		cls = append(cls, cluster(name, "r1", 100, float64(k+1)))
	}
	in := small(cls...)
	in.Latency = nil
	in.Services = []Service{svc("web"), svc("api")}
	in.Demand = []Demand{{Service: "web", Region: "r1", Amount: 20}, {Service: "api", Region: "r1", Amount: 70}}
	if ps := Validate(in); ps.Err() != nil {
		t.Fatal(ps.Err())
	}
	fm, err := build(in, false)
	if err != nil {
		t.Fatal(err)
	}
	var api []Assignment
	for _, c := range cls {
		api = append(api, Assignment{Service: "api", Cluster: c.Name, Replicas: 1})
	}
	x := fm.start(&Plan{Replicas: append(api, Assignment{Service: "web", Cluster: "f", Replicas: 2})})
	web := fm.svc[fm.svcIdx["web"]]
	lp := make([]float64, len(x))
	lp[web.n[fm.clIdx["e"]]] = 0.5
	s := &solver{fm: fm, lp: &highs.Result{X: lp}}
	se := &search{s: s, fm: fm, ix: fm.index(), index: make([]int32, fm.m.NumCols()), rowSeen: make([]bool, fm.m.NumRows())}
	for j := range se.index {
		se.index[j] = -1
	}
	for _, tc := range []struct {
		priced bool
		want   []string
	}{{false, []string{"e", "f"}}, {true, []string{"a", "b", "c", "d", "e", "f"}}} {
		s.prices = nil
		if tc.priced {
			s.prices = &servicePrices{d: fm.m.ColCost}
		}
		h := newHood(len(fm.svc), len(fm.cl))
		se.localServices(h, []int{fm.svcIdx["web"]}, x)
		var got []string
		for c, free := range h.cl {
			if free {
				got = append(got, fm.cl[c].Name)
			}
		}
		if !slices.Equal(got, tc.want) || slices.Contains(h.all, true) || h.svc[fm.svcIdx["api"]] {
			t.Errorf("priced %v: free clusters %v, want %v; everywhere %v, services %v", tc.priced, got, tc.want, h.all, h.svc)
		}
		_, cols := se.restrict(h, x, lnsMaxCols)
		for _, j := range cols {
			o := se.ix.own[j]
			// A route (owned by its routing group) is free when a
			// cluster of its group is.
			if o.b != int32(fm.svcIdx["web"]) || (o.group < 0 && o.cluster >= 0 && !h.cl[o.cluster]) || (o.group >= 0 && !h.gr[o.group]) {
				t.Errorf("priced %v: column %d (owner %v) is free", tc.priced, j, o)
			}
		}
		if len(cols) < 2*len(tc.want) {
			t.Errorf("priced %v: %d free columns, want at least web's n and y on %d clusters", tc.priced, len(cols), len(tc.want))
		}
	}
}

// TestTightenCol: a row with one free entry becomes bounds on it; a zero
// coefficient (a plan-phase row whose zone can carry no load has them)
// binds nothing and must leave the bounds alone, not make them NaN.
func TestTightenCol(t *testing.T) {
	for _, tc := range []struct {
		a, lo, hi    float64
		integer      bool
		wantL, wantU float64
	}{
		{2, 1, 7, false, 0.5, 3.5},
		{2, 1, 7, true, 1, 3},
		{-1, -4, math.Inf(1), false, 0, 4},
		{0, 0, math.Inf(1), false, 0, 10},
		{0, math.Inf(-1), 0, true, 0, 10},
	} {
		m := &highs.Model{}
		m.AddCol(1, 0, 10, tc.integer)
		tightenCol(m, 0, tc.a, tc.lo, tc.hi)
		if m.ColLower[0] != tc.wantL || m.ColUpper[0] != tc.wantU {
			t.Errorf("%v·x in [%v, %v]: bounds [%v, %v], want [%v, %v]", tc.a, tc.lo, tc.hi, m.ColLower[0], m.ColUpper[0], tc.wantL, tc.wantU)
		}
	}
}
