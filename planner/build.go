package planner

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/auxon-planner/auxon/planner/highs"
)

// The MILP
//
// Indices: service s, cluster c (region g(c)), resource r, demand region g,
// routing group R of candidates (a region, or on small models one
// cluster: see below), dependency s→t. C_s is the set of candidate
// clusters of s: the clusters
// its Allowed list permits plus those a Reservation pins with Min > 0,
// less those where one replica does not fit the supply (unless pinned).
// Only pairs in C_s get variables; that sparsity is what makes large plans
// solvable.
//
// Variables:
//
//	n[s,c] ∈ ℤ, 0 ≤ n ≤ M[s,c]       replicas of s in c
//	y[s,c] ∈ {0,1}                    s present in c
//	f[s,g,R] ≥ 0                      demand of s from g served in
//	                                  group R (on C_s ∩ R); only if
//	                                  RTT(g, R) ≤ SLO(s)
//	h[s→t,g,R] ≥ 0                    load on t created by s in region g,
//	                                  served in group R (on C_t ∩ R);
//	                                  only if RTT(g, R) ≤ MaxRTT
//	u[s,g] ≥ 0                        unmet demand (see Solve for pricing)
//	θ[s,Z], π[s,c] ≥ 0                the N+k terms, below: on a model
//	                                  routed to regions whole replicas
//	                                  (integer), else load (w = 1)
//	z[c] ∈ {0,1}                      cluster c hosts anything (only when c
//	                                  has a fixed cost)
//	d[s,c] ≥ 0                        |n[s,c] − current[s,c]| (only with a
//	                                  move cost, and only where current > 0:
//	                                  elsewhere the churn is n itself and
//	                                  its cost goes on n)
//
// With load[s,R] = Σ_g f[s,g,R] + Σ_{p→s, q} h[p→s,q,R] (q a region),
// and load[s,Z] its sum over the regions of a zone (or any union of
// regions), the rows are:
//
//	(demand)     Σ_R f[s,g,R] + u[s,g] = D[s,g]
//	(capacity)   load[s,R] − cap(s)·Σ_{c∈C_s∩R} n[s,c] ≤ 0
//	(dependency) Σ_R h[s→t,g,R] − ρ(s→t)·load[s,g] = 0
//	(supply)     Σ_s shape[s,r]·n[s,c] ≤ supply[c,r]·z[c]  (z[c] ≡ 1 without
//	             a fixed cost); multiplying by z is the strong
//	             facility-location form: it ties the LP's z to the share
//	             of supply used, not just to the largest y
//	(link)       min(s,c)·y[s,c] ≤ n[s,c] ≤ M[s,c]·y[s,c]
//	(footprint)  MinClusters(s) ≤ Σ_c y[s,c] ≤ MaxClusters(s)
//	(N+k)        cap·Σ_{c∈Z} n[s,c] − w·(k·θ[s,Z] + Σ_{c∈Z} π[s,c])
//	                 − load[s,Z] ≥ 0,
//	             π[s,c] − (cap/w)·n[s,c] + θ[s,Z] ≥ 0, with w the load
//	             a unit of θ and π stands for (topkUnit): cap or 1
//	(fixed)      z[c] − y[s,c] ≥ 0
//	(spread)     (k+1)·load[s,Z] ≤ L̄[s,Z]·Σ_Z y[s,c]  (a valid cut)
//	(nkfoot)     (1 − k/M)·cap·Σ_{c∈Z} n[s,c] ≥ load[s,Z] when Max
//	             Clusters M is below Z's candidates (a valid cut; see
//	             footprintRedundancyRow), and in phase "plan" the same
//	             with M less k+1 for each other zone that must carry
//	             load; there also θ[s,Z] ≥ (cap/w)·q (see thetaFloor)
//	(rounding)   in phase "plan", Σ_{c∈S} n[s,c] ≥ ⌈F_S/cap⌉ for sets S
//	             of s's candidates that must carry load F_S, and under
//	             N+k a floor counted over the clusters a zone uses
//	             (valid cuts: see roundingRows)
//	(churn)      d[s,c] − n[s,c] ≥ −current,  d[s,c] + n[s,c] ≥ current
//
// The N+k rows are the exact LP form of "the capacity left after losing
// the k largest clusters of zone Z carries the zone's load": for values
// v_c, the sum of the k largest equals min over θ ≥ 0 of
// k·θ + Σ_c max(0, v_c − θ), so Σ v − (k largest) ≥ L holds if and only if
// some θ, π satisfy the rows above. A zone with at most k candidate
// clusters can then carry no load, as it must.
//
// θ and π count replicas, and are integer, on a model routed to
// regions (a large one). That loses no plan: with v_c = n[s,c] whole,
// k·θ + Σ_c max(0, v_c − θ) is convex and piecewise linear in θ with
// its breakpoints at the v_c, so its minimum over θ ≥ 0 is at 0 or at
// some v_c (the k-th largest), whole, and π_c = max(0, v_c − θ) is
// whole too. It changes no LP, but it gives HiGHS rows of whole
// replicas to cut and branch on in the MILPs the search and the
// Lagrangian bound solve: per service, and sub-MIPs. On the 500×50
// benchmark intent at 60 s, the bound rose from about 4,754,000 to
// 4,759,000 and solver seeds 1–6 ended at 1.64–2.13% (mean 1.76%) where
// they ended at 2.09–2.37% (mean 2.24%). Runs with an early form of
// priced moves (lagrange.go) on, seed for seed: with θ and π integer,
// seeds 1 and 3 ended at 1.70% and 1.28%; in replicas but continuous,
// at 2.14% and 2.18%, so the integrality is what gains. With the N+k
// row in replicas too (load/cap), seeds 1–4 ended at a mean of 1.88%
// against 1.54%: it stays in load units.
// Its LP relaxation is solved with θ and π in load units (see
// relaxation), which HiGHS solves faster. On a model routed to
// clusters, which HiGHS's branch and bound solves whole, θ and π stay
// continuous load: there the integer form took the 80×12 benchmark
// intent from 5.7–6.0 s to 7.6 s to a 1% gap, and the bundled example
// from 3.6 to 4.1 s (same session).
//
// Routes go to routing groups: on a large model (see build) a group is
// a region, and f[s,g,R], h[s→t,g,R] and the capacity rows are as
// above; on a small one each cluster is its own group, and the same
// rows read per cluster (R = {c}). Pooling a region's clusters loses no
// plan: latency bounds (SLO, MaxRTT) depend only on regions, and no row
// but capacity looks at one cluster's load. Given load[s,R] ≤
// cap·Σ_{c∈R} n[s,c], the plan (extract) gives each cluster of R the
// share n[s,c]/Σ_{c'∈R} n[s,c'] of every route into R and out of R,
// which keeps each cluster's load within its own cap·n and meets its
// own dependency balance exactly (TestRegionRoutes; TestPooledRoutesExact
// finds the same optimum both ways). Dependency load always comes from
// regions: the plan splits each h back over the source region's
// clusters in proportion to their load.
//
// On the 500×50 benchmark intent pooling took the model from 215,285
// columns (124,224 of them h, 29,781 f) and 95,940 rows to 92,450 and
// 79,746, its LP relaxation from 18.0 s to 7.0 s (HiGHS run time; the
// same optimum, 4,743,702.5), its time to a 1% gap from 441.9 s to
// 285.5 s and its peak RSS from 489 to 273 MiB (the 15-minute
// benchmark); at 60 s, solver seeds 1–6 ended at 2.09–2.37% (mean
// 2.24%; 2.22–2.37%, mean 2.30%, before). Small models keep routes to
// clusters because HiGHS's branch and bound is slower on the pooled
// form: a region's clusters that carry no load then have replicas
// priced at their small cost difference to the one that does, and
// HiGHS's root reduced-cost fixing (HighsRedcostFixing::addRootRedcost,
// quadratic in a column's range) took 70% of the bundled example's
// solve, which took 7.6–10.8 s instead of 2.8–3.6 s (solver seeds 1–3).
//
// Tight big-M: M[s,c] is the least of the replicas that fit the cluster's
// supply (⌊supply[c,r]/shape[s,r]⌋ over r), the reservation's Max, and
// max(MinReplicas, ⌈L̄_s/cap(s)⌉) where L̄_s bounds the total load of s
// (its demand plus ρ times the bound of every service depending on it,
// in topological order): replicas beyond L̄_s/cap in one cluster can be
// removed without breaking any row, N+k included, so the bound loses no
// optimal plan.
//
// Objective: Σ price[c,r]·shape[s,r]·n[s,c] + Σ FixedCost(c)·z[c]
// + MoveCost·Σ d[s,c] (+ the constant churn of current pairs that are no
// longer candidates).
type formulation struct {
	in  *Intent
	net *Network
	m   *highs.Model
	// named gives every column and row a name (for model files).
	named bool
	// pooled routes load to regions rather than clusters (see group).
	pooled bool

	svc    []*svcVars
	svcIdx map[string]int
	cl     []*Cluster
	clIdx  map[string]int
	res    []string // resources used by some shape

	unmet   []unmetVar // every u[s,g]
	depVars []depVar   // every h
	nk      []nkVars   // every zone's θ and π
	// planRows are rows valid only while all reachable demand is served:
	// free otherwise, their lower bound planLower in phase "plan"
	// (serveAll).
	planRows  []int
	planLower []float64
	// depTotals are the Lagrangian bound's own rows (dependencyTotals);
	// serving is true while serveAll holds.
	depTotals []depTotal
	serving   bool
	moves     []moveVar // every d
	z         map[int]int
	churn     float64 // constant churn of non-candidate current pairs

	// rows by kind, for reports: demand row of each unmet var, supply
	// rows by (cluster, resource).
	supplyRow map[[2]int]int
}

// svcVars are the variables and facts of one service.
type svcVars struct {
	s     *Service
	cap   float64
	cands []int // candidate cluster indices, in Clusters order
	// groups lists the routing groups of the candidates (fm.group; in
	// order of first appearance) and inGroup each one's candidates; the
	// first of those, the group's anchor, holds the group's load terms.
	groups  []string
	inGroup map[string][]int
	n, y    map[int]int // cluster -> column
	loadIn  map[int][]term
	bound   float64 // L̄_s
	minRep  int
	// minAt is, per candidate, the fewest replicas it runs if used.
	minAt map[int]float64
	// unmet and routesOnto index the service's demand (fm.unmet) and the
	// dependency routes that load it (fm.depVars).
	unmet, routesOnto []int
}

// term is one coefficient of a linear expression; for load terms, ub
// bounds the column's value (a flow never exceeds its demand or the
// load bound of the service that creates it).
type term struct {
	col int
	val float64
	ub  float64
}

type unmetVar struct {
	svc    int
	region string
	demand float64
	col    int
	row    int       // the demand row
	f      []flowVar // its f[s,g,·] columns, at each group's anchor
	reach  []int     // the candidates within the SLO of the region
}

type flowVar struct {
	cluster int
	col     int
}

// nkVars are the N+k columns of one service and zone.
type nkVars struct {
	svc      int
	theta    int
	clusters []int
	pi       []int
}

// moveVar is the churn column d[s,c] and today's replicas there.
type moveVar struct {
	svc, cluster int
	col          int
	current      float64
}

// depVar is h[s→t,g,R]: load on t created by s in region g (whose
// candidate clusters are from), served in routing group R, whose first
// candidate of t (its anchor, which holds the load terms) is to.
type depVar struct {
	svc, dep   int // s and t
	region     string
	from       []int
	to         int
	col        int
	dependency *Dependency
}

// build turns a validated intent into the MILP above; named names every
// column and row, as model files want. Routes go to regions (pooled)
// unless the model is then small enough for the engine's branch and
// bound (lnsSmall columns; see Solve's phases): there they go to
// clusters, which HiGHS solves faster (see "Routes go to routing
// groups" above). Building twice costs little there: 4.5 ms and 6.3 ms
// for the 80×12 benchmark intent.
func build(in *Intent, named bool) (*formulation, error) {
	fm, err := buildWith(in, named, true)
	if err != nil || fm.m.NumCols() > lnsSmall {
		return fm, err
	}
	return buildWith(in, named, false)
}

// buildWith is build with routes to regions if pooled, else to clusters.
func buildWith(in *Intent, named, pooled bool) (*formulation, error) {
	fm := &formulation{in: in, named: named, pooled: pooled, net: NewNetwork(in), m: &highs.Model{}, svcIdx: map[string]int{},
		clIdx: map[string]int{}, z: map[int]int{}, supplyRow: map[[2]int]int{}}
	for i := range in.Clusters {
		fm.cl = append(fm.cl, &in.Clusters[i])
		fm.clIdx[in.Clusters[i].Name] = i
	}
	for i := range in.Services {
		s := &in.Services[i]
		fm.svcIdx[s.Name] = i
		fm.svc = append(fm.svc, &svcVars{s: s, cap: s.ReplicaCapacity, n: map[int]int{}, y: map[int]int{},
			loadIn: map[int][]term{}, minRep: max(s.MinReplicas, 1), minAt: map[int]float64{}})
	}
	fm.resources()
	if err := fm.loadBounds(); err != nil {
		return nil, err
	}
	fm.candidates()
	fm.replicaVars()
	fm.demandRows()
	fm.dependencyRows()
	fm.capacityRows()
	fm.fixedCostRows()
	fm.supplyRows()
	fm.footprintRows()
	fm.redundancyRows()
	fm.roundingRows()
	fm.dependencyTotals()
	fm.churnRows()
	fm.m.Offset = fm.churn
	return fm, nil
}

// resources lists, in Resources-tab order, every resource some service
// consumes.
func (fm *formulation) resources() {
	used := map[string]bool{}
	for _, sv := range fm.svc {
		for r, a := range sv.s.Shape {
			if a > 0 {
				used[r] = true
			}
		}
	}
	for _, r := range fm.in.Resources {
		if used[r.Name] {
			fm.res = append(fm.res, r.Name)
			delete(used, r.Name)
		}
	}
	rest := make([]string, 0, len(used))
	for r := range used {
		rest = append(rest, r)
	}
	sort.Strings(rest)
	fm.res = append(fm.res, rest...)
}

// loadBounds computes L̄_s, the most load service s can ever carry: its
// demand plus ρ·L̄_p for every p that depends on it.
func (fm *formulation) loadBounds() error {
	load := make([]float64, len(fm.svc))
	for _, d := range fm.in.Demand {
		if i, ok := fm.svcIdx[d.Service]; ok {
			load[i] += d.Amount
		}
	}
	if err := fm.addDependencyLoad(load); err != nil {
		return err
	}
	for i, sv := range fm.svc {
		sv.bound = load[i]
	}
	return nil
}

// addDependencyLoad adds to each service's load, given its own demand,
// the load its callers create on it: ρ(p→t)·load[p], callers first.
func (fm *formulation) addDependencyLoad(load []float64) error {
	order, err := fm.topoOrder()
	if err != nil {
		return err
	}
	for _, i := range order {
		for k := range fm.in.Dependencies {
			d := &fm.in.Dependencies[k]
			if d.Service == fm.svc[i].s.Name {
				if t, ok := fm.svcIdx[d.DependsOn]; ok {
					load[t] += d.Ratio * load[i]
				}
			}
		}
	}
	return nil
}

// topoOrder orders services so that each comes before those it depends
// on.
func (fm *formulation) topoOrder() ([]int, error) {
	indeg := make([]int, len(fm.svc))
	out := make([][]int, len(fm.svc))
	for _, d := range fm.in.Dependencies {
		s, ok1 := fm.svcIdx[d.Service]
		t, ok2 := fm.svcIdx[d.DependsOn]
		if ok1 && ok2 {
			out[s] = append(out[s], t)
			indeg[t]++
		}
	}
	var queue, order []int
	for i, d := range indeg {
		if d == 0 {
			queue = append(queue, i)
		}
	}
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		order = append(order, i)
		for _, t := range out[i] {
			if indeg[t]--; indeg[t] == 0 {
				queue = append(queue, t)
			}
		}
	}
	if len(order) != len(fm.svc) {
		return nil, fmt.Errorf("dependencies form a cycle")
	}
	return order, nil
}

// reservations indexes the Reservations tab by (service, cluster).
func (fm *formulation) reservations() map[[2]int]*Reservation {
	out := map[[2]int]*Reservation{}
	for k := range fm.in.Reservations {
		r := &fm.in.Reservations[k]
		s, ok1 := fm.svcIdx[r.Service]
		c, ok2 := fm.clIdx[r.Cluster]
		if ok1 && ok2 {
			out[[2]int{s, c}] = r
		}
	}
	return out
}

// fit is how many replicas of s fit cluster c's supply on their own.
func (fm *formulation) fit(sv *svcVars, c int) float64 {
	fit := math.Inf(1)
	for r, a := range sv.s.Shape {
		if a > 0 {
			fit = math.Min(fit, math.Floor(fm.cl[c].Supply[r]/a+fitTol))
		}
	}
	return fit
}

// fitTol absorbs floating-point error in supply/shape divisions so that,
// say, 3.0/0.1 still fits 30 replicas.
const fitTol = 1e-9

// candidates fills C_s.
func (fm *formulation) candidates() {
	res := fm.reservations()
	for i, sv := range fm.svc {
		for c := range fm.cl {
			r := res[[2]int{i, c}]
			pinned := r != nil && r.Min > 0
			need := float64(sv.minRep) // the fewest replicas a used pair holds
			if r != nil && r.HasMax {
				if r.Max == 0 {
					continue
				}
				need = math.Min(need, float64(r.Max))
			}
			if (sv.s.Allows(fm.cl[c]) && fm.fit(sv, c) >= need) || pinned {
				sv.cands = append(sv.cands, c)
			}
		}
		sv.groups, sv.inGroup = fm.byGroup(sv.cands)
	}
}

// replicaVars adds n, y and the link rows, with tight bounds.
func (fm *formulation) replicaVars() {
	res := fm.reservations()
	for i, sv := range fm.svc {
		for _, c := range sv.cands {
			upper := fm.fit(sv, c)
			if sv.cap > 0 {
				upper = math.Min(upper, math.Max(float64(sv.minRep), math.Ceil(sv.bound/sv.cap-fitTol)))
			} else {
				upper = math.Min(upper, float64(sv.minRep))
			}
			lower, ylow := 0.0, 0.0
			minRep := float64(sv.minRep)
			if r := res[[2]int{i, c}]; r != nil {
				if r.HasMax {
					upper = math.Min(upper, float64(r.Max))
					minRep = math.Min(minRep, float64(r.Max))
				}
				if r.Min > 0 {
					lower, ylow = float64(r.Min), 1
					upper = math.Max(upper, lower) // a pin beyond supply shows up as a supply conflict
				}
			}
			upper = math.Max(upper, 0)
			cost := 0.0
			for _, r := range fm.res { // in order, so every build sums the same bits
				cost += sv.s.Shape[r] * fm.cl[c].Price[r]
			}
			n := fm.col(fm.nm("n", sv.s.Name, fm.cl[c].Name), cost, lower, upper, true)
			y := fm.col(fm.nm("y", sv.s.Name, fm.cl[c].Name), 0, ylow, math.Min(1, upper), true)
			sv.n[c], sv.y[c] = n, y
			sv.minAt[c] = math.Min(minRep, upper)
			// min·y ≤ n ≤ M·y
			fm.row(fm.nm("minrep", sv.s.Name, fm.cl[c].Name), 0, highs.Inf, []int{n, y}, []float64{1, -sv.minAt[c]})
			fm.row(fm.nm("maxrep", sv.s.Name, fm.cl[c].Name), -highs.Inf, 0, []int{n, y}, []float64{1, -upper})
		}
	}
}

// demandRows adds f and u and the demand rows, merging Demand rows of the
// same service and region.
func (fm *formulation) demandRows() {
	type key struct {
		s int
		g string
	}
	total := map[key]float64{}
	var keys []key
	for _, d := range fm.in.Demand {
		s, ok := fm.svcIdx[d.Service]
		if !ok {
			continue
		}
		k := key{s, d.Region}
		if _, seen := total[k]; !seen {
			keys = append(keys, k)
		}
		total[k] += d.Amount
	}
	for _, k := range keys {
		sv := fm.svc[k.s]
		u := unmetVar{svc: k.s, region: k.g, demand: total[k]}
		idx, val := []int{}, []float64{}
		for _, gr := range sv.groups {
			c := sv.inGroup[gr][0]
			if sv.cap <= 0 || !fm.net.Within(k.g, fm.cl[c].Region, sv.s.LatencySLO, sv.s.HasLatencySLO) {
				continue
			}
			u.reach = append(u.reach, sv.inGroup[gr]...)
			f := fm.col(fm.nm("f", sv.s.Name, k.g, gr), 0, 0, highs.Inf, false)
			u.f = append(u.f, flowVar{c, f})
			sv.loadIn[c] = append(sv.loadIn[c], term{f, 1, total[k]})
			idx, val = append(idx, f), append(val, 1)
		}
		u.col = fm.col(fm.nm("u", sv.s.Name, k.g), 0, 0, total[k], false)
		idx, val = append(idx, u.col), append(val, 1)
		u.row = fm.row(fm.nm("demand", sv.s.Name, k.g), total[k], total[k], idx, val)
		sv.unmet = append(sv.unmet, len(fm.unmet))
		fm.unmet = append(fm.unmet, u)
	}
}

// dependencyRows adds h and the dependency rows. Services are visited so
// that every load term of s exists before s's own dependency rows use it.
func (fm *formulation) dependencyRows() {
	order, _ := fm.topoOrder() // acyclic: checked in build
	for _, i := range order {
		sv := fm.svc[i]
		regions, byRegion := fm.byRegion(sv.cands)
		for k := range fm.in.Dependencies {
			d := &fm.in.Dependencies[k]
			t, ok := fm.svcIdx[d.DependsOn]
			if d.Service != sv.s.Name || !ok {
				continue
			}
			tv := fm.svc[t]
			for _, g := range regions {
				from := byRegion[g]
				idx, val := []int{}, []float64{}
				for _, gr := range tv.groups {
					c2 := tv.inGroup[gr][0]
					if tv.cap <= 0 || !fm.net.Within(g, fm.cl[c2].Region, d.MaxRTT, d.HasMaxRTT) {
						continue
					}
					h := fm.col(fm.nm("h", sv.s.Name, d.DependsOn, g, gr), 0, 0, highs.Inf, false)
					fm.svc[t].routesOnto = append(fm.svc[t].routesOnto, len(fm.depVars))
					fm.depVars = append(fm.depVars, depVar{svc: i, dep: t, region: g, from: from, to: c2, col: h, dependency: d})
					tv.loadIn[c2] = append(tv.loadIn[c2], term{h, 1, d.Ratio * sv.bound})
					idx, val = append(idx, h), append(val, 1)
				}
				for _, c := range from {
					for _, tm := range sv.loadIn[c] {
						idx, val = append(idx, tm.col), append(val, -d.Ratio*tm.val)
					}
				}
				if len(idx) > 0 {
					fm.row(fm.nm("dep", sv.s.Name, d.DependsOn, g), 0, 0, idx, val)
				}
			}
		}
	}
}

// group is the routing group of cluster c: its region when routes go to
// regions (fm.pooled), else the cluster itself.
func (fm *formulation) group(c int) string {
	if fm.pooled {
		return fm.cl[c].Region
	}
	return fm.cl[c].Name
}

// byGroup groups clusters by routing group, groups in order of first
// appearance.
func (fm *formulation) byGroup(cs []int) ([]string, map[string][]int) {
	return groupBy(cs, fm.group)
}

// byRegion groups clusters by region, regions in order of first
// appearance.
func (fm *formulation) byRegion(cs []int) ([]string, map[string][]int) {
	return groupBy(cs, func(c int) string { return fm.cl[c].Region })
}

// groupBy groups clusters cs by key, keys in order of first appearance.
func groupBy(cs []int, key func(int) string) ([]string, map[string][]int) {
	var order []string
	groups := map[string][]int{}
	for _, c := range cs {
		g := key(c)
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], c)
	}
	return order, groups
}

// capacityRows adds load[s,R] ≤ cap·Σ_{c∈C_s∩R} n[s,c] per routing
// group R.
func (fm *formulation) capacityRows() {
	for _, sv := range fm.svc {
		for _, g := range sv.groups {
			cs := sv.inGroup[g]
			terms := sv.loadIn[cs[0]]
			if len(terms) == 0 {
				continue
			}
			idx, val := make([]int, 0, len(cs)+len(terms)), make([]float64, 0, len(cs)+len(terms))
			for _, c := range cs {
				idx, val = append(idx, sv.n[c]), append(val, -sv.cap)
			}
			for _, tm := range terms {
				idx, val = append(idx, tm.col), append(val, tm.val)
			}
			fm.row(fm.nm("cap", sv.s.Name, g), -highs.Inf, 0, idx, val)
		}
	}
}

// supplyRows adds Σ_s shape·n ≤ supply per cluster and resource.
func (fm *formulation) supplyRows() {
	for c, cl := range fm.cl {
		for ri, r := range fm.res {
			idx, val := []int{}, []float64{}
			for _, sv := range fm.svc {
				if n, ok := sv.n[c]; ok && sv.s.Shape[r] > 0 {
					idx, val = append(idx, n), append(val, sv.s.Shape[r])
				}
			}
			if len(idx) == 0 {
				continue
			}
			lo, hi := -highs.Inf, cl.Supply[r]
			if z, ok := fm.z[c]; ok {
				// Σ shape·n ≤ supply·z: the strong form of facility location.
				idx, val, hi = append(idx, z), append(val, -cl.Supply[r]), 0
			}
			fm.supplyRow[[2]int{c, ri}] = fm.row(fm.nm("supply", cl.Name, r), lo, hi, idx, val)
		}
	}
}

// footprintRows bounds the number of clusters a service uses.
func (fm *formulation) footprintRows() {
	for _, sv := range fm.svc {
		if sv.s.MinClusters <= 0 && (sv.s.MaxClusters <= 0 || sv.s.MaxClusters >= len(sv.cands)) {
			continue
		}
		idx, val := []int{}, []float64{}
		for _, c := range sv.cands {
			idx, val = append(idx, sv.y[c]), append(val, 1)
		}
		lo, hi := 0.0, highs.Inf
		if sv.s.MinClusters > 0 {
			lo = float64(sv.s.MinClusters)
		}
		if sv.s.MaxClusters > 0 {
			hi = float64(sv.s.MaxClusters)
		}
		fm.row(fm.nm("footprint", sv.s.Name), lo, hi, idx, val)
	}
}

// redundancyRows adds the N+k rows per zone of each service's scope.
func (fm *formulation) redundancyRows() {
	for _, sv := range fm.svc {
		k := sv.s.Redundancy
		if k <= 0 || sv.cap <= 0 {
			continue
		}
		zones, order := map[string][]int{}, []string{}
		for _, c := range sv.cands {
			z := fm.cl[c].Zone(sv.s.Scope)
			if _, ok := zones[z]; !ok {
				order = append(order, z)
			}
			zones[z] = append(zones[z], c)
		}
		groups := fm.demandZones(sv)
		for _, z := range order {
			cs := zones[z]
			others := loadedElsewhere(groups, z)
			hasLoad := false
			for _, c := range cs {
				hasLoad = hasLoad || len(sv.loadIn[c]) > 0
			}
			if !hasLoad {
				continue
			}
			w, whole := fm.topkUnit(sv), fm.pooled
			theta := fm.col(fm.nm("theta", sv.s.Name, z), 0, 0, highs.Inf, whole)
			nk := nkVars{svc: fm.svcIdx[sv.s.Name], theta: theta, clusters: cs}
			idx, val := []int{theta}, []float64{-float64(k) * w}
			for _, c := range cs {
				pi := fm.col(fm.nm("pi", sv.s.Name, fm.cl[c].Name), 0, 0, highs.Inf, whole)
				nk.pi = append(nk.pi, pi)
				// π − (cap/w)·n + θ ≥ 0
				fm.row(fm.nm("topk", sv.s.Name, fm.cl[c].Name), 0, highs.Inf, []int{pi, sv.n[c], theta}, []float64{1, -sv.cap / w, 1})
				idx, val = append(idx, sv.n[c], pi), append(val, sv.cap, -w)
				for _, tm := range sv.loadIn[c] {
					idx, val = append(idx, tm.col), append(val, -tm.val)
				}
			}
			fm.row(fm.nm("nplusk", sv.s.Name, z), 0, highs.Inf, idx, val)
			fm.nk = append(fm.nk, nk)
			bound := fm.zoneBound(sv, cs)
			fm.thetaRow(sv, z, cs, theta, bound)
			fm.spreadRow(sv, z, cs, bound)
			fm.footprintRedundancyRow(sv, z, cs, others)
		}
	}
}

// thetaRow adds θ[s,Z] ≥ (cap/w)·q·load[s,Z]/L̄_Z (w = topkUnit), q the
// fewest replicas a used cluster of Z runs (Min Replicas, at least 1)
// and L̄_Z bounds the zone's load (zoneBound). It cuts off no plan: θ
// may be the k-th largest (cap/w)·n[s,c] of the zone, which is 0 or,
// once the zone carries load and so uses at least k+1 clusters, at
// least (cap/w)·q. The LP alone
// spreads a zone's N+k over slivers of many clusters and pays about
// load·k/(m−k) for it; with the row, the k spare clusters hold at least
// q replicas each in proportion to the zone's share of its bound. On
// the 500×50 benchmark intent a service of N+2 per region and Min
// Replicas 3 ran 0.5–0.9 replicas on each of 12 clusters in the LP,
// where every plan runs at least 3 on each of 3 per loaded region.
func (fm *formulation) thetaRow(sv *svcVars, zone string, cs []int, theta int, bound float64) {
	q := math.Inf(1)
	for _, c := range cs {
		q = math.Min(q, math.Max(sv.minAt[c], 1))
	}
	if bound <= 0 || math.IsInf(q, 1) {
		return
	}
	idx, val := []int{theta}, []float64{1}
	for _, c := range cs {
		for _, tm := range sv.loadIn[c] {
			idx, val = append(idx, tm.col), append(val, -sv.cap/fm.topkUnit(sv)*q/bound*tm.val)
		}
	}
	fm.row(fm.nm("thetamin", sv.s.Name, zone), 0, highs.Inf, idx, val)
}

// topkUnit is the load one unit of service sv's θ and π stands for:
// cap(s) on a model routed to regions, where they count whole replicas
// and are integer, and 1 on one routed to clusters, where they are load
// and continuous (see "θ and π count replicas" above).
func (fm *formulation) topkUnit(sv *svcVars) float64 {
	if fm.pooled {
		return sv.cap
	}
	return 1
}

// zoneBound bounds the load of service sv on the clusters cs: the
// demand of regions that reach them plus, per dependency on sv with a
// route into them, its bound (ρ times the caller's L̄), and at most L̄_s.
// It looks only at sv's own demand and routes (scanning all of them per
// zone took 4.7 s of the 500×50 benchmark intent's build).
func (fm *formulation) zoneBound(sv *svcVars, cs []int) float64 {
	ub := map[int]float64{}
	total := 0.0
	for _, c := range cs {
		for _, tm := range sv.loadIn[c] {
			ub[tm.col] = tm.ub
			total += tm.ub
		}
	}
	demand := 0.0
	for _, k := range sv.unmet {
		if u := &fm.unmet[k]; slices.ContainsFunc(u.reach, func(c int) bool { return slices.Contains(cs, c) }) {
			demand += u.demand
		}
	}
	// Per dependency its largest route bound, summed in route order (in a
	// map's order the sum's last bits would change from build to build).
	var deps []*Dependency
	most := map[*Dependency]float64{}
	for _, k := range sv.routesOnto {
		dv := &fm.depVars[k]
		if b, ok := ub[dv.col]; ok {
			if _, seen := most[dv.dependency]; !seen {
				deps = append(deps, dv.dependency)
			}
			most[dv.dependency] = math.Max(most[dv.dependency], b)
		}
	}
	for _, d := range deps {
		demand += most[d]
	}
	return math.Min(math.Min(total, sv.bound), demand)
}

// spreadRow adds (k+1)·load[s,Z] ≤ L̄[s,Z]·Σ_{c∈Z} y[s,c]: a zone that
// carries any load uses at least k+1 clusters. It is valid because N+k
// forces the load of a zone with at most k used clusters to zero, and it
// cuts off LP points that put all of a zone's load in a sliver of one
// cluster.
func (fm *formulation) spreadRow(sv *svcVars, zone string, cs []int, bound float64) {
	idx, val := []int{}, []float64{}
	if bound <= 0 {
		return
	}
	k1 := float64(sv.s.Redundancy + 1)
	for _, c := range cs {
		idx, val = append(idx, sv.y[c]), append(val, -bound)
		for _, tm := range sv.loadIn[c] {
			idx, val = append(idx, tm.col), append(val, k1*tm.val)
		}
	}
	fm.row(fm.nm("spread", sv.s.Name, zone), -highs.Inf, 0, idx, val)
}

// footprintRedundancyRow adds, for a service whose Max Clusters M is
// below its candidates in zone Z,
//
//	(1 − k/M)·cap·Σ_{c∈Z} n[s,c] ≥ load[s,Z]
//
// It is valid because the zone uses at most M clusters, and the k
// largest of at most M values hold at least k/M of their sum, so
// losing them leaves at most (1 − k/M) of it. The N+k rows alone let
// the LP spread a sliver of a replica over every candidate and lose
// almost nothing: on the 500×50 benchmark intent a service of N+1 with
// Max Clusters 3 and 19.7 replicas of load had an LP optimum of 21.1
// replicas over 14 clusters, where every plan needs 30.
//
// When all reachable demand is served (phase "plan"), other zones carry
// load too (at least loadedElsewhere of them), each on at least k+1
// clusters of the M, so Z uses at most M_Z = M − (k+1)·others, and the
// same row with M_Z holds; a second row, inactive (free) outside that
// phase, says so (see serveAll). On the 500×50 benchmark intent a
// service of N+2 per region with Max Clusters 9 and demand in three
// continents spread its LP replicas thinly (1.2–5.6 in each of over 20
// clusters), where every plan uses 3 clusters in one region of each
// continent, each holding all of that region's load. These rows, with
// the θ floors (thetaFloor), raised that intent's LP bound from
// 4,667,091 to 4,688,012; TestPlanRows is a small case.
func (fm *formulation) footprintRedundancyRow(sv *svcVars, zone string, cs []int, others int) {
	k, most := sv.s.Redundancy, sv.s.MaxClusters
	if most <= 0 || most >= len(cs) && most-(k+1)*others >= len(cs) {
		return // no tighter than N+k
	}
	add := func(name string, most int, lower float64) int {
		keep := 0.0 // a zone of at most k clusters carries nothing
		if most > k {
			keep = 1 - float64(k)/float64(most)
		}
		idx, val := []int{}, []float64{}
		for _, c := range cs {
			idx, val = append(idx, sv.n[c]), append(val, keep*sv.cap)
			for _, tm := range sv.loadIn[c] {
				idx, val = append(idx, tm.col), append(val, -tm.val)
			}
		}
		return fm.row(fm.nm(name, sv.s.Name, zone), lower, highs.Inf, idx, val)
	}
	if most < len(cs) {
		add("nkfoot", most, 0)
	}
	if others > 0 {
		fm.planRow(add("nkfootplan", most-(k+1)*others, -highs.Inf), 0)
	}
}

// planRow records row i as a plan-phase row whose lower bound is lower
// in phase "plan" (it is built free).
func (fm *formulation) planRow(i int, lower float64) {
	fm.planRows = append(fm.planRows, i)
	fm.planLower = append(fm.planLower, lower)
}

// roundingRows adds, for phase "plan", the whole replicas that the
// capacity rows imply and the LP does not see (Chvátal–Gomory rounding):
// summed over a set S of s's candidates, they say cap·Σ_{c∈S} n[s,c] ≥
// load[s,S], and load[s,S] ≥ F_S once all reachable demand is served, so
// Σ_{c∈S} n[s,c] ≥ ⌈F_S/cap⌉ as n is whole. The sets:
//
//	(replicas)   all of C_s, with F = L*_s, the load of s when all
//	             reachable demand is served: that demand plus ρ·L*_p for
//	             every p that depends on s (the dependency rows are
//	             equalities, so this load is exact); for N+k, the zone
//	             floor of L*_s over its largest zone, as zoneSetRows;
//	(replicasin) for each demand region g of s, the candidates that reach
//	             g within the SLO, with F the demand of the regions that
//	             reach only those (g's among them);
//	(replicasnk) each N+k zone Z with forced load F_Z (forcedLoad): the
//	             fewest replicas a zone carrying F_Z holds over the
//	             number of clusters it uses (zoneFloor), its survivors
//	             and its k largest whole and at least Min Replicas each;
//	(replicaszones) for N+k, the zones that can serve a demand region,
//	             one of which carries load (zoneSetRows).
//
// A set whose F/cap is whole gains nothing and gets no row (nor a zone
// whose floor the N+k row and θ's floor already give). On the 500×50
// benchmark intent the first kind raised the plan phase's LP bound from
// 4,701,992 to 4,716,999 (500 rows), the second to 4,720,251, the third
// to 4,725,513 (146 rows; 4,721,107 without Min Replicas in it), the
// fourth to 4,734,935 (4,728,159 with max(⌈F_U/cap⌉, q) + k·q for its
// floor, and the LP then took 14.5 s instead of 10.8 s; with the zone
// floor 11.2 s), and the zone floor in the first kind for N+k to
// 4,743,703 (its LP took 17.4 s in one run); every
// service's own MILP (lagrange.go) would find these floors, but only
// after the LP, whose duals it prices by.
func (fm *formulation) roundingRows() {
	load := fm.servedLoad()
	for i, sv := range fm.svc {
		if sv.cap <= 0 {
			continue
		}
		total := roundUp(load[i] / sv.cap)
		if sv.s.Redundancy > 0 {
			total = fm.zoneFloor(sv, sv.cands, load[i]) // over every zone, as zoneSetRows does for some
		}
		fm.replicasRow(sv, sv.cands, total, "replicas")
		seen := map[string]bool{}
		for _, k := range sv.unmet {
			u := &fm.unmet[k]
			if len(u.f) == 0 || len(u.reach) == len(sv.cands) {
				continue // unreachable, or the replicas row
			}
			cs := slices.Clone(u.reach)
			slices.Sort(cs)
			key := fmt.Sprint(cs)
			if seen[key] {
				continue
			}
			seen[key] = true
			fm.replicasRow(sv, cs, roundUp(fm.forcedLoad(sv, cs)/sv.cap), "replicasin", u.region)
		}
	}
	for _, sv := range fm.svc {
		fm.zoneSetRows(sv)
	}
	for _, nk := range fm.nk {
		sv := fm.svc[nk.svc]
		if forced := fm.forcedLoad(sv, nk.clusters); forced > 0 {
			implied := forced/sv.cap + float64(sv.s.Redundancy)*fm.thetaFloor(nk)*fm.topkUnit(sv)/sv.cap
			if need := fm.zoneFloor(sv, nk.clusters, forced); need > implied+fitTol {
				fm.replicasRow(sv, nk.clusters, need, "replicasnk", fm.cl[nk.clusters[0]].Zone(sv.s.Scope))
			}
		}
	}
}

// depTotal is the load a dependency s→t puts on t in all, Σ_{g,R}
// h[s→t,g,R] over cols: at most upper = ρ·L̄_s, and exactly plan =
// ρ·L*_s while all reachable demand is served.
type depTotal struct {
	dep         int // t
	cols        []int
	upper, plan float64
}

// dependencyTotals lists, for each dependency s→t, the load it puts on
// t in all:
//
//	Σ_{g,R} h[s→t,g,R] ≤ ρ·L̄_s, and = ρ·L*_s in phase "plan"
//
// Both follow from the dependency rows summed over s's regions, which
// give Σ h = ρ·load[s] (load[s] ≤ L̄_s always, = L*_s when all reachable
// demand is served), so they are no rows of the model: the LP would
// gain nothing, and as rows they took HiGHS from 5.9–6.2 s to 7.5–8.0 s
// to a 1% gap on the 80×12 benchmark intent. But they lie wholly in
// t's columns, so t's own MILP in the Lagrangian bound (lagrange.go),
// which prices the dependency rows, gets them as rows: it must serve
// that load and no more. Without them it serves routes up to its big-M
// wherever the price of the dependency row pays more than a replica
// costs. On the 500×50 benchmark intent, with every per-service MILP
// run to 2 s or 500 nodes at the LP's duals, the services that others
// depend on raised the bound by 2,414 without the rows and by 11,440
// with them; all services together by 18,123 and 27,142 over the LP's
// 4,743,703, in 93 and 167 s of one core. In a 60 s
// solve the bound's share of the time reaches only the first few
// thousand of that.
func (fm *formulation) dependencyTotals() {
	load := fm.servedLoad()
	at := map[*Dependency]int{}
	for _, h := range fm.depVars {
		k, ok := at[h.dependency]
		if !ok {
			s := fm.svcIdx[h.dependency.Service]
			k = len(fm.depTotals)
			at[h.dependency] = k
			fm.depTotals = append(fm.depTotals, depTotal{dep: h.dep,
				upper: h.dependency.Ratio * fm.svc[s].bound, plan: h.dependency.Ratio * load[s]})
		}
		fm.depTotals[k].cols = append(fm.depTotals[k].cols, h.col)
	}
}

// zoneSetRows adds, for a service of N+k and each of its demand regions
// g, Σ_{c∈U} n[s,c] ≥ T(F_U): U the candidates in every zone that has a
// cluster reaching g, F_U the demand that only U can serve, and T the
// zone floor (zoneFloor) of a zone as large as U's largest (at most Max
// Clusters) with the least Min Replicas of U. It holds because at least
// one zone of U carries load, the loads add up to at least F_U, each
// zone Z holds at least its own floor T_Z(L_Z) ≥ T(L_Z) (a larger zone
// with a smaller minimum needs no more), and T is subadditive: T(a) +
// T(b) ≥ T(a+b) (of the two minimising cluster counts, their sum of
// survivors, at most the zone's, does for a+b).
func (fm *formulation) zoneSetRows(sv *svcVars) {
	k := sv.s.Redundancy
	if k <= 0 || sv.cap <= 0 {
		return
	}
	seen := map[string]bool{}
	for _, zones := range fm.demandZones(sv) {
		var cs []int
		for _, c := range sv.cands {
			if slices.Contains(zones, fm.cl[c].Zone(sv.s.Scope)) {
				cs = append(cs, c)
			}
		}
		key := strings.Join(zones, "\x00")
		if seen[key] || len(cs) == len(sv.cands) {
			continue // a repeat, or the replicas row
		}
		seen[key] = true
		fm.replicasRow(sv, cs, fm.zoneFloor(sv, cs, fm.forcedLoad(sv, cs)), "replicaszones", zones...)
	}
}

// replicasRow adds the plan row Σ_{c∈cs} n[s,c] ≥ need, named kind.
// service.where...; none if need ≤ 0.
func (fm *formulation) replicasRow(sv *svcVars, cs []int, need float64, kind string, where ...string) {
	if need <= 0 {
		return
	}
	idx, val := make([]int, len(cs)), make([]float64, len(cs))
	for k, c := range cs {
		idx[k], val[k] = sv.n[c], 1
	}
	fm.planRow(fm.row(fm.nm(kind, append([]string{sv.s.Name}, where...)...), -highs.Inf, highs.Inf, idx, val), need)
}

// largestZone is, over the zones of sv's redundancy scope among the
// clusters cs, the most clusters one may use (at most Max Clusters) and
// the least Min Replicas of cs (at least 1).
func (fm *formulation) largestZone(sv *svcVars, cs []int) (m int, q float64) {
	size := map[string]int{}
	q = math.Inf(1)
	for _, c := range cs {
		z := fm.cl[c].Zone(sv.s.Scope)
		size[z]++
		m = max(m, size[z])
		q = math.Min(q, math.Max(sv.minAt[c], 1))
	}
	if mx := sv.s.MaxClusters; mx > 0 {
		m = min(m, mx)
	}
	return m, q
}

// zoneFloor is the fewest replicas an N+k zone of sv holds in all once
// it carries load F: with R = ⌈F/cap⌉ replicas that must survive the
// loss of the k largest, and j of at most m clusters used (k < j; m the
// candidates, at most Max Clusters), each holding at least q (the least
// Min Replicas among them, at least 1), the j−k survivors hold at least
// max(R, (j−k)·q) and each of the k largest at least max(q, ⌈R/(j−k)⌉);
// the floor is the least of that over j. For clusters cs of several
// zones it is the floor of a zone as large as their largest, with their
// least q (largestZone), which no zone among them undercuts.
func (fm *formulation) zoneFloor(sv *svcVars, cs []int, load float64) float64 {
	m, q := fm.largestZone(sv, cs)
	return floorOf(sv.s.Redundancy, m, q, math.Ceil(load/sv.cap-fitTol))
}

// floorOf is zoneFloor for N+k, at most m clusters, at least q replicas
// on each used one, and r replicas that must survive: the least over j
// of max(r, (j−k)·q) + k·max(q, ⌈r/(j−k)⌉); 0 when m ≤ k or r ≤ 0.
func floorOf(k, m int, q, r float64) float64 {
	if m <= k || r <= 0 || math.IsInf(q, 1) {
		return 0
	}
	best := math.Inf(1)
	for j := k + 1; j <= m; j++ {
		s := float64(j - k)
		best = math.Min(best, math.Max(r, s*q)+float64(k)*math.Max(q, math.Ceil(r/s-fitTol)))
	}
	return best
}

// roundUp is ⌈v⌉ when that exceeds v by more than round-off, else 0 (no
// row needed).
func roundUp(v float64) float64 {
	if c := math.Ceil(v - fitTol); c > v+fitTol {
		return c
	}
	return 0
}

// servedLoad is, per service, its load when all reachable demand is
// served: L*_s in roundingRows.
func (fm *formulation) servedLoad() []float64 {
	load := make([]float64, len(fm.svc))
	for _, u := range fm.unmet {
		if len(u.f) > 0 {
			load[u.svc] += u.demand
		}
	}
	_ = fm.addDependencyLoad(load) // acyclic: checked in build
	return load
}

// forcedLoad is the demand of service sv that, once served, must be
// served in the zone of clusters cs: the demand of regions none of whose
// reachable candidates lies outside it.
func (fm *formulation) forcedLoad(sv *svcVars, cs []int) float64 {
	forced := 0.0
	for _, k := range sv.unmet {
		u := &fm.unmet[k]
		if len(u.f) == 0 {
			continue
		}
		inside := true
		for _, c := range u.reach {
			inside = inside && slices.Contains(cs, c)
		}
		if inside {
			forced += u.demand
		}
	}
	return forced
}

// demandZones lists, for each demand region of service sv that some
// candidate can reach, the zones of sv's redundancy scope that can serve
// it, sorted: when all demand is served, each list has a zone that
// carries load.
func (fm *formulation) demandZones(sv *svcVars) [][]string {
	var groups [][]string
	for _, k := range sv.unmet {
		u := &fm.unmet[k]
		if len(u.f) == 0 || u.demand <= 0 {
			continue
		}
		var g []string
		for _, c := range u.reach {
			if z := fm.cl[c].Zone(sv.s.Scope); !slices.Contains(g, z) {
				g = append(g, z)
			}
		}
		slices.Sort(g)
		groups = append(groups, g)
	}
	return groups
}

// loadedElsewhere is a lower bound on the zones other than z that carry
// load when all demand is served: the size of a packing of pairwise
// disjoint demand zone lists without z (each needs a loaded zone of its
// own), found greedily, smallest lists first.
func loadedElsewhere(groups [][]string, z string) int {
	var pack []string
	sorted := slices.Clone(groups)
	slices.SortStableFunc(sorted, func(a, b []string) int { return len(a) - len(b) })
	n := 0
	for _, g := range sorted {
		if slices.Contains(g, z) || slices.ContainsFunc(g, func(x string) bool { return slices.Contains(pack, x) }) {
			continue
		}
		pack = append(pack, g...)
		n++
	}
	return n
}

// fixedCostRows adds z[c] ≥ y[s,c] for clusters with a fixed cost.
func (fm *formulation) fixedCostRows() {
	for c, cl := range fm.cl {
		if cl.FixedCost <= 0 {
			continue
		}
		var ys []int
		for _, sv := range fm.svc {
			if y, ok := sv.y[c]; ok {
				ys = append(ys, y)
			}
		}
		if len(ys) == 0 {
			continue
		}
		z := fm.col(fm.nm("z", cl.Name), cl.FixedCost, 0, 1, true)
		fm.z[c] = z
		for k, y := range ys {
			fm.row(fm.nm("fixed", cl.Name, strconv.Itoa(k)), 0, highs.Inf, []int{z, y}, []float64{1, -1})
		}
	}
}

// churnRows prices |n − current| at the move cost.
func (fm *formulation) churnRows() {
	mc := fm.in.Settings.MoveCost
	if mc <= 0 {
		return
	}
	current := map[[2]int]float64{}
	for _, p := range fm.in.Current {
		s, ok1 := fm.svcIdx[p.Service]
		c, ok2 := fm.clIdx[p.Cluster]
		if ok1 && ok2 {
			current[[2]int{s, c}] += float64(p.Replicas)
		}
	}
	for i, sv := range fm.svc {
		for _, c := range sv.cands {
			cur := current[[2]int{i, c}]
			delete(current, [2]int{i, c})
			if cur == 0 {
				// Nothing runs there today: churn is n itself.
				fm.m.ColCost[sv.n[c]] += mc
				continue
			}
			d := fm.col(fm.nm("d", sv.s.Name, fm.cl[c].Name), mc, 0, highs.Inf, false)
			fm.moves = append(fm.moves, moveVar{svc: i, cluster: c, col: d, current: cur})
			fm.row(fm.nm("churnup", sv.s.Name, fm.cl[c].Name), -cur, highs.Inf, []int{d, sv.n[c]}, []float64{1, -1})
			fm.row(fm.nm("churndown", sv.s.Name, fm.cl[c].Name), cur, highs.Inf, []int{d, sv.n[c]}, []float64{1, 1})
		}
	}
	gone := 0.0 // replicas that must go: n is 0 there
	for _, cur := range current {
		gone += cur // whole numbers: the sum is exact in any order
	}
	fm.churn += mc * gone
}

// col adds a column, named when the formulation is.
func (fm *formulation) col(name string, cost, lower, upper float64, integer bool) int {
	if fm.named {
		fm.m.ColNames = append(fm.m.ColNames, name)
	}
	return fm.m.AddCol(cost, lower, upper, integer)
}

// row adds a row, named when the formulation is.
func (fm *formulation) row(name string, lower, upper float64, index []int, value []float64) int {
	if fm.named {
		fm.m.RowNames = append(fm.m.RowNames, name)
	}
	return fm.m.AddRow(lower, upper, index, value)
}

// nm joins a kind and its indices into a name both model formats accept,
// one to one: "n.web.eu~1". Letters, digits and '_' stay; '-' (minus, to
// the LP format) becomes '~'; any other character c becomes "$<hex c>$",
// so two different names never meet. It returns "" when the formulation
// is unnamed.
func (fm *formulation) nm(kind string, parts ...string) string {
	if !fm.named {
		return ""
	}
	var b strings.Builder
	b.WriteString(kind)
	for _, p := range parts {
		b.WriteByte('.')
		for _, r := range p {
			switch {
			case r == '_' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9'):
				b.WriteRune(r)
			case r == '-':
				b.WriteByte('~') // the LP format reads '-' as minus
			default:
				fmt.Fprintf(&b, "$%x$", r)
			}
		}
	}
	return b.String()
}
