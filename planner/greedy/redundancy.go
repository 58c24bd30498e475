package greedy

import (
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

// ensureZone raises replicas in zone z until losing any k of the zone's
// clusters leaves capacity for load l. The clusters there are lifted to
// the lowest common replica level T (as far as supply allows each) that
// suffices; the zone's cheapest unused candidate is opened, with Min
// Replicas, while no level suffices or while opening it makes the lift
// cheaper (more clusters each lose a smaller share).
func (pl *placer) ensureZone(z int, l float64) bool {
	sv := pl.sv
	var members []int
	for _, c := range sv.byZone[z] {
		if pl.n(c) > 0 {
			members = append(members, c)
		}
	}
	for {
		lv := pl.leveller(members, -1)
		cost, t, ok := lv.lift(l)
		if c := pl.cheapestNew(sv.byZone[z]); c >= 0 {
			more, _, ok2 := pl.leveller(members, c).lift(l)
			if !ok || (ok2 && more+float64(sv.minAt(c))*pl.unit(c) < cost) {
				pl.setN(c, sv.minAt(c))
				members = append(members, c)
				continue
			}
		}
		if !ok {
			return false
		}
		for i, c := range members {
			pl.setN(c, lv.level(i, t))
		}
		return true
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
// left, ignoring Max Clusters.
func (pl *placer) maxCarry(z int) float64 {
	sv := pl.sv
	var cs []int
	for _, c := range sv.byZone[z] {
		if pl.n(c) > 0 || pl.r.addable(sv, c) >= sv.minAt(c) {
			cs = append(cs, c)
		}
	}
	if len(cs) <= sv.k {
		return 0
	}
	lv := pl.leveller(cs, -1)
	for i := range lv.n {
		lv.n[i] = max(lv.n[i], sv.minAt(cs[i]))
	}
	return lv.survivors(slices.Max(lv.most)) * sv.cap
}

// leveller evaluates lifting a zone's clusters to a common level.
type leveller struct {
	k       int
	cap     float64
	n, most []int     // current replicas and the most supply allows
	unit    []float64 // price of one more replica
	buf     []int
}

// leveller is for the given clusters of the service and, if extra ≥ 0,
// cluster extra opened with Min Replicas.
func (pl *placer) leveller(members []int, extra int) *leveller {
	lv := &leveller{k: pl.sv.k, cap: pl.sv.cap}
	for _, c := range members {
		n := pl.n(c)
		lv.n, lv.most = append(lv.n, n), append(lv.most, n+pl.r.addable(pl.sv, c))
		lv.unit = append(lv.unit, pl.unit(c))
	}
	if extra >= 0 {
		lv.n, lv.most = append(lv.n, pl.sv.minAt(extra)), append(lv.most, pl.r.addable(pl.sv, extra))
		lv.unit = append(lv.unit, pl.sv.price[extra])
	}
	lv.buf = make([]int, len(lv.n))
	return lv
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
		cost += float64(lv.level(i, t)-lv.n[i]) * lv.unit[i]
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
