package greedy

import (
	"cmp"
	"maps"
	"math"
	"slices"
	"sort"
)

// redundancy makes every zone that carries load survive the loss of any
// k of its clusters, and returns the zones where that cannot be done.
func (pl *placer) redundancy() []int {
	if pl.sv.k <= 0 {
		return nil
	}
	var bad []int
	for z, l := range pl.zoneLoad {
		if l > amountTol && !pl.ensureZone(z, l) {
			bad = append(bad, z)
		}
	}
	return bad
}

// ensureZone sizes the zone z's clusters so that losing any k of them
// leaves capacity for its load l. It finds the lowest common replica
// level T (each cluster between its Min Replicas or pin and what supply
// allows) that suffices, opening the zone's cheapest unused candidate,
// with Min Replicas, while no level suffices, then as many more of the
// cheapest as make the levels cheapest (more clusters each lose a
// smaller share). Then it
// moves load from clusters above their level to those below it, where
// the load's reach allows, and sizes each cluster for the larger of its
// level and its load; as survivors only grow with replicas, that holds.
func (pl *placer) ensureZone(z int, l float64) bool {
	sv := pl.sv
	var members []int
	for _, c := range sv.byZone[z] {
		if pl.n(c) > 0 {
			members = append(members, c)
		}
	}
	for {
		lv := pl.leveller(members)
		cost, _, ok := lv.lift(l)
		if !ok {
			c := pl.cheapestNew(sv.byZone[z])
			if c < 0 {
				return false
			}
			pl.setN(c, sv.minAt(c))
			members = append(members, c)
			continue
		}
		// The cost is not convex in the number of clusters (a zone of
		// N+2 needing 21.8 replicas of load costs 32 replicas over 8
		// clusters, 36 over 9, 30 over 10 and 26 over 13), so open the
		// cheapest candidates one by one to the end and keep the best
		// prefix, not the first that stops helping.
		var opened []int
		bestJ, best, extra := 0, cost, 0.0
		for {
			c := pl.cheapestNew(sv.byZone[z])
			if c < 0 {
				break
			}
			extra += pl.r.p.replicaCost(sv, c, 0, sv.minAt(c), pl.unit(c))
			pl.setN(c, sv.minAt(c))
			opened = append(opened, c)
			pl.addMember(lv, c)
			more, _, ok := lv.lift(l)
			if ok && more+extra < best {
				bestJ, best = len(opened), more+extra
			}
		}
		for i := len(opened) - 1; i >= bestJ; i-- {
			pl.setN(opened[i], 0)
		}
		members = append(members, opened[:bestJ]...)
		lv = pl.leveller(members)
		_, t, _ := lv.lift(l)
		pl.rebalance(members, lv, t)
		return true
	}
}

// rebalance moves load between the clusters of a zone towards their
// levels at t, then sizes each for its level and its load.
func (pl *placer) rebalance(members []int, lv *leveller, t int) {
	r, sv := pl.r, pl.sv
	room := func(c int) float64 { // below its level, and its node's bound
		i := slices.Index(members, c)
		l := r.load[sv.idx*r.nc+c]
		return math.Min(float64(lv.level(i, t))*sv.cap-l, r.nodeCap[sv.idx*r.nc+c]-l)
	}
	under := slices.Clone(members)
	slices.SortStableFunc(under, func(a, b int) int { return cmp.Compare(pl.unit(a), pl.unit(b)) })
	for i, a := range members {
		excess := r.load[sv.idx*r.nc+a] - float64(lv.level(i, t))*sv.cap
		for _, it := range pl.items {
			for j := 0; j < len(it.got) && excess > amountTol*math.Max(1, it.amount); j++ {
				if it.got[j].c != a {
					continue
				}
				for _, b := range under {
					if _, in := slices.BinarySearch(it.reach, b); !in || b == a {
						continue
					}
					m := min(excess, it.got[j].x, room(b))
					if m <= amountTol*math.Max(1, it.amount) {
						continue
					}
					it.got[j].x -= m
					it.got = append(it.got, demRoute{o: it.o, c: b, x: m})
					r.load[sv.idx*r.nc+a] -= m
					r.load[sv.idx*r.nc+b] += m
					excess -= m
				}
			}
		}
	}
	for i, c := range members {
		pl.setN(c, max(lv.level(i, t), pl.ceilLoad(r.load[sv.idx*r.nc+c])))
	}
}

// lowerZoneCap bounds the load of zone z after N+k failed there: first
// to what the zone could carry with every candidate open and lifted as
// far as supply allows, then by half at each further failure, and after
// zoneRetries of those to nothing.
func (pl *placer) lowerZoneCap(z int) {
	pl.zoneFails[z]++
	switch f := pl.zoneFails[z]; {
	case f == 1:
		pl.zoneCap[z] = pl.maxCarry(z) * (1 - 1e-6)
	case f > zoneRetries:
		pl.zoneCap[z] = 0
	default:
		pl.zoneCap[z] = math.Min(pl.zoneCap[z], pl.zoneLoad[z]) / 2
	}
}

// maxCarry is the most load zone z can carry under N+k with the supply
// left: the clusters the service runs there plus the candidates with the
// most room, as many as Max Clusters leaves, each lifted as far as
// supply allows.
func (pl *placer) maxCarry(z int) float64 {
	sv := pl.sv
	var members, more []int
	for _, c := range sv.byZone[z] {
		switch {
		case pl.n(c) > 0:
			members = append(members, c)
		case pl.r.addable(sv, c) >= sv.minAt(c):
			more = append(more, c)
		}
	}
	if most := sv.s.MaxClusters; most > 0 {
		slots := most - (pl.r.nUsed[sv.idx] - len(members)) - len(members)
		slices.SortStableFunc(more, func(a, b int) int {
			return cmp.Compare(pl.r.addable(sv, b), pl.r.addable(sv, a))
		})
		more = more[:max(0, min(len(more), slots))]
	}
	cs := append(members, more...)
	if len(cs) <= sv.k {
		return 0
	}
	lv := pl.leveller(cs)
	return lv.survivors(slices.Max(lv.most)) * sv.cap
}

// leveller evaluates lifting a zone's clusters to a common level.
type leveller struct {
	k       int
	cap     float64
	n, most []int     // floors and the most supply allows
	unit    []float64 // price of one more replica
	cur     []int     // replicas today (churn is priced against them)
	move    float64   // the move cost
	buf     []int
}

// add adds a member with floor n, at most most replicas, and the given
// price per replica and replicas today.
func (lv *leveller) add(n, most int, unit float64, cur int) {
	lv.n, lv.most = append(lv.n, n), append(lv.most, most)
	lv.unit, lv.cur = append(lv.unit, unit), append(lv.cur, cur)
	lv.buf = append(lv.buf, 0)
}

// floor is the fewest replicas the service runs in c once it is used
// there: Min Replicas or a pin.
func (pl *placer) floor(c int) int { return max(pl.r.base(pl.sv, c), pl.sv.minAt(c)) }

// leveller is for the given clusters of the service.
func (pl *placer) leveller(members []int) *leveller {
	lv := &leveller{k: pl.sv.k, cap: pl.sv.cap, move: pl.r.p.move}
	for _, c := range members {
		pl.addMember(lv, c)
	}
	return lv
}

// addMember adds cluster c, as the service runs there now, to lv.
func (pl *placer) addMember(lv *leveller, c int) {
	lv.add(pl.floor(c), pl.n(c)+pl.r.addable(pl.sv, c), pl.unit(c), pl.sv.cur[c])
}

// lift finds the least level t at which the clusters carry load l after
// losing any k, and what lifting to it costs; ok is false if no level
// does.
func (lv *leveller) lift(l float64) (cost float64, t int, ok bool) {
	if len(lv.n) <= lv.k {
		return 0, 0, false
	}
	tol := amountTol * math.Max(1, l)
	enough := func(t int) bool { return lv.survivors(t)*lv.cap >= l-tol }
	hi := lv.highest(l)
	if !enough(hi) {
		return 0, 0, false
	}
	t = sort.Search(hi+1, enough)
	for i := range lv.n {
		to := lv.level(i, t)
		cost += float64(to-lv.n[i])*lv.unit[i] + lv.move*float64(absInt(to-lv.cur[i])-absInt(lv.n[i]-lv.cur[i]))
	}
	return cost, t, true
}

// level is member i's replicas when lifted to level t.
func (lv *leveller) level(i, t int) int { return max(lv.n[i], min(t, lv.most[i])) }

// survivors is the replicas left at level t after losing the k largest.
func (lv *leveller) survivors(t int) float64 {
	for i := range lv.n {
		lv.buf[i] = lv.level(i, t)
	}
	slices.Sort(lv.buf)
	s := 0
	for _, x := range lv.buf[:len(lv.buf)-lv.k] {
		s += x
	}
	return float64(s)
}

// highest is the highest level worth trying for load l: beyond the largest
// current count plus the load in replicas, every cluster not capped by
// supply alone survives with enough.
func (lv *leveller) highest(l float64) int {
	most, hi := 0, 0
	for i := range lv.n {
		most, hi = max(most, lv.n[i]), max(hi, lv.most[i])
	}
	return min(hi, most+int(math.Min(unlimited, math.Ceil(l/lv.cap)))+1)
}

// cover plans where a service with Max Clusters carries load: the cells
// (a zone of its scope within one region) it opens, chosen before
// placing so that as much of its load as possible is within reach of
// one of them. Opening a zone costs k+1 clusters of the budget (pins
// count already); a further region in a zone with k+1 clusters costs
// none until the zone's cells outnumber them, then one each. Cells are
// picked greedily, most important items first: the most uncovered load
// per cluster of the budget it costs (a free cell first), ties by that
// of the next priorities, then to the earlier cell. It returns the
// clusters in the chosen cells, or nil if they would not limit where
// load may go. How much room the cells have is not considered.
func (pl *placer) cover() []bool {
	r, sv, p := pl.r, pl.sv, pl.r.p
	nr := len(p.regions)
	cell := func(c int) int { return sv.zone[c]*nr + p.clRegion[c] }
	chosen := map[int]bool{}
	slots, cells := make([]int, sv.nZones), make([]int, sv.nZones)
	budget := sv.s.MaxClusters
	for _, c := range sv.cand {
		if r.base(sv, c) > 0 {
			budget--
			slots[sv.zone[c]]++
			if !chosen[cell(c)] {
				chosen[cell(c)] = true
				cells[sv.zone[c]]++
			}
		}
	}
	// Each item's cells, ascending.
	itemCells := make([][]int, len(pl.items))
	for i, it := range pl.items {
		for _, c := range it.reach {
			itemCells[i] = append(itemCells[i], cell(c))
		}
		slices.Sort(itemCells[i])
		itemCells[i] = slices.Compact(itemCells[i])
	}
	covered := make([]bool, len(pl.items))
	isCovered := func(i int) bool {
		return covered[i] || slices.ContainsFunc(itemCells[i], func(x int) bool { return chosen[x] })
	}
	cost := func(x int) int {
		z := x / nr
		return max(0, max(sv.k+1, cells[z]+1)-slots[z])
	}
	for lo := 0; lo < len(pl.items); {
		hi := lo // the items of the priority of pl.items[lo]
		for hi < len(pl.items) && pl.items[hi].prio == pl.items[lo].prio {
			hi++
		}
		// gain[x][j]: the uncovered load of the j-th priority from
		// lo's that cell x reaches; cells are ranked by the first
		// priority's gain per cluster, ties by the next priorities'.
		gain := map[int][]float64{}
		tier := 0
		for i := lo; i < len(pl.items); i++ {
			if i > lo && pl.items[i].prio != pl.items[i-1].prio {
				tier++
			}
			if covered[i] = isCovered(i); covered[i] {
				continue
			}
			for _, x := range itemCells[i] {
				if cost(x) > budget || (i >= hi && gain[x] == nil) {
					continue
				}
				if gain[x] == nil {
					gain[x] = make([]float64, 0, 4)
				}
				for len(gain[x]) <= tier {
					gain[x] = append(gain[x], 0)
				}
				gain[x][tier] += pl.items[i].amount
			}
		}
		best, bestGain := -1, []float64(nil)
		better := func(x int, g []float64) bool {
			if best < 0 {
				return true
			}
			kx, kb := float64(cost(x)), float64(cost(best))
			if kx == 0 && kb == 0 {
				kx, kb = 1, 1
			}
			for j := 0; j < max(len(g), len(bestGain)); j++ {
				a, b := at(g, j), at(bestGain, j)
				// a/kx against b/kb, a free cell counting as infinite.
				if l, r := a*kb, b*kx; l != r {
					return l > r
				}
			}
			return false
		}
		for _, x := range slices.Sorted(maps.Keys(gain)) {
			if better(x, gain[x]) {
				best, bestGain = x, gain[x]
			}
		}
		if best < 0 {
			lo = hi // nothing more of this priority can be reached
			continue
		}
		z := best / nr
		k := cost(best)
		budget -= k
		slots[z] += k
		cells[z]++
		chosen[best] = true
	}
	allow := make([]bool, r.nc)
	limits := false
	for _, c := range sv.cand {
		allow[c] = chosen[cell(c)]
		limits = limits || (!allow[c] && sv.loadOK[c])
	}
	if !limits {
		return nil
	}
	return allow
}

// at is g[j], or 0 past its end.
func at(g []float64, j int) float64 {
	if j < len(g) {
		return g[j]
	}
	return 0
}
