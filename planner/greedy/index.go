package greedy

import (
	"math"
	"sort"

	"github.com/auxon-planner/auxon/planner"
)

// fitTol absorbs floating-point error in supply/shape divisions so that,
// say, 3.0/0.1 still fits 30 replicas (the formulation uses the same).
const fitTol = 1e-9

// unlimited stands for "no bound" on the replicas a cluster can add.
const unlimited = 1 << 30

// problem is the static index of an intent: everything that does not
// change while replicas are placed.
type problem struct {
	in       *planner.Intent
	svcs     []*svc
	cls      []*planner.Cluster
	clRegion []int // cluster -> region index
	regions  []string
	regIdx   map[string]int
	rtt      []float64 // region × region, flat; valid where reach is true
	reach    []bool
	res      []string    // resources some shape uses
	supply   [][]float64 // cluster × resource
	fixed    []float64   // cluster -> fixed cost
	move     float64     // Settings.MoveCost: the churn price of a replica
	deps     []*dep
	origins  []origin // demand per (service, region), in a stable order
	topo     []int    // callers before the services they depend on
	// demandAt is, per cluster × resource, what the services that may
	// run there are expected to take (see estimate).
	demandAt []float64
	// boost marks services to place first wherever their dependents
	// allow (the second try for the services left short; see Plan).
	boost []bool
}

// svc is the static view of one service.
type svc struct {
	s      *planner.Service
	idx    int
	cap    float64
	k      int
	minRep int
	shape  []shapeTerm
	price  []float64 // cluster -> Σ_r shape·price
	zone   []int     // cluster -> zone index under the service's scope
	nZones int
	// cand are the clusters the service may run in (allowed and fitting,
	// or pinned), ascending; byZone groups them by zone.
	cand   []int
	byZone [][]int
	// loadOK marks candidates that may carry load: the zone has at least
	// k+1 candidates and every dependency is reachable from there.
	loadOK    []bool
	nLoadable int
	pin       map[int]int // cluster -> least replicas a reservation pins
	cur       map[int]int // cluster -> replicas today (the Current tab)
	resMax    map[int]int // cluster -> most replicas a reservation allows
	calls     []int       // deps with this service as caller
	callers   []int       // deps with this service as target
	origins   []int       // its demand origins
	ep        int         // effective priority
	estLoad   float64     // load it is expected to carry
	estRep    float64     // replicas it is expected to need
	// size is estRep's share of the supply of the clusters with a
	// fixed cost, summed over resources; 0 unless all its candidates
	// have one.
	size float64
}

type shapeTerm struct {
	r int
	a float64
}

// dep is a dependency s→t with a positive ratio (first row per pair).
type dep struct {
	s, t   int
	ratio  float64
	maxRTT float64
	hasMax bool
}

// origin is the demand of a service from a region.
type origin struct {
	s, g   int
	demand float64
}

// newProblem indexes in.
func newProblem(in *planner.Intent) *problem {
	p := &problem{in: in, regIdx: map[string]int{}}
	p.indexClusters()
	p.indexServices()
	p.indexRegions()
	p.indexDemand()
	p.indexDeps()
	p.indexReservations()
	p.indexCurrent()
	p.topo = p.topoOrder()
	for _, sv := range p.svcs {
		p.candidates(sv)
	}
	for i := len(p.topo) - 1; i >= 0; i-- { // dependencies before callers
		p.loadable(p.svcs[p.topo[i]])
	}
	p.effectivePriorities()
	p.estimate()
	return p
}

func (p *problem) region(name string) int {
	if g, ok := p.regIdx[name]; ok {
		return g
	}
	p.regIdx[name] = len(p.regions)
	p.regions = append(p.regions, name)
	return len(p.regions) - 1
}

// indexClusters indexes clusters (the first of a repeated name) and the
// resources shapes use.
func (p *problem) indexClusters() {
	seen := map[string]bool{}
	for i := range p.in.Clusters {
		c := &p.in.Clusters[i]
		if seen[c.Name] {
			continue
		}
		seen[c.Name] = true
		p.cls = append(p.cls, c)
		p.clRegion = append(p.clRegion, p.region(c.Region))
		p.fixed = append(p.fixed, c.FixedCost)
	}
	used := map[string]bool{}
	for _, s := range p.in.Services {
		for r, a := range s.Shape {
			if a > 0 {
				used[r] = true
			}
		}
	}
	for r := range used {
		p.res = append(p.res, r)
	}
	sort.Strings(p.res)
	p.supply = make([][]float64, len(p.cls))
	for c, cl := range p.cls {
		p.supply[c] = make([]float64, len(p.res))
		for r, name := range p.res {
			p.supply[c][r] = cl.Supply[name]
		}
	}
}

// indexServices indexes services (the first of a repeated name).
func (p *problem) indexServices() {
	seen := map[string]bool{}
	resIdx := map[string]int{}
	for r, name := range p.res {
		resIdx[name] = r
	}
	for i := range p.in.Services {
		s := &p.in.Services[i]
		if seen[s.Name] {
			continue
		}
		seen[s.Name] = true
		sv := &svc{s: s, idx: len(p.svcs), cap: s.ReplicaCapacity, k: max(s.Redundancy, 0),
			minRep: max(s.MinReplicas, 1), pin: map[int]int{}, resMax: map[int]int{}, cur: map[int]int{}}
		names := make([]string, 0, len(s.Shape))
		for r, a := range s.Shape {
			if a > 0 {
				names = append(names, r)
			}
		}
		sort.Strings(names)
		for _, r := range names {
			sv.shape = append(sv.shape, shapeTerm{resIdx[r], s.Shape[r]})
		}
		sv.price = make([]float64, len(p.cls))
		for c, cl := range p.cls {
			for _, r := range names {
				sv.price[c] += s.Shape[r] * cl.Price[r]
			}
		}
		zones := map[string]int{}
		sv.zone = make([]int, len(p.cls))
		for c, cl := range p.cls {
			z := cl.Zone(s.Scope)
			if _, ok := zones[z]; !ok {
				zones[z] = len(zones)
			}
			sv.zone[c] = zones[z]
		}
		sv.nZones = len(zones)
		p.svcs = append(p.svcs, sv)
	}
}

// indexRegions adds every region Latency names and tabulates RTTs the
// way planner.Network answers them.
func (p *problem) indexRegions() {
	for _, l := range p.in.Latency {
		p.region(l.From)
		p.region(l.To)
	}
	for _, d := range p.in.Demand {
		p.region(d.Region)
	}
	net := planner.NewNetwork(p.in)
	nr := len(p.regions)
	p.rtt, p.reach = make([]float64, nr*nr), make([]bool, nr*nr)
	for a := range nr {
		for b := range nr {
			p.rtt[a*nr+b], p.reach[a*nr+b] = net.RTT(p.regions[a], p.regions[b])
		}
	}
}

// within reports whether regions a and b are within bound ms, exactly as
// planner.Network.Within does.
func (p *problem) within(a, b int, bound float64, has bool) bool {
	i := a*len(p.regions) + b
	return !has || (p.reach[i] && p.rtt[i] <= bound)
}

func (p *problem) svcIndex() map[string]int {
	m := make(map[string]int, len(p.svcs))
	for i, sv := range p.svcs {
		m[sv.s.Name] = i
	}
	return m
}

func (p *problem) clIndex() map[string]int {
	m := make(map[string]int, len(p.cls))
	for i, c := range p.cls {
		m[c.Name] = i
	}
	return m
}

// indexDemand sums Demand rows per (service, region); rows of unknown
// services and amounts ≤ 0 are ignored.
func (p *problem) indexDemand() {
	si := p.svcIndex()
	at := map[[2]int]int{}
	for _, d := range p.in.Demand {
		s, ok := si[d.Service]
		if !ok || !(d.Amount > 0) {
			continue
		}
		k := [2]int{s, p.region(d.Region)}
		o, seen := at[k]
		if !seen {
			o = len(p.origins)
			at[k] = o
			p.origins = append(p.origins, origin{s: s, g: k[1]})
			p.svcs[s].origins = append(p.svcs[s].origins, o)
		}
		p.origins[o].demand += d.Amount
	}
}

// indexDeps keeps the first row of each dependency pair between known
// services; a ratio ≤ 0 creates no load and is dropped.
func (p *problem) indexDeps() {
	si := p.svcIndex()
	seen := map[[2]int]bool{}
	for _, d := range p.in.Dependencies {
		s, ok1 := si[d.Service]
		t, ok2 := si[d.DependsOn]
		if !ok1 || !ok2 || seen[[2]int{s, t}] {
			continue
		}
		seen[[2]int{s, t}] = true
		if !(d.Ratio > 0) {
			continue
		}
		p.svcs[s].calls = append(p.svcs[s].calls, len(p.deps))
		p.svcs[t].callers = append(p.svcs[t].callers, len(p.deps))
		p.deps = append(p.deps, &dep{s: s, t: t, ratio: d.Ratio, maxRTT: d.MaxRTT, hasMax: d.HasMaxRTT})
	}
}

// indexReservations records pins (the largest Min) and caps (the least
// Max) per (service, cluster).
func (p *problem) indexReservations() {
	si, ci := p.svcIndex(), p.clIndex()
	for _, r := range p.in.Reservations {
		s, ok1 := si[r.Service]
		c, ok2 := ci[r.Cluster]
		if !ok1 || !ok2 {
			continue
		}
		sv := p.svcs[s]
		if r.Min > 0 {
			sv.pin[c] = max(sv.pin[c], r.Min)
		}
		if m, seen := sv.resMax[c]; r.HasMax && (!seen || r.Max < m) {
			sv.resMax[c] = max(r.Max, 0)
		}
	}
}

// indexCurrent records today's replicas per service and cluster (repeated
// rows add up, as in planner.PlanCost) and the move cost.
func (p *problem) indexCurrent() {
	p.move = max(p.in.Settings.MoveCost, 0)
	si, ci := p.svcIndex(), p.clIndex()
	for _, cur := range p.in.Current {
		s, ok1 := si[cur.Service]
		c, ok2 := ci[cur.Cluster]
		if ok1 && ok2 && cur.Replicas > 0 {
			p.svcs[s].cur[c] += cur.Replicas
		}
	}
}

// churn is what moving service sv in cluster c from n to m replicas
// changes the plan's churn cost by: MoveCost·(|m − cur| − |n − cur|).
// Replicas up to today's count there save a move each; beyond it, they
// cost one.
func (p *problem) churn(sv *svc, c, n, m int) float64 {
	if p.move == 0 {
		return 0
	}
	cur := sv.cur[c]
	return p.move * float64(absInt(m-cur)-absInt(n-cur))
}

// replicaCost is what taking sv in c from n to m replicas costs at unit
// per replica (its price, or with a share of a fixed cost), with the
// churn that adds or saves.
func (p *problem) replicaCost(sv *svc, c, n, m int, unit float64) float64 {
	return float64(m-n)*unit + p.churn(sv, c, n, m)
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// minAt is the fewest replicas s may run in a cluster it uses: Min
// Replicas, lowered to a reservation's Max.
func (sv *svc) minAt(c int) int {
	if m, ok := sv.resMax[c]; ok && m < sv.minRep {
		return m
	}
	return sv.minRep
}

// fit is how many replicas of s the cluster's whole supply holds.
func (p *problem) fit(sv *svc, c int) int {
	n := unlimited
	for _, t := range sv.shape {
		n = min(n, int(math.Min(unlimited, math.Floor(p.supply[c][t.r]/t.a+fitTol))))
	}
	return n
}

// candidates fills sv.cand and sv.byZone: allowed clusters where Min
// Replicas fit the supply and no reservation forbids the service, plus
// pinned clusters.
func (p *problem) candidates(sv *svc) {
	sv.byZone = make([][]int, sv.nZones)
	for c, cl := range p.cls {
		pinned := sv.pin[c] > 0
		if m, ok := sv.resMax[c]; ok && m == 0 && !pinned {
			continue
		}
		if pinned || (sv.s.Allows(cl) && p.fit(sv, c) >= sv.minAt(c)) {
			sv.cand = append(sv.cand, c)
			sv.byZone[sv.zone[c]] = append(sv.byZone[sv.zone[c]], c)
		}
	}
}

// loadable fills sv.loadOK; the services sv depends on must be done.
func (p *problem) loadable(sv *svc) {
	sv.loadOK = make([]bool, len(p.cls))
	if !(sv.cap > 0) {
		return
	}
	// okFrom[d][g]: some loadable cluster of the dependency is in reach
	// of region g.
	nr := len(p.regions)
	okFrom := make([][]bool, len(sv.calls))
	for i, d := range sv.calls {
		dp := p.deps[d]
		there := make([]bool, nr)
		for c, ok := range p.svcs[dp.t].loadOK {
			if ok {
				there[p.clRegion[c]] = true
			}
		}
		okFrom[i] = make([]bool, nr)
		for a := range nr {
			for b := range nr {
				if there[b] && p.within(a, b, dp.maxRTT, dp.hasMax) {
					okFrom[i][a] = true
					break
				}
			}
		}
	}
	for _, c := range sv.cand {
		if len(sv.byZone[sv.zone[c]]) <= sv.k {
			continue
		}
		ok := true
		for i := range sv.calls {
			ok = ok && okFrom[i][p.clRegion[c]]
		}
		sv.loadOK[c] = ok
		if ok {
			sv.nLoadable++
		}
	}
}

// topoOrder orders services so that callers come before the services
// they depend on (Kahn's algorithm, ties by index); services on a cycle,
// which Validate rejects, come last in index order.
func (p *problem) topoOrder() []int {
	indeg := make([]int, len(p.svcs))
	for _, d := range p.deps {
		indeg[d.t]++
	}
	var order, queue []int
	for i, d := range indeg {
		if d == 0 {
			queue = append(queue, i)
		}
	}
	done := make([]bool, len(p.svcs))
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		order, done[i] = append(order, i), true
		for _, d := range p.svcs[i].calls {
			t := p.deps[d].t
			if indeg[t]--; indeg[t] == 0 {
				queue = append(queue, t)
			}
		}
	}
	for i := range p.svcs {
		if !done[i] {
			order = append(order, i)
		}
	}
	return order
}

// effectivePriorities sets ep: the most important priority among a
// service and everything that (transitively) depends on it.
func (p *problem) effectivePriorities() {
	for _, sv := range p.svcs {
		sv.ep = sv.s.Priority
	}
	for _, i := range p.topo {
		for _, d := range p.svcs[i].calls {
			t := p.svcs[p.deps[d].t]
			t.ep = min(t.ep, p.svcs[i].ep)
		}
	}
}
