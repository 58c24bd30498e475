package greedy

import (
	"cmp"
	"math"
	"slices"
)

// consolidateSweeps bounds the passes consolidate makes over the used
// clusters; each pass after the first runs only if the one before closed
// a cluster.
const consolidateSweeps = 3

// swapTries is how many unused clusters consolidate tries, cheapest
// first, to take over the contents of a cluster it cannot empty into the
// clusters in use.
const swapTries = 3

// consolidate closes used clusters with a fixed cost where everything
// they run fits in the clusters in use (or in one cheaper unused
// cluster) and that saves cost. Clusters are visited least
// cost-efficient first: the highest fixed cost per share of the fleet's
// supply they use. See evacuation.run for what a move keeps.
func (r *run) consolidate() {
	p := r.p
	nr := len(p.res)
	total := make([]float64, nr)
	for c := range r.nc {
		for i := range nr {
			total[i] += p.supply[c][i]
		}
	}
	var unused []int // by fixed cost, cheapest first
	for c := range r.nc {
		if r.hosts[c] == 0 {
			unused = append(unused, c)
		}
	}
	slices.SortStableFunc(unused, func(a, b int) int { return cmp.Compare(p.fixed[a], p.fixed[b]) })
	ev := &evacuation{r: r}
	for range consolidateSweeps {
		var order []int
		ratio := make([]float64, r.nc)
		for c := range r.nc {
			if r.hosts[c] == 0 || !(p.fixed[c] > 0) {
				continue
			}
			w := 0.0
			for i := range nr {
				if total[i] > 0 {
					w += r.used[c][i] / total[i]
				}
			}
			ratio[c] = p.fixed[c] / math.Max(w, 1e-12)
			order = append(order, c)
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(ratio[b], ratio[a]) })
		closed := false
		for _, c := range order {
			if r.hosts[c] == 0 {
				continue
			}
			if ev.run(c, -1) {
				closed = true
				unused = append(unused, c)
				continue
			}
			tried := 0
			for i := 0; i < len(unused) && tried < swapTries; i++ {
				e := unused[i]
				if r.hosts[e] > 0 || !(p.fixed[e] < p.fixed[c]) || !r.holds(e, c) {
					continue
				}
				tried++
				if ev.run(c, e) {
					closed = true
					unused[i] = c
					break
				}
			}
			slices.SortStableFunc(unused, func(a, b int) int { return cmp.Compare(p.fixed[a], p.fixed[b]) })
		}
		if !closed {
			return
		}
	}
}

// holds reports whether unused cluster e has the supply of every
// resource cluster c uses.
func (r *run) holds(e, c int) bool {
	for i, u := range r.used[c] {
		if r.p.supply[e][i] < u*(1-fitTol) {
			return false
		}
	}
	return true
}

// evacuation moves everything out of one cluster.
type evacuation struct {
	r     *run
	c     int   // the cluster emptied
	extra int   // an unused cluster that may be opened, or -1
	dests []int // where load may go: the clusters in use, and extra
	// journal holds each node's replicas and load before its first
	// change, to roll back.
	journal []nodeState
	seen    map[int]bool
	// in holds, per service, the load it has in c still to move; gone
	// marks the services moved.
	in   map[int][]piece
	gone map[int]bool
	// out holds, per service, its dependency routes leaving c.
	out map[int][]depRoute
	// demNew and depNew are the routes that replace those into and out
	// of c.
	demNew []demRoute
	depNew []depRoute
	moved  []demRoute // the current service's load moved, per cluster
}

// mergePieces sums pieces from the same origin or the same dependency
// and cluster, in order of first appearance.
func mergePieces(ps []piece) []piece {
	return sumSame(ps, func(pc piece) [3]int { return [3]int{pc.o, pc.d, pc.from} }, func(pc *piece) *float64 { return &pc.x })
}

// mergeDep sums routes of the same dependency to the same cluster, in
// order of first appearance.
func mergeDep(rs []depRoute) []depRoute {
	return sumSame(rs, func(dr depRoute) [2]int { return [2]int{dr.d, dr.to} }, func(dr *depRoute) *float64 { return &dr.x })
}

// sumSame merges the elements of xs with the same key into the first of
// them, adding up their amounts, in order of first appearance.
func sumSame[T any, K comparable](xs []T, key func(T) K, amount func(*T) *float64) []T {
	var out []T
	at := map[K]int{}
	for _, x := range xs {
		if i, ok := at[key(x)]; ok {
			*amount(&out[i]) += *amount(&x)
			continue
		}
		at[key(x)] = len(out)
		out = append(out, x)
	}
	return out
}

// nodeState is a node's replicas and load, as the journal keeps them.
type nodeState struct {
	s, c int
	n    int
	load float64
}

// piece is load of a service in the cluster emptied: demand of origin o,
// or (o < 0) load of dependency d created in cluster from.
type piece struct {
	o, d, from int
	x          float64
}

// run empties cluster c into the clusters in use and, if extra ≥ 0,
// unused cluster extra, and keeps the result if it keeps every
// requirement and costs less; it reports whether c was closed.
//
// Services in c are moved callers first. Each piece of load a service
// has there (demand of a region, or a caller's dependency load from a
// cluster) goes, split if need be, to clusters where the service may
// carry load within the piece's latency SLO or Max RTT: first to spare
// capacity of replicas there, else where new replicas cost least,
// ties to the cluster left fullest. New replicas respect supply,
// reservations' Max, Min Replicas and Max Clusters. The dependency load
// the piece creates goes with it, to the same dependency clusters, which
// must lie within Max RTT of the new place; load for dependencies in c
// itself moves on when they do. A service with replicas but no load in c
// is opened elsewhere only if Min Clusters needs it. Pinned services
// cannot move, and every zone of a service under N+k must still hold.
func (ev *evacuation) run(c, extra int) bool {
	r, p := ev.r, ev.r.p
	ev.c, ev.extra = c, extra
	ev.journal = ev.journal[:0]
	ev.seen, ev.gone = map[int]bool{}, map[int]bool{}
	ev.in, ev.out = map[int][]piece{}, map[int][]depRoute{}
	ev.demNew, ev.depNew = ev.demNew[:0], ev.depNew[:0]
	var svcs []int
	for _, s := range p.topo {
		if r.n[s*r.nc+c] > 0 {
			if p.svcs[s].pin[c] > 0 {
				return false
			}
			svcs = append(svcs, s)
		}
	}
	ev.dests = ev.dests[:0]
	for d := range r.nc {
		if d != c && (r.hosts[d] > 0 || d == extra) {
			ev.dests = append(ev.dests, d)
		}
	}
	for _, dr := range r.demRoutes {
		if dr.c == c {
			s := p.origins[dr.o].s
			ev.in[s] = append(ev.in[s], piece{o: dr.o, d: -1, from: -1, x: dr.x})
		}
	}
	for _, dr := range r.depRoutes {
		if dr.from == c {
			s := p.deps[dr.d].s
			ev.out[s] = append(ev.out[s], dr)
		} else if dr.to == c {
			t := p.deps[dr.d].t
			ev.in[t] = append(ev.in[t], piece{o: -1, d: dr.d, from: dr.from, x: dr.x})
		}
	}
	ok := true
	for _, s := range svcs {
		if ok = ev.move(p.svcs[s]); !ok {
			break
		}
	}
	ok = ok && r.hosts[c] == 0 && ev.saves()
	if !ok {
		ev.rollback()
		return false
	}
	dem := r.demRoutes[:0]
	for _, dr := range r.demRoutes {
		if dr.c != c {
			dem = append(dem, dr)
		}
	}
	r.demRoutes = append(dem, ev.demNew...)
	dep := r.depRoutes[:0]
	for _, dr := range r.depRoutes {
		if dr.from != c && dr.to != c {
			dep = append(dep, dr)
		}
	}
	r.depRoutes = append(dep, ev.depNew...)
	return true
}

// touch records node (s, d) in the journal before its first change.
func (ev *evacuation) touch(s, d int) {
	r := ev.r
	i := s*r.nc + d
	if !ev.seen[i] {
		ev.seen[i] = true
		ev.journal = append(ev.journal, nodeState{s: s, c: d, n: r.n[i], load: r.load[i]})
	}
}

// rollback restores every node the evacuation changed.
func (ev *evacuation) rollback() {
	r := ev.r
	for i := len(ev.journal) - 1; i >= 0; i-- {
		j := ev.journal[i]
		r.setN(r.p.svcs[j.s], j.c, j.n)
		r.load[j.s*r.nc+j.c] = j.load
	}
}

// saves reports whether the moves cost less than what they save: the
// fixed cost of c (and of extra, if opened) and the replicas' prices.
func (ev *evacuation) saves() bool {
	r, p := ev.r, ev.r.p
	delta, scale := -p.fixed[ev.c], p.fixed[ev.c]
	if ev.extra >= 0 && r.hosts[ev.extra] > 0 {
		delta += p.fixed[ev.extra]
	}
	for _, j := range ev.journal {
		pr := p.svcs[j.s].price[j.c]
		delta += p.replicaCost(p.svcs[j.s], j.c, j.n, r.n[j.s*r.nc+j.c], pr)
		scale += float64(j.n) * pr
	}
	return delta < -1e-9*math.Max(1, scale)
}

// move moves service sv's replicas and load out of c.
func (ev *evacuation) move(sv *svc) bool {
	r, p, c := ev.r, ev.r.p, ev.c
	node := sv.idx*r.nc + c
	total := r.load[node]
	out := mergeDep(ev.out[sv.idx])
	ev.gone[sv.idx] = true
	ev.moved = ev.moved[:0]
	for _, pc := range mergePieces(ev.in[sv.idx]) {
		if !ev.place(sv, pc, out) {
			return false
		}
	}
	// The dependency load the moved load creates leaves from where it
	// went: to the same clusters, or on to where the dependency goes if
	// that is c.
	for _, mv := range ev.moved {
		for _, dr := range out {
			x := dr.x * mv.x / total
			if dr.to == c {
				t := p.deps[dr.d].t
				if ev.gone[t] {
					return false // a cycle, which Validate rejects
				}
				ev.in[t] = append(ev.in[t], piece{o: -1, d: dr.d, from: mv.c, x: x})
			} else {
				ev.depNew = append(ev.depNew, depRoute{d: dr.d, from: mv.c, to: dr.to, x: x})
			}
		}
	}
	ev.touch(sv.idx, c)
	r.setN(sv, c, 0)
	r.load[node] = 0
	need := sv.s.MinClusters
	for _, d := range sv.cand {
		if r.load[sv.idx*r.nc+d] > 0 {
			need = max(need, 1)
			break
		}
	}
	for r.nUsed[sv.idx] < need {
		best, bestCost := -1, math.Inf(1)
		for _, d := range ev.dests {
			m := sv.minAt(d)
			if r.n[sv.idx*r.nc+d] > 0 || m <= 0 || !ev.isCand(sv, d) || r.addable(sv, d) < m {
				continue
			}
			if cost := p.replicaCost(sv, d, 0, m, sv.price[d]); cost < bestCost {
				best, bestCost = d, cost
			}
		}
		if best < 0 || (sv.s.MaxClusters > 0 && r.nUsed[sv.idx] >= sv.s.MaxClusters) {
			return false
		}
		ev.touch(sv.idx, best)
		r.setN(sv, best, sv.minAt(best))
	}
	return sv.k <= 0 || ev.redundant(sv)
}

// redundant makes every zone of sv with load survive the loss of any k
// of its clusters running sv, if it can: as the N+k pass of the greedy
// does, it lifts the zone's clusters to the least common level that
// suffices (adding replicas, within supply), and while none does, opens
// the service with Min Replicas in the zone's cluster in use where that
// costs least. It reports whether every zone holds.
func (ev *evacuation) redundant(sv *svc) bool {
	r := ev.r
	for _, zone := range sv.byZone {
		l := 0.0
		for _, c := range zone {
			l += r.load[sv.idx*r.nc+c]
		}
		if l <= amountTol || ev.holdsNK(sv, zone, l) {
			continue
		}
		if !ev.lift(sv, zone, l) {
			return false
		}
	}
	return true
}

// lift lifts the zone's clusters running sv, opening more in use while
// no level suffices, so that the zone carries load l under N+k.
func (ev *evacuation) lift(sv *svc, zone []int, l float64) bool {
	r := ev.r
	var members []int
	for _, c := range zone {
		if r.n[sv.idx*r.nc+c] > 0 {
			members = append(members, c)
		}
	}
	for {
		lv := &leveller{k: sv.k, cap: sv.cap, move: r.p.move}
		for _, c := range members {
			n := r.n[sv.idx*r.nc+c]
			lv.add(n, n+r.addable(sv, c), sv.price[c], sv.cur[c])
		}
		if _, t, ok := lv.lift(l); ok {
			for i, c := range members {
				ev.touch(sv.idx, c)
				r.setN(sv, c, lv.level(i, t))
			}
			return true
		}
		if sv.s.MaxClusters > 0 && r.nUsed[sv.idx] >= sv.s.MaxClusters {
			return false
		}
		best, bestCost := -1, math.Inf(1)
		for _, d := range zone {
			m := sv.minAt(d)
			if d == ev.c || r.n[sv.idx*r.nc+d] > 0 || (r.hosts[d] == 0 && d != ev.extra) || m <= 0 || r.addable(sv, d) < m {
				continue
			}
			if cost := r.p.replicaCost(sv, d, 0, m, sv.price[d]); cost < bestCost {
				best, bestCost = d, cost
			}
		}
		if best < 0 {
			return false
		}
		ev.touch(sv.idx, best)
		r.setN(sv, best, sv.minAt(best))
		members = append(members, best)
	}
}

// isCand reports whether d is a candidate cluster of sv.
func (ev *evacuation) isCand(sv *svc, d int) bool {
	_, ok := slices.BinarySearch(sv.cand, d)
	return ok
}

// place moves piece pc of sv's load in c, which creates dependency
// routes out, to the destinations, adding what it moves where to moved.
func (ev *evacuation) place(sv *svc, pc piece, out []depRoute) bool {
	r := ev.r
	rem, eps := pc.x, amountTol*math.Max(1, pc.x)
	for rem > eps {
		best, bestX, bestN := -1, 0.0, 0
		bestScore, bestLeft := math.Inf(1), math.Inf(1)
		for _, d := range ev.dests {
			if !sv.loadOK[d] || !ev.reaches(sv, pc, d, out) {
				continue
			}
			i := sv.idx*r.nc + d
			n, add, l := r.n[i], r.addable(sv, d), r.load[i]
			// sv still runs in c, which it leaves: Max Clusters allows
			// one cluster more meanwhile.
			if n == 0 && (add < sv.minAt(d) || (sv.s.MaxClusters > 0 && r.nUsed[sv.idx]-1 >= sv.s.MaxClusters)) {
				continue
			}
			room := float64(n+add)*sv.cap - l
			if room <= eps {
				continue
			}
			x := math.Min(rem, room)
			if slack := float64(n)*sv.cap - l; slack > eps {
				x = math.Min(x, slack)
			}
			need := max(n, int(math.Ceil((l+x)/sv.cap-ceilTol)))
			if n == 0 {
				need = max(need, sv.minAt(d))
			}
			score := r.p.replicaCost(sv, d, n, need, sv.price[d]) / x
			left := r.leftAfter(sv, d, need-n)
			if score < bestScore || (score == bestScore && left < bestLeft) {
				best, bestX, bestN, bestScore, bestLeft = d, x, need, score, left
			}
		}
		if best < 0 {
			return false
		}
		ev.touch(sv.idx, best)
		r.setN(sv, best, bestN)
		r.load[sv.idx*r.nc+best] += bestX
		rem -= bestX
		if pc.o >= 0 {
			ev.demNew = append(ev.demNew, demRoute{o: pc.o, c: best, x: bestX})
		} else {
			ev.depNew = append(ev.depNew, depRoute{d: pc.d, from: pc.from, to: best, x: bestX})
		}
		i := slices.IndexFunc(ev.moved, func(m demRoute) bool { return m.c == best })
		if i < 0 {
			ev.moved = append(ev.moved, demRoute{c: best})
			i = len(ev.moved) - 1
		}
		ev.moved[i].x += bestX
	}
	return true
}

// reaches reports whether sv's piece pc may be served in d: within the
// SLO of its region or Max RTT of its caller's cluster, and with every
// dependency route it creates (other than into c) within Max RTT of d.
func (ev *evacuation) reaches(sv *svc, pc piece, d int, out []depRoute) bool {
	p := ev.r.p
	g := p.clRegion[d]
	if pc.o >= 0 {
		if !p.within(p.origins[pc.o].g, g, sv.s.LatencySLO, sv.s.HasLatencySLO) {
			return false
		}
	} else if dp := p.deps[pc.d]; !p.within(p.clRegion[pc.from], g, dp.maxRTT, dp.hasMax) {
		return false
	}
	for _, dr := range out {
		if dp := p.deps[dr.d]; dr.to != ev.c && !p.within(g, p.clRegion[dr.to], dp.maxRTT, dp.hasMax) {
			return false
		}
	}
	return true
}

// leftAfter is the supply cluster d has left after add more replicas of
// sv, each resource as a share of the cluster's supply, summed.
func (r *run) leftAfter(sv *svc, d, add int) float64 {
	left := 0.0
	for i, s := range r.p.supply[d] {
		if s > 0 {
			left += (s - r.used[d][i]) / s
		}
	}
	for _, t := range sv.shape {
		if s := r.p.supply[d][t.r]; s > 0 {
			left -= float64(add) * t.a / s
		}
	}
	return left
}

// holdsNK reports whether the zone's clusters running sv carry load l
// after losing any k of them.
func (ev *evacuation) holdsNK(sv *svc, zone []int, l float64) bool {
	r := ev.r
	var caps []int
	for _, c := range zone {
		if n := r.n[sv.idx*r.nc+c]; n > 0 {
			caps = append(caps, n)
		}
	}
	slices.Sort(caps)
	s := 0
	for _, n := range caps[:max(0, len(caps)-sv.k)] {
		s += n
	}
	return float64(s)*sv.cap >= l-amountTol*math.Max(1, l)
}
