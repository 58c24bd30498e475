// Package greedy is auxon's "stupid solver": a pure-Go greedy planner
// that does what a planner would do by hand. Its plan is the baseline the
// optimum is reported against and a MIP start for HiGHS. It keeps every
// hard requirement planner.Verify checks; demand it cannot place is
// reported as unmet.
//
// # Algorithm
//
// Static pruning. A service's candidate clusters are those its Allowed
// list admits where Min Replicas fit the supply alone (and no
// reservation's Max is 0), plus clusters a reservation pins with Min > 0
// (as in planner's formulation). A candidate may carry load only if the
// service's replicas serve load at all, its zone (under the redundancy
// scope) has at least k+1 candidates — a zone with k or fewer can carry
// nothing under N+k — and, for each dependency, some loadable cluster of
// the dependency lies within its Max RTT. This is computed dependencies
// first, so load is never put where its dependency load certainly cannot
// follow.
//
// Order. Reservation pins are placed first, for every service, at
// max(Min, Min Replicas lowered to the reservation's Max). Services are
// then placed so that every service comes after all services that depend
// on it (its load is then known). The effective priority of a service is
// the most important Priority among itself and everything that
// (transitively) depends on it; among the services whose dependents are
// all placed, the most important effective priority goes first, then the
// service with the fewest loadable clusters, then — among services that
// may run only in clusters with a fixed cost — the largest first (first
// fit decreasing, which packs bins well: size is the share of those
// clusters' supply, summed over resources, that the replicas it is
// expected to need take), then Services-tab order.
//
// Second try. If the plan leaves demand unmet, the whole greedy runs
// again (outer loop and consolidation included) with the services left
// short placed first wherever the order allows — before every service
// their dependents do not make wait, whatever its priority — so that
// supply within their reach is not spent on others first. The second
// plan is kept only if it leaves less demand unmet at the most important
// priority where the two differ.
//
// Placing a service. Its load items are the demand of each region (at
// the service's priority, reaching the loadable clusters within its
// latency SLO) and, for every caller p→s and cluster q where p runs with
// load, Ratio·load[p,q] (at p's effective priority, reaching the
// loadable clusters within Max RTT of q). Items go most important first,
// then most constrained (fewest clusters in reach), then largest. Each
// item is split over its reach greedily: repeatedly, the cluster where
// the replicas it needs cost least per unit of load placed takes as much
// as it can. Spare capacity of replicas already there is free; new
// replicas cost Σ_r Shape[r]·Price[r] plus the churn they cause or save
// (MoveCost each beyond the cluster's Current replicas, minus MoveCost
// each up to them), plus FixedCost/E each when nothing runs in the
// cluster yet (E: the replicas the service is expected to need, at
// least Min Replicas), times m/(m−k) under N+k in a zone of m
// candidates (the least spare capacity the zone will need);
// a cluster newly used gets at least Min Replicas. What a cluster can
// take is bounded by its supply left, a reservation's Max, and the
// bounds below; a new cluster is opened only within Max Clusters,
// counting the k+1 clusters a new zone needs under N+k and keeping free
// the clusters the zones already carrying load still need to reach k+1.
// If a service with Max Clusters is left short, its items are placed
// again preferring the clusters with the most room (and N+k then opens
// the roomiest candidates of a zone, not the cheapest). If that is
// short too, its footprint is planned first: cells (a zone of its scope
// within one region) are chosen greedily, most important items first,
// by the load they bring within reach per cluster of the budget they
// take — k+1 for a new zone (pins count already), none for a further
// region of a zone until its regions outnumber its clusters, then one —
// ties to the cell that brings more load of the next priorities; the
// items are then placed both ways using only the chosen cells. The best
// of these placements (less unplaced load, most important priority
// first; the earliest on a tie) is kept.
//
// Another zone. A service under N+k that the first placement serves in
// full is placed again without each zone it used, one at a time, and
// the cheapest of these placements (prices and churn) that still serves
// everything is kept: items choose clusters one at a time, and a zone
// whose clusters turn out small or unequal can cost far more than the
// next.
//
// Opening a cluster. Charging FixedCost/E decides whether to open a
// cluster with a fixed cost at all, as if nothing else would ever run
// there. Which one to open, once opening one is the cheapest choice, is
// decided with the fixed cost shared by everything expected to run
// there: a new replica is charged FixedCost times the largest share it
// takes, over the resources of its shape, of the cluster's supply or,
// if that is less, of what the services not yet placed are expected to
// take there (this one with its actual load). So a service alone pays
// the whole fixed cost over its replicas and opens the cluster with the
// least fixed cost that holds it, while one of many opens the cluster
// with the least fixed cost per unit of useful supply — a big machine
// rather than the cheapest small one — which the services after it
// fill for free. The expected use is a static estimate: each service's
// demand plus the dependency load its callers are expected to create
// (Ratio times their expected load), in replicas, at least Min Replicas
// in Min Clusters, counted at every cluster where it may carry load
// (latency SLOs aside). The same shared charge picks the cluster N+k and
// Min Clusters open; whether N+k opens one more is decided as before.
// (Sharing for the whether too opens clusters that, on intents with
// SLOs and N+k, the expected services never fill.)
//
// N+k. For each zone with load, the greedy finds the lowest common
// replica level T for the zone's clusters (each between its Min Replicas
// or pin and what its supply allows) at which losing any k of them
// leaves capacity for the zone's load; it opens the zone's cheapest
// unused candidates, with Min Replicas, while no level suffices, and
// then as many more as make the levels cheapest (losing k of more
// clusters loses a smaller share; the cost is not convex in the number
// of clusters, so every count up to all candidates is priced), within
// Max Clusters as above. Load is then moved from
// clusters above their level to those below it, where each item's reach
// allows, and every cluster is sized for the larger of its level and its
// load (survivors only grow with replicas, so N+k holds). If a zone cannot be made to hold, its
// load is bounded to what it could carry with all its candidates at
// full supply (within Max Clusters), then halved on each further
// failure, and after four of those set to zero; the items are placed
// again from scratch. Finally the cheapest candidates are added, with
// Min Replicas, until the service runs in Min Clusters.
//
// Dependencies that cannot follow. Demand an item cannot place is
// unmet. Dependency load that cannot be placed must not be left behind:
// the pass that produced it is discarded and the whole greedy pass runs
// again with feedback. In the first four rounds, each cluster whose
// dependency load failed by fraction f is bounded to (1−f) of its load
// there, so that the load can move elsewhere. Where the failure was not
// one of reach (the load could reach every loadable cluster of the
// dependency), the demand that created it is cut as well: the run traces
// through the plan's routes how much of each origin's (service, region)
// demand flows through that cluster, and cuts f of it (a little more in
// each later round). From the fifth round every failure cuts, and from
// the twelfth any origin still implicated is cut whole, so the loop ends.
// Only a pass that places all the dependency load it creates becomes the
// plan; the cut demand is reported as unmet.
//
// Consolidation. The pass that becomes the plan is then consolidated:
// every used cluster with a fixed cost, least cost-efficient first (the
// highest fixed cost per share of the fleet's supply it uses), is
// emptied into the clusters in use if everything it runs can move and
// that saves cost (its fixed cost, less the price of replicas added
// elsewhere); failing that, into one unused cluster with a lower fixed
// cost and the supply it uses plus the clusters in use (the three
// cheapest such clusters are tried). Services move callers first. Each
// piece of load a service has there — demand of a region, or a caller's
// dependency load from a cluster — goes, split if need be, to clusters
// where the service may carry load within the piece's latency SLO or
// Max RTT: spare capacity of its replicas first, else where new
// replicas cost least, ties to the cluster left fullest. New replicas
// keep supply, a reservation's Max, Min Replicas and Max Clusters. The
// dependency load that moved load creates leaves from its new place, to
// the same dependency clusters, which must lie within Max RTT; load for
// a dependency in the emptied cluster moves on with the dependency. A
// service pinned there cannot move. A service with replicas but no load
// there is opened elsewhere only if Min Clusters needs it. Every zone of
// a service under N+k must still survive losing any k of its clusters:
// where it does not, the zone's clusters are lifted to the least common
// level that suffices, opening the service in further clusters in use
// while none does, as the N+k pass above. If any of that fails, the
// cluster is left as it was. Up to three passes are made, while one
// closes a cluster.
//
// Everything is deterministic: maps are only ever read in sorted order,
// and ties go to the earlier cluster or service.
//
// Churn against Current is priced replica by replica as above, but the
// plan is still built from scratch: a replica today is kept only where
// the greedy would place one anyway. Not considered: moving load of services already placed, other than to close
// a cluster with a fixed cost; and looking ahead beyond the second try:
// a service placed early may take the supply a more constrained service
// needs later (the generator's intents, with supply sized around one
// particular plan, left 1–3% of demand unmet before footprints and the
// second try; on the seeds the tests use, none now). The footprint
// ignores how much room its cells have. Consolidation moves one
// cluster's contents at a time and never moves load between clusters
// that stay open to make room. A service
// depended on by a less important caller waits for that caller, and a
// dependency short of supply everywhere in reach cuts the demand that
// created it rather than rerouting it. Min Clusters is met after load,
// from the supply left, so under extreme scarcity it can fail where
// reserving it first would not; the verifier then reports it.
package greedy

import (
	"cmp"
	"maps"
	"math"
	"slices"

	"github.com/auxon-planner/auxon/planner"
)

// Rounds of the outer loop of Plan (see the package doc). In the first
// capRounds, each cluster whose dependency load failed is bounded to the
// share that could be placed, and only failures not due to reach cut
// demand; until cutRounds every failure cuts the failing share of the
// demand behind it, a little more each round; later rounds cut that
// demand whole.
const (
	capRounds = 4
	cutRounds = 12
)

// Plan returns a greedy plan for in: replicas sorted by service then
// cluster, demand and dependency routes, and unmet demand per service
// and region. The intent should have passed planner.Validate; Plan never
// fails, but an intent whose hard requirements conflict (reservations
// beyond supply, say) yields a plan the verifier rejects.
func Plan(in *planner.Intent) *planner.Plan {
	p := newProblem(in)
	r := p.solve()
	out := r.output()
	if len(out.Unmet) == 0 {
		return out
	}
	// Again, with the services left short placed first.
	p.boost = make([]bool, len(p.svcs))
	si := p.svcIndex()
	for _, u := range out.Unmet {
		p.boost[si[u.Service]] = true
	}
	if r2 := p.solve(); r2.better(r) {
		return r2.output()
	}
	return out
}

// solve runs greedy passes until one places all the dependency load it
// creates, and consolidates it.
func (p *problem) solve() *run {
	demand := make([]float64, len(p.origins))
	for o, or := range p.origins {
		demand[o] = or.demand
	}
	nodeCap := make([]float64, len(p.svcs)*len(p.cls))
	for i := range nodeCap {
		nodeCap[i] = math.Inf(1)
	}
	for round := 0; ; round++ {
		r := newRun(p, demand, nodeCap)
		r.plan()
		if len(r.fails) == 0 {
			r.consolidate()
			return r
		}
		early := round < capRounds
		if early {
			for _, f := range r.fails {
				node := p.deps[f.d].s*r.nc + f.from
				nodeCap[node] = math.Min(nodeCap[node], (1-f.frac)*r.load[node]*(1-amountTol))
			}
		}
		cut := r.cuts(!early)
		if (!early && len(cut) == 0) || round > cutRounds+len(p.origins) {
			// Cannot happen: some origin feeds every failure, and from
			// cutRounds on every round zeroes at least one. Stop safely.
			clear(demand)
			continue
		}
		for _, o := range slices.Sorted(maps.Keys(cut)) {
			orig := p.origins[o].demand
			if round >= cutRounds {
				demand[o] = 0
				continue
			}
			demand[o] -= cut[o]*(1+float64(round)/4) + amountTol*orig
			if demand[o] <= amountTol*orig {
				demand[o] = 0
			}
		}
	}
}

// unmetByPrio is the demand the run leaves unmet per service priority,
// most important first.
func (r *run) unmetByPrio() [][2]float64 {
	p := r.p
	served := make([]float64, len(p.origins))
	for _, d := range r.demRoutes {
		served[d.o] += d.x
	}
	var out [][2]float64
	for o, or := range p.origins {
		if u := or.demand - served[o]; u > amountTol*math.Max(1, or.demand) {
			out = append(out, [2]float64{float64(p.svcs[or.s].s.Priority), u})
		}
	}
	slices.SortFunc(out, func(a, b [2]float64) int { return cmp.Compare(a[0], b[0]) })
	var sum [][2]float64
	for _, x := range out {
		if n := len(sum); n > 0 && sum[n-1][0] == x[0] {
			sum[n-1][1] += x[1]
		} else {
			sum = append(sum, x)
		}
	}
	return sum
}

// better reports whether r leaves less demand unmet than q at the most
// important priority where they differ.
func (r *run) better(q *run) bool {
	a, b := r.unmetByPrio(), q.unmetByPrio()
	for i := 0; i < len(a) || i < len(b); i++ {
		switch {
		case i == len(a):
			return true
		case i == len(b):
			return false
		case a[i][0] != b[i][0]:
			return a[i][0] > b[i][0] // a has none at b's priority
		case math.Abs(a[i][1]-b[i][1]) > amountTol*math.Max(1, b[i][1]):
			return a[i][1] < b[i][1]
		}
	}
	return false
}

// output turns the run into a planner.Plan.
func (r *run) output() *planner.Plan {
	p := r.p
	out := &planner.Plan{}
	for s, sv := range p.svcs {
		for c := range r.nc {
			if n := r.n[s*r.nc+c]; n > 0 {
				out.Replicas = append(out.Replicas, planner.Assignment{Service: sv.s.Name, Cluster: p.cls[c].Name, Replicas: n})
			}
		}
	}
	slices.SortFunc(out.Replicas, func(a, b planner.Assignment) int {
		return cmp.Or(cmp.Compare(a.Service, b.Service), cmp.Compare(a.Cluster, b.Cluster))
	})
	served := make([]float64, len(p.origins))
	dem := map[[2]int]float64{}
	for _, d := range r.demRoutes {
		dem[[2]int{d.o, d.c}] += d.x
		served[d.o] += d.x
	}
	for k, x := range dem {
		o := p.origins[k[0]]
		out.Routes = append(out.Routes, planner.Route{Service: p.svcs[o.s].s.Name, Region: p.regions[o.g],
			Cluster: p.cls[k[1]].Name, Amount: x})
	}
	slices.SortFunc(out.Routes, func(a, b planner.Route) int {
		return cmp.Or(cmp.Compare(a.Service, b.Service), cmp.Compare(a.Region, b.Region), cmp.Compare(a.Cluster, b.Cluster))
	})
	deps := map[[3]int]float64{}
	for _, d := range r.depRoutes {
		deps[[3]int{d.d, d.from, d.to}] += d.x
	}
	for k, x := range deps {
		dp := p.deps[k[0]]
		out.DependencyRoutes = append(out.DependencyRoutes, planner.DependencyRoute{Service: p.svcs[dp.s].s.Name,
			DependsOn: p.svcs[dp.t].s.Name, From: p.cls[k[1]].Name, To: p.cls[k[2]].Name, Amount: x})
	}
	slices.SortFunc(out.DependencyRoutes, func(a, b planner.DependencyRoute) int {
		return cmp.Or(cmp.Compare(a.Service, b.Service), cmp.Compare(a.DependsOn, b.DependsOn),
			cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To))
	})
	for o, or := range p.origins {
		if u := or.demand - served[o]; u > amountTol*math.Max(1, or.demand) {
			out.Unmet = append(out.Unmet, planner.Shortfall{Service: p.svcs[or.s].s.Name, Region: p.regions[or.g], Amount: u})
		}
	}
	slices.SortFunc(out.Unmet, func(a, b planner.Shortfall) int {
		return cmp.Or(cmp.Compare(a.Service, b.Service), cmp.Compare(a.Region, b.Region))
	})
	return out
}
