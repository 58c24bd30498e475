package greedy

import (
	"math"
	"slices"
)

// amountTol is the relative amount of load the greedy may leave
// unrouted and still call an item placed: far below VerifyTolerance
// (1e-6), so the plan balances within the verifier's tolerance.
const amountTol = 1e-9

// placer places one service.
type placer struct {
	r     *run
	sv    *svc
	items []*item
	// zoneCap bounds the load of each zone: +Inf until N+k fails there,
	// then what the zone can carry, less each time it fails again.
	zoneCap   []float64
	zoneFails []int
	zoneLoad  []float64
	zoneN     []int // clusters of the service per zone
	est       float64
	mode      int       // byCost or byRoom
	fixedUnit []float64 // cluster -> fixed cost charged per new replica
	// allow, when not nil, limits the clusters items may use to those
	// of a planned footprint (see cover).
	allow []bool
}

// zoneRetries is how many times a zone's load bound is halved after N+k
// first fails there before the zone is given up.
const zoneRetries = 4

// place routes every item of sv to its clusters, sizes replicas for N+k,
// fills Min Clusters, and records routes and failures.
func (r *run) place(sv *svc) {
	pl := &placer{r: r, sv: sv, items: r.items(sv), zoneCap: make([]float64, sv.nZones),
		zoneFails: make([]int, sv.nZones), zoneLoad: make([]float64, sv.nZones), zoneN: make([]int, sv.nZones)}
	total := 0.0
	for _, it := range pl.items {
		total += it.amount
	}
	pl.est = float64(sv.minRep)
	if sv.cap > 0 {
		pl.est = math.Max(pl.est, math.Ceil(total/sv.cap))
	}
	pl.shareFixed()
	pl.attempt(byCost)
	if sv.k > 0 && !pl.short() {
		pl.rezone()
	}
	if sv.s.MaxClusters > 0 && pl.short() {
		// Max Clusters may have stopped cheap small clusters from
		// taking it all: try the roomiest clusters instead, and keep
		// whichever leaves less important demand unplaced.
		first := pl.shortfall()
		// Then plan the footprint first (see cover) and place within
		// it, both ways. Keep the least shortfall, earliest tried.
		best, bestTry, last := first, 0, 1
		pl.attempt(byRoom)
		if sf := pl.shortfall(); less(sf, best) {
			best, bestTry = sf, 1
		}
		var allow []bool
		if pl.short() {
			allow = pl.cover()
		}
		tries := [][2]int{{byCost, 0}, {byRoom, 0}, {byCost, 1}, {byRoom, 1}}
		for i := 2; i < len(tries) && allow != nil; i++ {
			pl.allow = allow
			pl.attempt(tries[i][0])
			last = i
			if sf := pl.shortfall(); less(sf, best) {
				best, bestTry = sf, i
			}
		}
		if bestTry != last {
			pl.allow = nil
			if tries[bestTry][1] == 1 {
				pl.allow = allow
			}
			pl.attempt(tries[bestTry][0])
		}
		pl.allow, pl.mode = nil, byCost
	}
	pl.minClusters()
	pl.commit()
	r.p.addDemandAt(r.demLeft, sv, -1)
}

// rezone places a service under N+k again without each zone it used,
// one at a time, and keeps the cheapest placement that leaves nothing
// unplaced. Items pick clusters one by one, pricing N+k by each zone's
// count of candidates; a zone whose clusters turn out small or unequal
// (one holds 2 replicas, the others 26: losing a big one leaves 28 of
// 54) can cost far more than the next: on the 500×50 benchmark intent
// a service of N+1 within Max Clusters 3 took 54 replicas in one region
// where another region's three clusters carried its load with 42.
// (Leaving out further zones from the better placement, up to three,
// made the plan no cheaper there.)
func (pl *placer) rezone() {
	sv := pl.sv
	without := func(z int) []bool {
		allow := make([]bool, pl.r.nc)
		for _, c := range sv.cand {
			allow[c] = sv.zone[c] != z
		}
		return allow
	}
	best, bestZone, last := pl.cost(), -1, -1
	for z, l := range slices.Clone(pl.zoneLoad) {
		if l <= amountTol {
			continue
		}
		pl.allow = without(z)
		pl.attempt(byCost)
		last = z
		if cost := pl.cost(); !pl.short() && cost < best*(1-1e-9) {
			best, bestZone = cost, z
		}
	}
	pl.allow = nil
	if bestZone >= 0 {
		pl.allow = without(bestZone)
	}
	if last >= 0 && bestZone != last {
		pl.attempt(byCost)
	}
	pl.allow = nil
}

// cost is what the service's replicas cost as placed: their prices and
// the churn.
func (pl *placer) cost() float64 {
	cost := 0.0
	for _, c := range pl.sv.cand {
		cost += pl.r.p.replicaCost(pl.sv, c, 0, pl.n(c), pl.sv.price[c])
	}
	return cost
}

// shareFixed sets fixedUnit: the share of each candidate's fixed cost
// one new replica of the service is charged when nothing runs there yet.
// The fixed cost is shared by everything expected to run there: a
// replica is charged the largest share it takes, over the resources of
// its shape, of the cluster's supply or, if that is less, of what the
// services not yet placed (this one with its actual load) are expected
// to take there. A service alone in a roomy cluster pays all of it over
// its replicas; one of many pays by the room it takes, so clusters with
// the least fixed cost per unit of useful supply are preferred.
func (pl *placer) shareFixed() {
	r, sv, p := pl.r, pl.sv, pl.r.p
	nr := len(p.res)
	pl.fixedUnit = make([]float64, r.nc)
	for _, c := range sv.cand {
		f := p.fixed[c]
		if !(f > 0) {
			continue
		}
		share := 0.0
		for _, t := range sv.shape {
			left := r.demLeft[c*nr+t.r]
			if sv.expectsAt(c) {
				left -= sv.estRep * t.a
			}
			u := math.Min(p.supply[c][t.r], math.Max(left, 0)+pl.est*t.a)
			share = math.Max(share, t.a/u)
		}
		if len(sv.shape) == 0 {
			share = 1 / pl.est
		}
		pl.fixedUnit[c] = f * math.Min(share, 1)
	}
}

// How assign ranks clusters for an item.
const (
	// byCost: least cost of the replicas needed per unit of load placed.
	byCost = iota
	// byRoom: clusters the service uses already, by cost; then new ones
	// with the most room for the service first.
	byRoom
)

// attempt places every item from scratch, ranking clusters by mode,
// bounding the load of zones where N+k fails until it holds everywhere.
func (pl *placer) attempt(mode int) {
	pl.mode = mode
	for z := range pl.zoneCap {
		pl.zoneCap[z], pl.zoneFails[z] = math.Inf(1), 0
	}
	for {
		pl.reset()
		for _, it := range pl.items {
			pl.assign(it)
		}
		bad := pl.redundancy()
		if len(bad) == 0 {
			return
		}
		for _, z := range bad {
			pl.lowerZoneCap(z)
		}
	}
}

// short reports whether some item is left partly unplaced.
func (pl *placer) short() bool {
	for _, it := range pl.items {
		if it.left > 0 {
			return true
		}
	}
	return false
}

// shortfall is the unplaced load per item priority, most important
// first.
func (pl *placer) shortfall() [][2]float64 {
	var out [][2]float64
	for _, it := range pl.items { // sorted by priority
		if n := len(out); n == 0 || out[n-1][0] != float64(it.prio) {
			out = append(out, [2]float64{float64(it.prio), 0})
		}
		out[len(out)-1][1] += it.left
	}
	return out
}

// less reports whether shortfall a is better than b: less unplaced at
// the first priority where they differ.
func less(a, b [][2]float64) bool {
	for i := range a {
		if d := a[i][1] - b[i][1]; math.Abs(d) > amountTol*math.Max(1, b[i][1]) {
			return d < 0
		}
	}
	return false
}

// reset takes the service back to its pins, with no load.
func (pl *placer) reset() {
	r, sv := pl.r, pl.sv
	clear(pl.zoneN)
	clear(pl.zoneLoad)
	for _, c := range sv.cand {
		r.setN(sv, c, r.base(sv, c))
		r.load[sv.idx*r.nc+c] = 0
		if r.n[sv.idx*r.nc+c] > 0 {
			pl.zoneN[sv.zone[c]]++
		}
	}
	for _, it := range pl.items {
		it.got, it.left = it.got[:0], 0
	}
}

// n and setN read and set the service's replicas in c, keeping zoneN.
func (pl *placer) n(c int) int { return pl.r.n[pl.sv.idx*pl.r.nc+c] }

func (pl *placer) setN(c, v int) {
	if old := pl.n(c); old == 0 && v > 0 {
		pl.zoneN[pl.sv.zone[c]]++
	} else if old > 0 && v == 0 {
		pl.zoneN[pl.sv.zone[c]]--
	}
	pl.r.setN(pl.sv, c, v)
}

// unit is the price of one more replica in c: its resources, plus an
// amortised share of the cluster's fixed cost when nothing runs there
// yet (spread over the replicas the service is expected to need). It
// decides whether to open a cluster: as if nothing else would share it.
func (pl *placer) unit(c int) float64 {
	u := pl.sv.price[c]
	if pl.r.hosts[c] == 0 {
		u += pl.r.p.fixed[c] / pl.est
	}
	return u
}

// rank is unit with the fixed cost shared as shareFixed does: it decides
// which cluster to open once opening one is the cheapest choice.
func (pl *placer) rank(c int) float64 {
	u := pl.sv.price[c]
	if pl.r.hosts[c] == 0 {
		u += pl.fixedUnit[c]
	}
	return u
}

// opens reports whether placing replicas in c would open it: nothing
// runs there yet and it has a fixed cost.
func (pl *placer) opens(c int) bool { return pl.r.hosts[c] == 0 && pl.r.p.fixed[c] > 0 }

// spare is what N+k multiplies a zone's replicas by at best: with m
// candidates there, losing k leaves m−k to carry the load.
func (pl *placer) spare(z int) float64 {
	m := float64(len(pl.sv.byZone[z]))
	return m / (m - float64(pl.sv.k))
}

// canOpen reports whether the service may start using cluster c within
// Max Clusters; opening a zone for load under N+k takes k+1 clusters,
// and the clusters other zones with load still need for N+k are kept
// free.
func (pl *placer) canOpen(c int, forLoad bool) bool {
	most := pl.sv.s.MaxClusters
	if most <= 0 {
		return true
	}
	z := pl.sv.zone[c]
	need := 1
	if forLoad && pl.sv.k > 0 {
		need = max(1, pl.sv.k+1-pl.zoneN[z])
	}
	return pl.r.nUsed[pl.sv.idx]+need+pl.owed(z) <= most
}

// owed is how many more clusters the zones with load other than z need
// to reach k+1 under N+k.
func (pl *placer) owed(z int) int {
	if pl.sv.k <= 0 {
		return 0
	}
	o := 0
	for y, l := range pl.zoneLoad {
		if y != z && l > amountTol {
			o += max(0, pl.sv.k+1-pl.zoneN[y])
		}
	}
	return o
}

// ceilLoad is the fewest replicas that carry load l, give or take
// ceilTol of a replica.
func (pl *placer) ceilLoad(l float64) int {
	return int(math.Ceil(l/pl.sv.cap - ceilTol))
}

// ceilTol is how much of a replica's capacity load may exceed its
// replicas by: with n ≥ 1 replicas (every cluster with load has one),
// l − n·cap ≤ 1e-7·cap is well within VerifyTolerance (1e-6 of n·cap),
// and it keeps round-off (20.000000002 units) from costing a replica.
const ceilTol = 1e-7

// assign routes an item to the clusters in its reach, each time to the
// one where the replicas it needs cost least per unit of load placed
// (spare capacity of replicas already there is free).
func (pl *placer) assign(it *item) {
	r, sv := pl.r, pl.sv
	rem, eps := it.amount, amountTol*math.Max(1, it.amount)
	for rem > eps {
		best, bestX, bestN, bestTier, bestScore := -1, 0.0, 0, 2, math.Inf(1)
		// The cluster to open, should opening one be best.
		open, openX, openN, openScore := -1, 0.0, 0, math.Inf(1)
		for _, c := range it.reach {
			if pl.allow != nil && !pl.allow[c] {
				continue
			}
			z := sv.zone[c]
			n, add := pl.n(c), r.addable(sv, c)
			if n == 0 && (!pl.canOpen(c, true) || add < sv.minAt(c)) {
				continue
			}
			l := r.load[sv.idx*r.nc+c]
			room := min(float64(n+add)*sv.cap-l, pl.zoneCap[z]-pl.zoneLoad[z], r.nodeCap[sv.idx*r.nc+c]-l)
			if room <= eps {
				continue
			}
			x := math.Min(rem, room)
			if slack := float64(n)*sv.cap - l; slack > eps {
				x = math.Min(x, slack) // the replicas there serve it for free
			}
			need := max(n, pl.ceilLoad(l+x))
			if n == 0 {
				need = max(need, sv.minAt(c))
			}
			tier, score := 0, pl.r.p.replicaCost(sv, c, n, need, pl.unit(c))/x*pl.spare(z)
			if pl.mode == byRoom && n == 0 {
				tier, score = 1, -room
			}
			if tier < bestTier || (tier == bestTier && score < bestScore) {
				best, bestX, bestN, bestTier, bestScore = c, x, need, tier, score
			}
			if tier == 0 && pl.opens(c) {
				if s := pl.r.p.replicaCost(sv, c, n, need, pl.rank(c)) / x * pl.spare(z); s < openScore {
					open, openX, openN, openScore = c, x, need, s
				}
			}
		}
		if best < 0 {
			break
		}
		if bestTier == 0 && pl.opens(best) {
			best, bestX, bestN = open, openX, openN
		}
		r.load[sv.idx*r.nc+best] += bestX
		pl.zoneLoad[sv.zone[best]] += bestX
		pl.setN(best, bestN)
		it.got = append(it.got, demRoute{o: it.o, c: best, x: bestX})
		rem -= bestX
	}
	if rem > eps {
		it.left = rem
	}
}

// minClusters opens the cheapest candidate clusters, with Min Replicas
// each, until the service runs in at least Min Clusters.
func (pl *placer) minClusters() {
	for pl.r.nUsed[pl.sv.idx] < pl.sv.s.MinClusters {
		c := pl.cheapestNew(pl.sv.cand)
		if c < 0 {
			return
		}
		pl.setN(c, pl.sv.minAt(c))
	}
}

// cheapestNew is the cluster of cs the service does not use yet whose
// Min Replicas cost least (by rank) and fit, within Max Clusters; -1 if
// none. Placing byRoom, it is the one with the most room instead.
func (pl *placer) cheapestNew(cs []int) int {
	best, bestCost := -1, math.Inf(1)
	for _, c := range cs {
		m := pl.sv.minAt(c)
		if pl.n(c) > 0 || m <= 0 || !pl.canOpen(c, false) || pl.r.addable(pl.sv, c) < m {
			continue
		}
		cost := pl.r.p.replicaCost(pl.sv, c, 0, m, pl.rank(c))
		if pl.mode == byRoom {
			cost = -float64(pl.r.addable(pl.sv, c))
		}
		if cost < bestCost {
			best, bestCost = c, cost
		}
	}
	return best
}

// commit records the routes of every item and the dependency load left
// unplaced.
func (pl *placer) commit() {
	r := pl.r
	for _, it := range pl.items {
		for _, g := range it.got {
			if g.x <= 0 {
				continue // moved elsewhere by rebalance
			}
			if it.o >= 0 {
				r.demRoutes = append(r.demRoutes, g)
			} else {
				r.depRoutes = append(r.depRoutes, depRoute{d: it.d, from: it.from, to: g.c, x: g.x})
			}
		}
		if it.o < 0 && it.left > 0 {
			r.fails = append(r.fails, failure{d: it.d, from: it.from, frac: it.left / it.amount,
				local: len(it.reach) < pl.sv.nLoadable})
		}
	}
}
