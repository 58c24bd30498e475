package planner

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"slices"
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
	return relaxed(t, fm.m)
}

// relaxed solves m's LP relaxation.
func relaxed(t *testing.T, m *highs.Model) float64 {
	t.Helper()
	lp := *m
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
			checkOptimum(t, in, tc.optimum)
		})
	}
}

// checkOptimum solves in to optimality and wants a plan of cost want.
func checkOptimum(t *testing.T, in *Intent, want float64) {
	t.Helper()
	res, err := Solve(context.Background(), in, Options{TimeLimit: 20 * time.Second, MIPGap: 1e-6})
	if err != nil || res.Plan == nil {
		t.Fatalf("solve: %v %v", err, res)
	}
	if got := PlanCost(in, res.Plan).Total; math.Abs(got-want) > 1e-6 {
		t.Errorf("optimum %.2f, want %.2f: %v", got, want, res.Plan.Replicas)
	}
}

// TestBuildDeterministic builds the same intent twice and wants the same
// model bit for bit: a sum taken in a map's order changes its last bits
// from build to build, and the solver's and the search's path with them
// (a seeded search then no longer repeats). The intents have N+k,
// dependencies, three resources and, for the churn rows, a Current plan
// at a move cost that is not a whole number.
func TestBuildDeterministic(t *testing.T) {
	for _, seed := range []uint64{1, 5, 9} {
		in, witness := GenerateWitness(GenConfig{Seed: seed, Services: 15, Clusters: 6})
		in.Settings.MoveCost = 0.37
		for i, a := range witness.Replicas {
			if i%3 != 0 { // the rest must move in or go
				in.Current = append(in.Current, Placement{Service: a.Service, Cluster: a.Cluster, Replicas: a.Replicas + i%2})
			}
		}
		for k, c := range in.Clusters { // some of them are not candidates: a constant churn
			in.Current = append(in.Current, Placement{Service: in.Services[k%3].Name, Cluster: c.Name, Replicas: 3 + k})
		}
		ref, err := build(in, true)
		if err != nil {
			t.Fatal(err)
		}
		for range 20 {
			fm, err := build(in, true)
			if err != nil {
				t.Fatal(err)
			}
			if msg := modelDiff(ref.m, fm.m); msg != "" {
				t.Fatalf("seed %d: two builds differ: %s", seed, msg)
			}
		}
	}
}

// modelDiff names the first difference between a and b, or is "".
func modelDiff(a, b *highs.Model) string {
	if a.NumCols() != b.NumCols() || a.NumRows() != b.NumRows() {
		return fmt.Sprintf("%d×%d and %d×%d", a.NumRows(), a.NumCols(), b.NumRows(), b.NumCols())
	}
	if a.Offset != b.Offset {
		return fmt.Sprintf("offset %v and %v", a.Offset, b.Offset)
	}
	for j := range a.ColCost {
		if a.ColCost[j] != b.ColCost[j] || a.ColLower[j] != b.ColLower[j] || a.ColUpper[j] != b.ColUpper[j] || a.ColNames[j] != b.ColNames[j] {
			return fmt.Sprintf("column %s: cost %v [%v, %v] and %s: %v [%v, %v]", a.ColNames[j], a.ColCost[j], a.ColLower[j], a.ColUpper[j],
				b.ColNames[j], b.ColCost[j], b.ColLower[j], b.ColUpper[j])
		}
	}
	for i := range a.RowLower {
		ai, av := a.Row(i)
		bi, bv := b.Row(i)
		if a.RowLower[i] != b.RowLower[i] || a.RowUpper[i] != b.RowUpper[i] || !slices.Equal(ai, bi) || !slices.Equal(av, bv) || a.RowNames[i] != b.RowNames[i] {
			return fmt.Sprintf("row %s: %v %v [%v, %v] and %s: %v %v [%v, %v]", a.RowNames[i], ai, av, a.RowLower[i], a.RowUpper[i],
				b.RowNames[i], bi, bv, b.RowLower[i], b.RowUpper[i])
		}
	}
	return ""
}

// TestPlanRows: 95 units from r1 (Europe) and 45 from r3 (America), each
// within a 60 ms SLO of its own continent's three clusters only; N+1 per
// continent with Max Clusters 4. When all demand is served each
// continent uses at least 2 clusters, so exactly 2, each holding all of
// its continent's load: 10+10 and 5+5 replicas, 30. Max Clusters is not
// below either continent's 3 candidates, so the LP without the
// plan-phase rows spreads N+1 over all three (9.5·3/2 + 4.5·3/2 = 21);
// with them each continent keeps 1 − 1/2 of its replicas after a loss
// (19 + 9 = 28). Outside phase "plan" the rows are free and θ's floor
// is lifted: demand may then go unserved.
func TestPlanRows(t *testing.T) {
	var cs []Cluster
	for i, name := range []string{"a", "b", "c", "d", "e", "f"} {
		c := cluster(name, "r1", 100, 1)
		if i >= 3 {
			c.Region, c.Continent = "r3", "na"
		}
		cs = append(cs, c)
	}
	in := small(cs...)
	in.Latency = []Link{{From: "r1", To: "r3", RTT: 100}}
	s := svc("web")
	s.Redundancy, s.Scope, s.MaxClusters = 1, ScopeContinent, 4
	s.LatencySLO, s.HasLatencySLO = 60, true
	in.Services = []Service{s}
	in.Demand = []Demand{{Service: "web", Region: "r1", Amount: 95}, {Service: "web", Region: "r3", Amount: 45}}
	if ps := Validate(in); ps.Err() != nil {
		t.Fatal(ps.Err())
	}
	fm, err := build(in, true)
	if err != nil {
		t.Fatal(err)
	}
	foot := 0
	for _, i := range fm.planRows {
		if strings.HasPrefix(fm.m.RowNames[i], "nkfootplan") {
			foot++
		}
	}
	if foot != 2 {
		t.Fatalf("%d nkfootplan rows, want one per continent", foot)
	}
	restore := fm.serveAll()
	with := relaxed(t, fm.m)
	for _, i := range fm.planRows {
		fm.m.RowLower[i] = -highs.Inf
	}
	for _, nk := range fm.nk {
		fm.m.ColLower[nk.theta] = 0
	}
	without := relaxed(t, fm.m)
	restore()
	for _, i := range fm.planRows {
		if fm.m.RowLower[i] != -highs.Inf {
			t.Errorf("row %s still binds outside phase plan", fm.m.RowNames[i])
		}
	}
	for _, nk := range fm.nk {
		if fm.m.ColLower[nk.theta] != 0 {
			t.Errorf("%s keeps its floor outside phase plan", fm.m.ColNames[nk.theta])
		}
	}
	if math.Abs(with-28) > 1e-6 || math.Abs(without-21) > 1e-6 {
		t.Errorf("LP %.4f with the plan rows, %.4f without: want 28 and 21", with, without)
	}
	checkOptimum(t, in, 30)
}

// TestLoadedElsewhere: the zones other than z that must carry load, from
// the zones that can serve each demand region.
func TestLoadedElsewhere(t *testing.T) {
	for _, tc := range []struct {
		groups [][]string
		z      string
		want   int
	}{
		{nil, "eu", 0},
		{[][]string{{"eu"}, {"na"}}, "eu", 1},
		{[][]string{{"eu"}, {"na"}, {"na"}}, "apac", 2},
		{[][]string{{"eu", "na"}, {"na"}}, "apac", 1},       // one zone, na, can serve both
		{[][]string{{"eu", "na"}, {"apac"}}, "na", 1},       // eu|na may be served in na itself
		{[][]string{{"a", "b"}, {"b", "c"}, {"c"}}, "x", 2}, // {c} first, then {a, b}
	} {
		if got := loadedElsewhere(tc.groups, tc.z); got != tc.want {
			t.Errorf("loadedElsewhere(%v, %q) = %d, want %d", tc.groups, tc.z, got, tc.want)
		}
	}
}

// TestCutsKeepOptimum: on generated intents the plan-phase rows, θ
// floors and θ rows cut off no optimum (the MILP solved to optimality
// with and without them agrees) and raise the LP bound on some (seeds
// 1–5 of 14×6: asserted for at least one).
func TestCutsKeepOptimum(t *testing.T) {
	raised := 0
	for seed := uint64(1); seed <= 5; seed++ {
		in := Generate(GenConfig{Seed: seed, Services: 14, Clusters: 6, Regions: 3, Continents: 2})
		fm, err := build(in, true)
		if err != nil {
			t.Fatal(err)
		}
		fm.serveAll()
		solve := func(integer bool) float64 {
			m := *fm.m
			if !integer {
				m.Integer = nil
			}
			r, err := highs.Solve(context.Background(), &m, &highs.Options{Threads: 1, MIPRelGap: 1e-9, Extra: []highs.Option{presolveWorkaround}})
			if err != nil || r.Status != highs.StatusOptimal {
				t.Fatalf("seed %d: %v %v", seed, err, r.Status)
			}
			return r.Objective
		}
		lpWith, mipWith := solve(false), solve(true)
		for _, i := range fm.planRows {
			fm.m.RowLower[i] = -highs.Inf
		}
		for _, nk := range fm.nk {
			fm.m.ColLower[nk.theta] = 0
		}
		for i, name := range fm.m.RowNames {
			if strings.HasPrefix(name, "thetamin") {
				fm.m.RowLower[i] = -highs.Inf
			}
		}
		lpWithout, mipWithout := solve(false), solve(true)
		tol := 1e-6 * mipWithout
		if math.Abs(mipWith-mipWithout) > tol || lpWith < lpWithout-tol {
			t.Errorf("seed %d: optimum %.4f with the plan rows, %.4f without; LP %.4f and %.4f", seed, mipWith, mipWithout, lpWith, lpWithout)
		}
		if lpWith > lpWithout+tol {
			raised++
		}
		t.Logf("seed %d: LP %.2f → %.2f, optimum %.2f", seed, lpWithout, lpWith, mipWith)
	}
	if raised == 0 {
		t.Error("the plan rows raised no LP bound")
	}
}

// TestThetaRow: 95 units from r1 under N+2 per region, Min Replicas 3,
// with six clusters at price 1 in r1 and six at 2 in r2 (50 ms away,
// no SLO, so neither region must carry load). Every plan runs at least
// 3 replicas on each of the 6 in r1 (18: 12 left after losing 2). The
// N+k rows alone let the LP spread 9.5·6/4 = 14.25 replicas; the θ row
// makes the 2 largest hold 3 replicas each in proportion to the zone's
// share of its bound (all of it): 9.5 + 6 = 15.5. (The replicas row of
// phase "plan", whose zone floor is 18, closes it; it is left out here.)
func TestThetaRow(t *testing.T) {
	var cs []Cluster
	for i := range 12 {
		c := cluster(fmt.Sprintf("c%02d", i), "r1", 100, 1)
		if i >= 6 {
			c.Region, c.Price["cpu"] = "r2", 2
		}
		cs = append(cs, c)
	}
	in := small(cs...)
	in.Latency = []Link{{From: "r1", To: "r2", RTT: 50}}
	s := svc("web")
	s.Redundancy, s.MinReplicas = 2, 3
	in.Services = []Service{s}
	in.Demand = []Demand{{Service: "web", Region: "r1", Amount: 95}}
	if ps := Validate(in); ps.Err() != nil {
		t.Fatal(ps.Err())
	}
	if lp := lpBound(t, in); math.Abs(lp-18) > 1e-6 {
		t.Errorf("LP bound %.4f, want 18", lp)
	}
	fm, err := build(in, true)
	if err != nil {
		t.Fatal(err)
	}
	defer fm.serveAll()()
	for i, name := range fm.m.RowNames {
		if strings.HasPrefix(name, "replicas") {
			fm.m.RowLower[i] = -highs.Inf
		}
	}
	if lp := relaxed(t, fm.m); math.Abs(lp-15.5) > 1e-6 {
		t.Errorf("without the rounding rows: LP %.4f, want 15.5", lp)
	}
	rows := 0
	for i, name := range fm.m.RowNames {
		if strings.HasPrefix(name, "thetamin") {
			fm.m.RowLower[i] = -highs.Inf
			rows++
		}
	}
	if lp := relaxed(t, fm.m); rows != 2 || math.Abs(lp-14.25) > 1e-6 {
		t.Errorf("without the θ rows (%d found): LP %.4f, want 14.25", rows, lp)
	}
	checkOptimum(t, in, 18)
}

// TestRoundingRows: web serves 45 units from r1, whose 60 ms SLO
// reaches only a and b (price 1), and 25 from r3, reaching only c
// (price 2); api carries half of web's load (35) and may run only in a.
// The LP without the rounding rows runs 4.5 + 2.5 web replicas and 3.5
// api ones: 4.5 + 5 + 3.5 = 13. Each set's replicas are whole: web ≥ 5
// on {a, b} and ≥ 3 on {c} (its 70 units are 7 replicas, no row), api
// ≥ 4 in all (its load comes from web through the dependency), so the
// LP rises to 5 + 6 + 4 = 15, the optimum. Outside phase "plan" the
// rows are free.
func TestRoundingRows(t *testing.T) {
	in := small(cluster("a", "r1", 100, 1), cluster("b", "r1", 100, 1), cluster("c", "r3", 100, 2))
	web, api := svc("web"), svc("api")
	web.LatencySLO, web.HasLatencySLO = 60, true
	api.Allowed = []string{"a"}
	in.Services = []Service{web, api}
	in.Demand = []Demand{{Service: "web", Region: "r1", Amount: 45}, {Service: "web", Region: "r3", Amount: 25}}
	in.Dependencies = []Dependency{{Service: "web", DependsOn: "api", Ratio: 0.5}}
	fm, err := build(in, true)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"replicasin.web.r1": 5, "replicasin.web.r3": 3, "replicas.api": 4}
	if got := planLowers(fm); !reflect.DeepEqual(got, want) {
		t.Errorf("rounding rows %v, want %v", got, want)
	}
	with, without := planRowsLP(t, fm)
	if math.Abs(with-15) > 1e-6 || math.Abs(without-13) > 1e-6 {
		t.Errorf("LP %.4f with the rounding rows, %.4f without: want 15 and 13", with, without)
	}
	checkOptimum(t, in, 15)
}

// TestZoneFloor: the fewest replicas an N+k zone holds once it carries
// load, over the number of clusters it uses.
func TestZoneFloor(t *testing.T) {
	for _, tc := range []struct {
		name           string
		load, cap      float64
		k, minRep, max int
		cands          int
		want           float64
	}{
		// 2,770 units at 800 a replica must survive the loss of 2: 4
		// replicas; 3 clusters of 4 or 4 of 3 (Min Replicas), 12.
		{"min replicas", 2770, 800, 2, 3, 0, 50, 12},
		// 10 replicas, N+1, Min Replicas 1: the more clusters the fewer
		// spare replicas, 10 + ⌈10/4⌉ on 5.
		{"spread", 100, 10, 1, 1, 0, 5, 13},
		// Max Clusters 2 of 5: 10 + 10.
		{"max clusters", 100, 10, 1, 1, 2, 5, 20},
		// A zone of k clusters can carry nothing.
		{"too few", 100, 10, 2, 1, 0, 2, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := svc("web")
			s.Redundancy, s.MinReplicas, s.MaxClusters, s.ReplicaCapacity = tc.k, tc.minRep, tc.max, tc.cap
			sv := &svcVars{s: &s, cap: tc.cap, minAt: map[int]float64{}}
			fm := &formulation{}
			var cs []int
			for c := range tc.cands {
				cs = append(cs, c)
				sv.minAt[c] = float64(tc.minRep)
				fm.cl = append(fm.cl, &Cluster{Name: fmt.Sprint("c", c), Region: "r1", Continent: "eu"})
			}
			if got := fm.zoneFloor(sv, cs, tc.load); got != tc.want {
				t.Errorf("zoneFloor = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestZoneSetRows: 25 units from r1 reach both regions r1 and r2 (a, b,
// e in r1; c, d, f in r2, 50 ms away, within the 60 ms SLO), not r3 (g);
// N+1 per region, Min Replicas 2. Neither zone must carry the load, so
// the zone floor has no row; but one of them does, and after the loss of
// its largest cluster keeps ⌈25/10⌉ = 3 replicas: 3 + 3 on two clusters,
// or 2 + 2 + 2 on three (Min Replicas), 6 either way. The zone-set row
// over the six clusters says so, and so does the replicas row over all
// seven (the region's own row says 3); the LP without them splits the
// load over both zones and runs 4.5.
func TestZoneSetRows(t *testing.T) {
	in := small(cluster("a", "r1", 100, 1), cluster("b", "r1", 100, 1), cluster("e", "r1", 100, 1),
		cluster("c", "r2", 100, 1), cluster("d", "r2", 100, 1), cluster("f", "r2", 100, 1), cluster("g", "r3", 100, 1))
	s := svc("web")
	s.Redundancy, s.MinReplicas, s.LatencySLO, s.HasLatencySLO = 1, 2, 60, true
	in.Services = []Service{s}
	in.Demand = []Demand{{Service: "web", Region: "r1", Amount: 25}}
	fm, err := build(in, true)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"replicasin.web.r1": 3, "replicaszones.web.r1.r2": 6, "replicas.web": 6}
	if got := planLowers(fm); !reflect.DeepEqual(got, want) {
		t.Errorf("plan rows %v, want %v", got, want)
	}
	with, without := planRowsLP(t, fm)
	if math.Abs(with-6) > 1e-6 || math.Abs(without-4.5) > 1e-6 {
		t.Errorf("LP %.4f with the rows, %.4f without: want 6 and 4.5", with, without)
	}
	checkOptimum(t, in, 6)
}

// TestFloorOfProperties checks, over small cases exhaustively, what the
// zone-set rows rest on: the zone floor is subadditive in the replicas
// that must survive, grows with them and with Min Replicas, and shrinks
// as the zone may use more clusters.
func TestFloorOfProperties(t *testing.T) {
	for k := 1; k <= 3; k++ {
		for m := k + 1; m <= 9; m++ {
			for q := 1.0; q <= 4; q++ {
				for a := 1.0; a <= 30; a++ {
					fa := floorOf(k, m, q, a)
					if fa < a+float64(k)*q {
						t.Errorf("k %d m %d q %v: floor(%v) = %v below r + k·q", k, m, q, a, fa)
					}
					if g := floorOf(k, m, q, a+1); g < fa {
						t.Errorf("k %d m %d q %v: floor(%v) = %v > floor(%v) = %v", k, m, q, a, fa, a+1, g)
					}
					if g := floorOf(k, m+1, q, a); g > fa {
						t.Errorf("k %d q %v r %v: %v clusters %v, %v clusters %v", k, q, a, m, fa, m+1, g)
					}
					if g := floorOf(k, m, q+1, a); g < fa {
						t.Errorf("k %d m %d r %v: q %v gives %v, q %v gives %v", k, m, a, q, fa, q+1, g)
					}
					for b := 1.0; b <= 30; b++ {
						if fa+floorOf(k, m, q, b) < floorOf(k, m, q, a+b) {
							t.Errorf("k %d m %d q %v: floor(%v) + floor(%v) < floor(%v)", k, m, q, a, b, a+b)
						}
					}
				}
			}
		}
	}
}

// planRowsLP is the LP bound of fm in phase "plan" with and without its
// plan rows; it checks that the rows are free again after the phase.
func planRowsLP(t *testing.T, fm *formulation) (with, without float64) {
	t.Helper()
	restore := fm.serveAll()
	with = relaxed(t, fm.m)
	for _, i := range fm.planRows {
		fm.m.RowLower[i] = -highs.Inf
	}
	without = relaxed(t, fm.m)
	restore()
	for _, i := range fm.planRows {
		if fm.m.RowLower[i] != -highs.Inf {
			t.Errorf("row %s still binds outside phase plan", fm.m.RowNames[i])
		}
	}
	return with, without
}

// planLowers is each plan row's lower bound in phase "plan", by name.
func planLowers(fm *formulation) map[string]float64 {
	out := map[string]float64{}
	for k, i := range fm.planRows {
		out[fm.m.RowNames[i]] = fm.planLower[k]
	}
	return out
}

// TestRegionRoutes: with routes to regions (build's choice for large
// models), demand and dependency load get one f and one h column here
// and one capacity row per service and region, and the plan splits each
// route over the region's clusters in proportion to their replicas:
// web's 5 replicas must sit 2 in a and 3 in b (the supply), api's 5 in
// c and d (3 each at most), so r1's 50 units go 20 to a and 30 to b,
// each (web cluster, api cluster) pair carries web's share times api's
// of the 50 units of api load, and the verifier passes the plan. The
// same intent routed to clusters has the same optimum.
func TestRegionRoutes(t *testing.T) {
	in := small(cluster("a", "r1", 2, 1), cluster("b", "r1", 3, 1), cluster("c", "r2", 3, 1), cluster("d", "r2", 3, 2))
	in.Latency = in.Latency[:1]
	web, api := svc("web"), svc("api")
	web.Allowed, api.Allowed = []string{"r1"}, []string{"r2"}
	in.Services = []Service{web, api}
	in.Demand = []Demand{{Service: "web", Region: "r1", Amount: 50}}
	in.Dependencies = []Dependency{{Service: "web", DependsOn: "api", Ratio: 1}}
	if ps := Validate(in); ps.Err() != nil {
		t.Fatal(ps.Err())
	}
	optimum := map[bool]float64{}
	for _, pooled := range []bool{true, false} {
		fm, err := buildWith(in, true, pooled)
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, n := range fm.m.ColNames {
			count[strings.SplitN(n, ".", 2)[0]]++
		}
		for _, n := range fm.m.RowNames {
			count["row "+strings.SplitN(n, ".", 2)[0]]++
		}
		if want := map[bool]int{true: 1, false: 2}[pooled]; count["f"] != want || count["h"] != want || count["row cap"] != 2*want {
			t.Errorf("pooled %v: %d f, %d h columns and %d capacity rows, want %d, %d and %d", pooled, count["f"], count["h"], count["row cap"], want, want, 2*want)
		}
		defer fm.serveAll()()
		r, err := highs.Solve(context.Background(), fm.m, &highs.Options{Threads: 1, MIPRelGap: 1e-9, Extra: []highs.Option{presolveWorkaround}})
		if err != nil || r.Status != highs.StatusOptimal {
			t.Fatalf("pooled %v: %v %v", pooled, err, r.Status)
		}
		optimum[pooled] = r.Objective
		p := fm.extract(r.X)
		if v := Verify(in, p); v.Err() != nil {
			t.Fatalf("pooled %v: %v", pooled, v.Err())
		}
		if !pooled {
			continue
		}
		n := map[string]float64{}
		for _, a := range p.Replicas {
			n[a.Cluster] = float64(a.Replicas)
		}
		if n["a"] != 2 || n["b"] != 3 || n["c"]+n["d"] != 5 {
			t.Fatalf("replicas %v, want a 2, b 3 and 5 in c and d", n)
		}
		routes := map[string]float64{}
		for _, r := range p.Routes {
			routes[r.Cluster] += r.Amount
		}
		if math.Abs(routes["a"]-20) > 1e-6 || math.Abs(routes["b"]-30) > 1e-6 || len(routes) != 2 {
			t.Errorf("routes %v, want a 20 and b 30", routes)
		}
		deps := map[[2]string]float64{}
		for _, d := range p.DependencyRoutes {
			deps[[2]string{d.From, d.To}] += d.Amount
		}
		for _, from := range []string{"a", "b"} {
			for _, to := range []string{"c", "d"} {
				if want := 50 * n[from] / 5 * n[to] / 5; math.Abs(deps[[2]string{from, to}]-want) > 1e-6 {
					t.Errorf("dependency load %s→%s %.6g, want %.6g", from, to, deps[[2]string{from, to}], want)
				}
			}
		}
	}
	if math.Abs(optimum[true]-optimum[false]) > 1e-6 {
		t.Errorf("optimum %.6f with routes to regions, %.6f to clusters", optimum[true], optimum[false])
	}
}

// TestPooledRoutesExact: on generated intents, routing to regions loses
// no plan: the MILP with routes to regions has the optimum of the one
// with routes to clusters, and the plan read from its optimum passes the
// verifier. (Seed 3 is where HiGHS 1.10's parallel-rows presolve rule
// reported a wrong optimum: see pooledPresolveWorkaround.)
func TestPooledRoutesExact(t *testing.T) {
	for _, seed := range []uint64{2, 3} {
		in := Generate(GenConfig{Seed: seed, Services: 10, Clusters: 7, Regions: 3, Continents: 2})
		optimum := map[bool]float64{}
		for _, pooled := range []bool{true, false} {
			fm, err := buildWith(in, false, pooled)
			if err != nil {
				t.Fatal(err)
			}
			restore := fm.serveAll()
			r, err := highs.Solve(context.Background(), fm.m, &highs.Options{Threads: 1, MIPRelGap: 1e-9, TimeLimit: 20 * time.Second, Extra: []highs.Option{fm.presolve()}})
			restore()
			if err != nil || r.Status != highs.StatusOptimal {
				t.Fatalf("seed %d, pooled %v: %v %v", seed, pooled, err, r.Status)
			}
			optimum[pooled] = r.Objective
			if v := Verify(in, fm.extract(r.X)); v.Err() != nil {
				t.Errorf("seed %d, pooled %v: %v", seed, pooled, v.Err())
			}
		}
		if math.Abs(optimum[true]-optimum[false]) > 1e-6*math.Max(1, optimum[false]) {
			t.Errorf("seed %d: optimum %.6f with routes to regions, %.6f to clusters", seed, optimum[true], optimum[false])
		}
	}
}

// TestTopKWhole checks the claim that lets θ and π be integer: for whole
// replica counts v, min over θ ≥ 0 of k·θ + Σ max(0, v_c − θ) (the sum of
// the k largest) is reached at a whole θ. It tries every whole vector of
// up to 4 counts of 0–4 and k = 1–3, against θ on a grid of quarters.
func TestTopKWhole(t *testing.T) {
	f := func(v []int, k int, theta float64) float64 {
		s := float64(k) * theta
		for _, x := range v {
			s += math.Max(0, float64(x)-theta)
		}
		return s
	}
	var walk func(v []int)
	checked := 0
	walk = func(v []int) {
		if len(v) > 0 {
			for k := 1; k <= 3; k++ {
				sorted := slices.Clone(v)
				slices.Sort(sorted)
				slices.Reverse(sorted)
				want := 0.0
				for _, x := range sorted[:min(k, len(sorted))] {
					want += float64(x)
				}
				whole, grid := math.Inf(1), math.Inf(1)
				for q := 0; q <= 4*5; q++ {
					theta := float64(q) / 4
					grid = math.Min(grid, f(v, k, theta))
					if q%4 == 0 {
						whole = math.Min(whole, f(v, k, theta))
					}
				}
				if whole != want || grid != want {
					t.Errorf("v %v, k %d: whole θ gives %g, quarters %g, the %d largest add to %g", v, k, whole, grid, k, want)
				}
				checked++
			}
		}
		if len(v) == 4 {
			return
		}
		for x := range 5 {
			walk(append(slices.Clone(v), x))
		}
	}
	walk(nil)
	if checked == 0 {
		t.Fatal("no vector checked")
	}
}

// TestTopKStart builds generated intents with N+1 and N+2 both ways of
// routing: routed to regions, every θ and π column is integer and a
// witness plan's start sets them to whole values; either way the start
// sets them where the N+k row reads exactly capacity less the k
// largest, and is feasible for the full-demand model.
func TestTopKStart(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		for _, pooled := range []bool{false, true} {
			in, witness := GenerateWitness(GenConfig{Seed: seed, Services: 20, Clusters: 8})
			fm, err := buildWith(in, false, pooled)
			if err != nil {
				t.Fatal(err)
			}
			restore := fm.serveAll()
			m, x := fm.m, fm.start(witness)
			if len(fm.nk) == 0 {
				t.Fatalf("seed %d: no N+k zone", seed)
			}
			for _, nk := range fm.nk {
				sv := fm.svc[nk.svc]
				cols := append([]int{nk.theta}, nk.pi...)
				for _, j := range cols {
					if m.Integer[j] != pooled {
						t.Errorf("seed %d, pooled %v, %s: column %d of θ or π integer %v", seed, pooled, sv.s.Name, j, m.Integer[j])
					}
					if (pooled && x[j] != math.Round(x[j])) || x[j] < 0 {
						t.Errorf("seed %d, pooled %v, %s: start sets θ or π to %g", seed, pooled, sv.s.Name, x[j])
					}
				}
				// In replicas: a unit of θ or π is w/cap of one.
				per := fm.topkUnit(sv) / sv.cap
				var ns []float64
				left := 0.0
				for i, c := range nk.clusters {
					ns = append(ns, x[sv.n[c]])
					left += x[sv.n[c]] - per*x[nk.pi[i]]
				}
				left -= float64(sv.s.Redundancy) * per * x[nk.theta]
				slices.Sort(ns)
				want := 0.0
				for i, n := range ns {
					if i < len(ns)-sv.s.Redundancy {
						want += n
					}
				}
				if math.Abs(left-want) > 1e-9*math.Max(1, want) {
					t.Errorf("seed %d, pooled %v, %s: N+k row counts %g replicas after the loss, want %g", seed, pooled, sv.s.Name, left, want)
				}
			}
			s := &solver{fm: fm}
			if !s.feasible(x) {
				t.Errorf("seed %d, pooled %v: the witness's start is not feasible", seed, pooled)
			}
			restore()
		}
	}
}

// TestLoadUnits: the LP relaxation solved with θ and π in load units
// (relaxation) maps back to a solution of the model's own relaxation:
// the same objective as solving that directly, every row and bound met,
// and reduced costs that are the model's c − Aᵀy at the row duals.
func TestLoadUnits(t *testing.T) {
	for _, seed := range []uint64{1, 2} {
		for _, pooled := range []bool{false, true} {
			in := Generate(GenConfig{Seed: seed, Services: 20, Clusters: 8, Regions: 3, Continents: 2})
			fm, err := buildWith(in, false, pooled)
			if err != nil {
				t.Fatal(err)
			}
			restore := fm.serveAll()
			s := &solver{fm: fm, engine: HiGHS{}, opts: Options{Threads: 1}}
			r, err := s.relaxation(context.Background(), time.Minute, nil)
			if err != nil || r.Status != highs.StatusOptimal {
				t.Fatalf("seed %d: %v %v", seed, err, r.Status)
			}
			lp := *fm.m
			lp.Integer = nil
			direct, err := highs.Solve(context.Background(), &lp, &highs.Options{Threads: 1, Extra: []highs.Option{fm.presolve()}})
			if err != nil || direct.Status != highs.StatusOptimal {
				t.Fatalf("seed %d: %v %v", seed, err, direct.Status)
			}
			m := fm.m
			tol := 1e-6 * math.Max(1, math.Abs(direct.Objective))
			if math.Abs(r.Objective-direct.Objective) > tol || math.Abs(m.Objective(r.X)-direct.Objective) > tol {
				t.Errorf("seed %d, pooled %v: objective %.6f (of its X %.6f), the model's LP %.6f", seed, pooled, r.Objective, m.Objective(r.X), direct.Objective)
			}
			for j, v := range r.X {
				if v < m.ColLower[j]-1e-6 || v > m.ColUpper[j]+1e-6 {
					t.Errorf("seed %d, pooled %v: column %d at %g outside [%g, %g]", seed, pooled, j, v, m.ColLower[j], m.ColUpper[j])
				}
			}
			for i, a := range m.Activity(r.X) {
				if tol := 1e-6 * math.Max(1, math.Abs(a)); a < m.RowLower[i]-tol || a > m.RowUpper[i]+tol {
					t.Errorf("seed %d, pooled %v: row %d at %g outside [%g, %g]", seed, pooled, i, a, m.RowLower[i], m.RowUpper[i])
				}
			}
			rc := slices.Clone(m.ColCost)
			for i := range m.NumRows() {
				for k := m.RowStart[i]; k < m.RowStart[i+1]; k++ {
					rc[m.Index[k]] -= r.RowDual[i] * m.Value[k]
				}
			}
			scaled := 0
			for j := range rc {
				if math.Abs(rc[j]-r.ColDual[j]) > 1e-6*math.Max(1, math.Abs(rc[j])) {
					t.Errorf("seed %d, pooled %v: column %d's reduced cost %g, c − Aᵀy %g", seed, pooled, j, r.ColDual[j], rc[j])
				}
			}
			for _, nk := range fm.nk {
				if fm.topkUnit(fm.svc[nk.svc]) != 1 {
					scaled++
				}
			}
			if pooled && scaled == 0 {
				t.Errorf("seed %d: no N+k zone of a service with cap ≠ 1: nothing was scaled", seed)
			}
			restore()
		}
	}
}
