package planner

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/auxon-planner/auxon/planner/highs"
)

// Large-neighbourhood search
//
// Branch and bound proves bounds well but improves incumbents slowly on
// large plans, and on big consolidation problems it finds no plan at all
// in minutes. So a phase that still has time and a gap above target after
// the engine's run (or, on a model too big for the engine to get
// anywhere, instead of that run; or, while the engine solves a large
// model's LP relaxation on one core, beside it on the others: see
// rootLP) keeps an incumbent and repeatedly frees a
// neighbourhood of it and re-optimises only that: every other column stays
// at its incumbent value, so the sub-model holds just the free columns and
// the rows that touch them, each row's bounds shifted by its fixed part.
// The sub-MIP starts from the incumbent (feasible by construction) and runs
// under a short limit; a better plan becomes the incumbent.
//
// A neighbourhood frees some services everywhere (all their columns), and
// some services on some clusters only (their n, y, π and d columns
// there, their routes f and the dependency routes h into those clusters'
// routing groups — the clusters themselves, or their regions: see
// build — and the clusters' z).
// Columns of one service that are not tied to a cluster (u, θ) are free
// when the service is. The kinds:
//
//   - services: a few services, everywhere, half the time with those
//     they share a dependency with. Three draws in four pick each
//     service with odds in proportion to its slack — its own cost above
//     its fewest replicas at its cheapest candidate — halved for each
//     neighbourhood that freed it since it last improved; the rest
//     uniformly. On the 500×50 benchmark intent this reached 4.97M in
//     60 s where uniform draws reached 5.00M. Once the phase's
//     Lagrangian bound has run, the slack is the service's gap at the
//     bound's prices instead (servicePrices in lagrange.go): what
//     re-placing it alone could save at those prices, which is where
//     97% of the gap lay on that intent (207,753 of 213,382) after 60 s.
//     That took the benchmark's gap at 60 s from 5.07% to 4.58% (one
//     run each). Once the phase's LP relaxation is solved, half of these
//     neighbourhoods free their services only where they run, where the
//     LP runs them and on their cheapest candidates at the prices
//     (localServices): on that intent at 60 s, solver seeds 1–9 ended
//     at 2.21–2.50% (mean 2.38%) where they ended at 2.45–2.71% (mean
//     2.57%) without, lower on eight of the nine;
//   - clusters: a few clusters — one picked at random, preferring lightly
//     used ones (the ones a consolidation can empty), then its region's,
//     its continent's, then any — and every service running there, on
//     those clusters; sometimes one unused cluster joins, so that load can
//     move to a cheaper machine;
//   - unmet: in a phase that prices unmet demand, one service short of
//     demand everywhere, plus a few of its clusters and the services
//     running there (on those clusters), which may make room: this is what
//     repairs a start that leaves demand unserved.
//
// Each kind has a weight that grows when it improves the incumbent and
// decays when it does not (adaptive LNS); each has a size that grows after
// a sub-MIP that solved to optimality without gain and shrinks after one
// that ran out of time. Everything random comes from one generator seeded
// by Options.Seed. With Options.LNSRounds set, the search runs in
// batches of disjoint neighbourhoods, each sub-MIP stops by work alone
// (optimality, a node limit, a number of improving solutions), not by a
// time limit, and a batch's results are applied in the order drawn, so a
// search that ends by its round limit or its gap, not the phase's clock,
// gives the same plan for the same seed and threads. Against the clock
// it keeps every worker busy instead: a new neighbourhood, disjoint from
// those running, is drawn as soon as a sub-MIP finishes.

// lnsSubLimit bounds one sub-MIP's time; short, so that many
// neighbourhoods are tried.
const lnsSubLimit = 500 * time.Millisecond

// lnsSubNodes bounds one sub-MIP's branch-and-bound nodes, which (unlike
// its time) is deterministic.
const lnsSubNodes = 200

// lnsDrawTries is how many draws the search makes to find a
// neighbourhood disjoint from those running (and small enough) before it
// waits for one to finish, or, with none running, stops.
const lnsDrawTries = 8

// lnsSubSolutions stops a sub-MIP at its second improving solution (the
// start is the first): proving a neighbourhood optimal costs more than
// moving on to the next. On the 200-machine consolidation benchmark 2
// reached 29,459 in 60 s where 3 reached 29,778.
const lnsSubSolutions = 2

// lnsMinLeft is the least time worth starting another sub-MIP with.
const lnsMinLeft = 100 * time.Millisecond

// lnsImprove is the least relative gain that counts as an improvement.
const lnsImprove = 1e-9

// lnsMaxCols caps a neighbourhood's free columns: a neighbourhood that
// would be bigger is dropped before it is solved, and its kind's size
// shrinks.
const lnsMaxCols = 20000

// lnsMinCols is the least a kind's learnt column cap (search.maxCols)
// falls to. The cap drops a neighbourhood of more than one service or
// cluster that would be bigger; one of a single service or cluster is
// only held to lnsMaxCols, so that every draw can find something to
// solve. After the Lagrangian bound on the 500×50 benchmark intent, 36 of
// the 226 sub-MIPs had 3,000 columns or more: they took a quarter of
// the workers' time and none improved the plan.
const lnsMinCols = 1000

// The neighbourhood kinds.
const (
	hoodServices = iota
	hoodClusters
	hoodUnmet
	hoodKinds
)

var hoodNames = [hoodKinds]string{"services", "clusters", "unmet"}

// colOwner says what a column belongs to: service a (and b for a
// dependency route: the caller and the dependency; else b == a) and
// cluster (−1 for a column not tied to one: u, θ), or for a route
// (f, h) group, the number of the routing group it goes to (else −1),
// and cluster that group's anchor. A cluster's z has a = −1.
type colOwner struct{ a, b, cluster, group int32 }

// lnsIndex is what the search needs to know about the model, computed
// once per Solve.
type lnsIndex struct {
	own []colOwner
	// colStart/colRows is the transpose of the row-wise matrix: the rows
	// of column j are colRows[colStart[j]:colStart[j+1]].
	colStart, colRows []int32
	// related lists, per service, the services it shares a dependency
	// with.
	related [][]int
	// near lists, per cluster, the other clusters: its region's, then its
	// continent's, then the rest.
	near [][]int
	// candOf lists, per cluster, the services that may run there.
	candOf [][]int
	// supply[c][r] is cluster c's supply of resource fm.res[r]; uses[c][r]
	// the replica columns that take it, with the amount per replica.
	supply [][]float64
	uses   [][][]term
	// groupOf numbers each cluster's routing group, of groups in all.
	groupOf []int32
	groups  int
}

// index builds the lnsIndex of fm.
func (fm *formulation) index() *lnsIndex {
	m := fm.m
	ix := &lnsIndex{own: make([]colOwner, m.NumCols()), related: make([][]int, len(fm.svc)),
		near: make([][]int, len(fm.cl)), candOf: make([][]int, len(fm.cl))}
	for j := range ix.own {
		ix.own[j] = colOwner{-1, -1, -1, -1}
	}
	number := map[string]int32{}
	ix.groupOf = make([]int32, len(fm.cl))
	for c := range fm.cl {
		g, ok := number[fm.group(c)]
		if !ok {
			g = int32(len(number))
			number[fm.group(c)] = g
		}
		ix.groupOf[c] = g
	}
	ix.groups = len(number)
	set := func(j, s, c int) { ix.own[j] = colOwner{int32(s), int32(s), int32(c), -1} }
	for i, sv := range fm.svc {
		for _, c := range sv.cands {
			set(sv.n[c], i, c)
			set(sv.y[c], i, c)
			ix.candOf[c] = append(ix.candOf[c], i)
		}
	}
	for _, u := range fm.unmet {
		set(u.col, u.svc, -1)
		for _, f := range u.f {
			ix.own[f.col] = colOwner{int32(u.svc), int32(u.svc), int32(f.cluster), ix.groupOf[f.cluster]}
		}
	}
	for _, h := range fm.depVars {
		ix.own[h.col] = colOwner{int32(h.svc), int32(h.dep), int32(h.to), ix.groupOf[h.to]}
		ix.related[h.svc] = append(ix.related[h.svc], h.dep)
		ix.related[h.dep] = append(ix.related[h.dep], h.svc)
	}
	for _, nk := range fm.nk {
		set(nk.theta, nk.svc, -1)
		for i, pi := range nk.pi {
			set(pi, nk.svc, nk.clusters[i])
		}
	}
	for _, d := range fm.moves {
		set(d.col, d.svc, d.cluster)
	}
	for c, z := range fm.z {
		ix.own[z] = colOwner{-1, -1, int32(c), -1}
	}
	ix.supply, ix.uses = make([][]float64, len(fm.cl)), make([][][]term, len(fm.cl))
	for c, cl := range fm.cl {
		ix.supply[c], ix.uses[c] = make([]float64, len(fm.res)), make([][]term, len(fm.res))
		for r, name := range fm.res {
			ix.supply[c][r] = cl.Supply[name]
			for _, i := range ix.candOf[c] {
				if a := fm.svc[i].s.Shape[name]; a > 0 {
					ix.uses[c][r] = append(ix.uses[c][r], term{col: fm.svc[i].n[c], val: a})
				}
			}
		}
	}
	for i := range ix.related {
		sort.Ints(ix.related[i])
		ix.related[i] = compactInts(ix.related[i])
	}
	for c := range fm.cl {
		for o := range fm.cl {
			if o != c {
				ix.near[c] = append(ix.near[c], o)
			}
		}
		sort.SliceStable(ix.near[c], func(a, b int) bool {
			return nearness(fm, c, ix.near[c][a]) < nearness(fm, c, ix.near[c][b])
		})
	}
	// Transpose.
	ix.colStart = make([]int32, m.NumCols()+1)
	for _, j := range m.Index {
		ix.colStart[j+1]++
	}
	for j := 0; j < m.NumCols(); j++ {
		ix.colStart[j+1] += ix.colStart[j]
	}
	ix.colRows = make([]int32, len(m.Index))
	fill := append([]int32(nil), ix.colStart[:m.NumCols()]...)
	for i := 0; i < m.NumRows(); i++ {
		for k := m.RowStart[i]; k < m.RowStart[i+1]; k++ {
			j := m.Index[k]
			ix.colRows[fill[j]] = int32(i)
			fill[j]++
		}
	}
	return ix
}

// compactInts drops repeats from a sorted slice.
func compactInts(xs []int) []int {
	out := xs[:0]
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// hood is a neighbourhood: services free everywhere (all), services free
// on the free clusters only (svc), and the free clusters (cl).
type hood struct {
	all, svc, cl []bool
	// gr marks the routing groups of the free clusters (set by
	// restrict).
	gr []bool
}

func newHood(services, clusters int) *hood {
	return &hood{all: make([]bool, services), svc: make([]bool, services), cl: make([]bool, clusters)}
}

// units is what h of the kind was drawn as: the number of services free
// everywhere (services) or of free clusters (the others).
func (h *hood) units(kind int) int {
	set := h.cl
	if kind == hoodServices {
		set = h.all
	}
	n := 0
	for _, f := range set {
		if f {
			n++
		}
	}
	return n
}

// free reports whether column j is free in h.
func (h *hood) free(o colOwner) bool {
	if o.a < 0 {
		return h.cl[o.cluster]
	}
	if h.all[o.a] || h.all[o.b] {
		return true
	}
	if !h.svc[o.a] && !h.svc[o.b] {
		return false
	}
	if o.group >= 0 {
		return h.gr[o.group]
	}
	return o.cluster < 0 || h.cl[o.cluster]
}

// search is the state of one phase's LNS.
type search struct {
	s      *solver
	fm     *formulation
	ix     *lnsIndex
	rng    *rand.Rand
	weight [hoodKinds]float64
	size   [hoodKinds]int
	// maxCols is each kind's learnt cap on a neighbourhood's free
	// columns (see lnsMinCols).
	maxCols [hoodKinds]int
	// workers is how many sub-MIPs run at once; stop, when closed, ends
	// the search as its deadline would (the LP beside it has finished).
	workers int
	stop    <-chan struct{}
	// index maps a model column to its sub-model column (−1: fixed);
	// rowSeen marks rows already taken. Both are reset after each use.
	index   []int32
	rowSeen []bool
	// used caches utilization for the incumbent usedX.
	used  []float64
	usedX []float64
	// floor is a lower bound on each service's own cost (its fewest
	// replicas at its cheapest candidate); slack caches slackOf for the
	// incumbent slackX (and slackPriced, whether it came from the
	// Lagrangian prices); stale counts the neighbourhoods that freed the
	// service since it last improved.
	floor       []float64
	slack       []float64
	slackX      []float64
	slackPriced bool
	stale       []int
}

// lns improves r (a solution of the current model) until deadline, ctx,
// the gap target or Options.LNSRounds ends it, and returns the best
// result. Within a phase each call goes on with the phase's search
// (its generator, weights and sizes).
func (s *solver) lns(ctx context.Context, name string, r *highs.Result, deadline time.Time) *highs.Result {
	return s.lnsWith(ctx, name, r, deadline, nil, s.lnsWorkers())
}

// lnsWith is lns with workers sub-MIPs at once, ended early when stop
// is closed (nil: never).
func (s *solver) lnsWith(ctx context.Context, name string, r *highs.Result, deadline time.Time, stop <-chan struct{}, workers int) *highs.Result {
	fm := s.fm
	if s.ix == nil {
		s.ix = fm.index()
	}
	se := s.search
	if se == nil {
		se = &search{s: s, fm: fm, ix: s.ix, rng: rand.New(rand.NewPCG(uint64(s.opts.Seed), 0x1a5)),
			index: make([]int32, fm.m.NumCols()), rowSeen: make([]bool, fm.m.NumRows())}
		for j := range se.index {
			se.index[j] = -1
		}
		for k := range se.weight {
			se.weight[k] = 1
		}
		se.size = [hoodKinds]int{max(1, len(fm.svc)/50), 4, 3}
		se.maxCols = [hoodKinds]int{lnsMaxCols, lnsMaxCols, lnsMaxCols}
		s.search = se
	}
	se.workers, se.stop = max(1, workers), stop
	if s.opts.LNSRounds > 0 {
		return se.rounds(ctx, name, r, deadline)
	}
	return se.async(ctx, name, r, deadline)
}

// done reports whether the search should stop with incumbent best.
func (se *search) done(ctx context.Context, best *highs.Result, deadline time.Time) bool {
	s := se.s
	if ctx.Err() != nil || time.Until(deadline) < lnsMinLeft || (s.opts.LNSRounds > 0 && s.rounds >= s.opts.LNSRounds) {
		return true
	}
	select {
	case <-se.stop:
		return true
	default:
	}
	return best.Objective <= 0 || relGap(best.Objective, best.DualBound) <= mipGap(se.fm.in, s.opts)
}

// rounds is the deterministic search (Options.LNSRounds set): batches of
// disjoint neighbourhoods, solved in parallel, each sub-MIP bounded by
// work alone (nodes, solutions), not by the clock, and applied in the
// order drawn.
func (se *search) rounds(ctx context.Context, name string, best *highs.Result, deadline time.Time) *highs.Result {
	workers := se.workers
	for !se.done(ctx, best, deadline) {
		jobs := se.batch(best.X, workers)
		var wg sync.WaitGroup
		for _, j := range jobs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				se.solve(ctx, j, time.Until(deadline))
			}()
		}
		wg.Wait()
		failed := false
		for _, j := range jobs {
			var ok bool
			if best, ok = se.apply(name, j, best); !ok {
				failed = true
			}
		}
		if failed {
			break
		}
	}
	return best
}

// async is the search against the clock: one sub-MIP per worker at all
// times, a new neighbourhood drawn (disjoint from those still running)
// as soon as one finishes, so that a quick sub-MIP does not wait for a
// slow one. In batches, the workers sat idle 30% of the time on the
// 500×50 benchmark intent.
func (se *search) async(ctx context.Context, name string, best *highs.Result, deadline time.Time) *highs.Result {
	workers := se.workers
	finished := make(chan *lnsJob, workers)
	var running []*lnsJob
	failed := false
	for {
		for tries := 0; !failed && len(running) < workers && tries < lnsDrawTries && !se.done(ctx, best, deadline); tries++ {
			j := se.draw(best.X, running)
			if j == nil {
				continue
			}
			running = append(running, j)
			go func() {
				se.solve(ctx, j, time.Until(deadline))
				finished <- j
			}()
		}
		if len(running) == 0 {
			return best
		}
		j := <-finished
		running = slices.DeleteFunc(running, func(r *lnsJob) bool { return r == j })
		var ok bool
		if best, ok = se.apply(name, j, best); !ok {
			failed = true
		}
	}
}

// solve solves job j's sub-MIP from its start, with left the time the
// phase has left. Against the clock a sub-MIP gets lnsSubLimit (2 s
// for a sub-MIP that re-places one service alone reached no better on
// the 500×50 benchmark intent); with Options.LNSRounds set, nodes and
// solutions bound the work and the phase's time is only a backstop.
func (se *search) solve(ctx context.Context, j *lnsJob, left time.Duration) {
	s := se.s
	seed := s.opts.Seed
	limit := lnsSubLimit
	if s.opts.LNSRounds > 0 {
		limit = left
	}
	j.res, j.err = s.engine.Solve(ctx, j.sub, &highs.Options{TimeLimit: min(limit, left),
		MIPRelGap: 1e-6, Threads: 1, RandomSeed: &seed, Start: j.start,
		Extra: []highs.Option{{Name: "mip_max_nodes", Value: lnsSubNodes}, {Name: "mip_max_improving_sols", Value: lnsSubSolutions}, se.fm.presolve()}})
}

// apply counts finished job j, applies its sub-MIP's solution to the
// incumbent best if that makes a better feasible plan, and learns from
// it. ok is false if the engine failed.
func (se *search) apply(name string, j *lnsJob, best *highs.Result) (next *highs.Result, ok bool) {
	s, fm := se.s, se.fm
	s.rounds++
	if j.err != nil {
		return best, false
	}
	improved := false
	if j.res.HasSolution {
		// Apply the job to the incumbent, which other jobs may have
		// changed since it was drawn: the neighbourhoods are disjoint,
		// but the check below decides.
		x := append([]float64(nil), best.X...)
		for k, c := range j.cols {
			x[c] = j.res.X[k]
		}
		fm.tidy(x)
		obj := fm.m.Objective(x)
		if obj < best.Objective-lnsImprove*math.Max(1, math.Abs(best.Objective)) && s.feasible(x) {
			r := *best
			r.X, r.Objective, r.RowActivity = x, obj, nil
			r.Gap = relGap(obj, best.DualBound)
			best, improved = &r, true
			s.improved(name, best)
		}
	}
	if s.opts.Log != nil {
		s.opts.Log(fmt.Sprintf("lns %s: %s, size %d, %d columns, %d rows, %v in %v, improved %v, incumbent %.6g",
			name, hoodNames[j.kind], se.size[j.kind], len(j.cols), j.sub.NumRows(), j.res.Status,
			j.res.RunTime.Round(time.Millisecond), improved, best.Objective))
	}
	se.learn(j.kind, improved, j.res.Status, len(j.cols))
	if se.stale != nil {
		for i, free := range j.h.all {
			switch {
			case !free:
			case improved:
				se.stale[i] = 0
			default:
				se.stale[i]++
			}
		}
	}
	return best, true
}

// lnsJob is one sub-MIP of a batch.
type lnsJob struct {
	kind  int
	h     *hood
	sub   *highs.Model
	cols  []int
	start []float64
	res   *highs.Result
	err   error
}

// lnsWorkers is how many sub-MIPs run at once: one per core (or per
// thread allowed), at most lnsMaxWorkers.
func (s *solver) lnsWorkers() int {
	n := runtime.GOMAXPROCS(0)
	if s.opts.Threads > 0 {
		n = s.opts.Threads
	}
	return max(1, min(n, lnsMaxWorkers))
}

// lnsMaxWorkers caps the sub-MIPs solved at once.
const lnsMaxWorkers = 4

// batch draws up to n pairwise disjoint neighbourhoods around x (a draw
// that overlaps an earlier one is dropped) and builds their sub-models.
func (se *search) batch(x []float64, n int) []*lnsJob {
	var jobs []*lnsJob
	for range n {
		if j := se.draw(x, jobs); j != nil {
			jobs = append(jobs, j)
		}
	}
	return jobs
}

// draw draws one neighbourhood around x and builds its sub-model; nil if
// the draw overlaps one of busy, its kind has none, or it is too big.
func (se *search) draw(x []float64, busy []*lnsJob) *lnsJob {
	kind := se.pick(x)
	h := se.hood(kind, x)
	if h == nil {
		se.weight[kind] = 0
		return nil
	}
	if overlapping(h, busy) {
		return nil
	}
	limit := lnsMaxCols
	if h.units(kind) > 1 {
		limit = se.maxCols[kind]
	}
	sub, cols := se.restrict(h, x, limit)
	if len(cols) == 0 {
		se.size[kind] = max(1, se.size[kind]*2/3) // too big: shrink
		return nil
	}
	start := make([]float64, len(cols))
	for k, j := range cols {
		start[k] = x[j]
	}
	return &lnsJob{kind: kind, h: h, sub: sub, cols: cols, start: start}
}

// overlapping reports whether h shares a service or a cluster with a job's
// neighbourhood.
func overlapping(h *hood, jobs []*lnsJob) bool {
	for _, j := range jobs {
		for i := range h.all {
			if (h.all[i] || h.svc[i]) && (j.h.all[i] || j.h.svc[i]) {
				return true
			}
		}
		for c := range h.cl {
			if h.cl[c] && j.h.cl[c] {
				return true
			}
		}
	}
	return false
}

// pick chooses a neighbourhood kind by weight.
func (se *search) pick(x []float64) int {
	w := se.weight
	if len(se.shortDemand(x)) > 0 {
		// Serving demand comes first: three draws in four.
		w[hoodUnmet] = 3 * (w[hoodServices] + w[hoodClusters])
	} else {
		w[hoodUnmet] = 0
	}
	total := 0.0
	for _, v := range w {
		total += v
	}
	if total <= 0 {
		return hoodClusters
	}
	t := se.rng.Float64() * total
	for k, v := range w {
		if t < v {
			return k
		}
		t -= v
	}
	return hoodClusters
}

// learn updates the kind's weight, size and column cap after a sub-MIP
// of cols columns: a sub-MIP that stopped by a limit without a gain
// lowers the cap below its size, one solved to optimality raises it
// above.
func (se *search) learn(kind int, improved bool, status highs.Status, cols int) {
	switch {
	case improved:
		se.weight[kind] = math.Min(se.weight[kind]+1, 10)
	default:
		se.weight[kind] = math.Max(se.weight[kind]*0.9, 0.1)
	}
	limit := len(se.fm.svc)
	if kind != hoodServices {
		limit = len(se.fm.cl)
	}
	switch {
	case improved:
	case status == highs.StatusOptimal:
		se.size[kind] = min(limit, se.size[kind]*3/2+1)
		se.maxCols[kind] = min(lnsMaxCols, max(se.maxCols[kind], cols*3/2))
	default:
		se.size[kind] = max(1, se.size[kind]*2/3)
		se.maxCols[kind] = max(lnsMinCols, min(se.maxCols[kind], cols*3/4))
	}
}

// shortDemand lists the demand x leaves unmet that the phase prices and
// some cluster can reach.
func (se *search) shortDemand(x []float64) []*unmetVar {
	var short []*unmetVar
	for k := range se.fm.unmet {
		if u := &se.fm.unmet[k]; se.fm.m.ColCost[u.col] > 0 && x[u.col] > zeroTol && len(u.f) > 0 {
			short = append(short, u)
		}
	}
	return short
}

// hood draws a neighbourhood of the kind around x; nil if the kind has
// none.
func (se *search) hood(kind int, x []float64) *hood {
	fm := se.fm
	h := newHood(len(fm.svc), len(fm.cl))
	switch kind {
	case hoodServices:
		// Three draws in four by slack (see slackOf), the rest uniformly.
		// Half the time with the services they share a dependency with:
		// those move together, but they make the sub-MIP many times
		// bigger (on the 500×50 benchmark intent a single service
		// alone solved in ~10 ms, with its partners it often ran out of
		// time).
		partners := se.rng.IntN(2) == 0
		picked := se.rng.Perm(len(fm.svc))[:min(se.size[kind], len(fm.svc))]
		if se.rng.IntN(4) != 0 {
			slack := se.slackOf(x)
			for k := range picked {
				picked[k] = se.weighted(len(fm.svc), func(i int) float64 {
					return slack[i]*math.Pow(0.5, float64(se.stale[i])) + 1e-9
				})
			}
		}
		if se.s != nil && se.s.lp != nil && se.rng.Float64() < lnsLocalShare {
			se.localServices(h, picked, x)
			break
		}
		for _, i := range picked {
			h.all[i] = true
			if partners {
				for _, t := range se.ix.related[i] {
					h.all[t] = true
				}
			}
		}
	case hoodClusters:
		if len(fm.cl) == 0 {
			return nil
		}
		used := se.utilization(x)
		se.clusters(h, se.seedCluster(used), se.size[kind], x, used)
		if len(fm.z) > 0 && se.rng.IntN(2) == 0 {
			se.addIdle(h, x)
		}
	case hoodUnmet:
		short := se.shortDemand(x)
		if len(short) == 0 {
			return nil
		}
		// One short demand, and clusters that could serve it with the
		// services running there. (Freeing those services everywhere, to
		// make room, repaired less on the 500×50 benchmark intent: their
		// sub-MIPs ran out of time.)
		u := short[se.rng.IntN(len(short))]
		h.all[u.svc] = true
		se.clusters(h, u.reach[se.rng.IntN(len(u.reach))], se.size[kind], x, se.utilization(x))
	}
	for c := range h.cl {
		// A closed cluster a freed service may move to must be free to open.
		if z, ok := fm.z[c]; ok && !h.cl[c] && x[z] < 0.5 {
			for _, i := range se.ix.candOf[c] {
				if h.all[i] {
					h.cl[c] = true
					break
				}
			}
		}
	}
	return h
}

// lnsLocalShare is the share of services neighbourhoods that free their
// services only where they might go (localServices), once the phase's
// LP relaxation is solved; lnsLocalCheap is how many of a service's
// cheapest candidates at the Lagrangian prices join them.
// lnsLocalLP is the least LP value of n[s,c] that counts as the LP
// running s in c.
const (
	lnsLocalShare = 0.5
	lnsLocalCheap = 4
	lnsLocalLP    = 1e-6
)

// localServices frees each picked service on the clusters where x runs
// it, where the LP relaxation runs any of it, and (once the Lagrangian
// bound has priced them) its lnsLocalCheap cheapest candidates at the
// prices; its columns tied to no cluster (u, θ) are free too. The
// sub-MIP is a fraction of the one that frees the service everywhere,
// so it more often finishes.
func (se *search) localServices(h *hood, picked []int, x []float64) {
	fm, lp := se.fm, se.s.lp.X
	for _, i := range picked {
		sv := fm.svc[i]
		h.svc[i] = true
		for _, c := range sv.cands {
			if x[sv.n[c]] > 0.5 || lp[sv.n[c]] > lnsLocalLP {
				h.cl[c] = true
			}
		}
		if p := se.s.prices; p != nil {
			cs := slices.Clone(sv.cands)
			slices.SortStableFunc(cs, func(a, b int) int { return cmp.Compare(p.d[sv.n[a]], p.d[sv.n[b]]) })
			for _, c := range cs[:min(lnsLocalCheap, len(cs))] {
				h.cl[c] = true
			}
		}
	}
}

// seedCluster picks a cluster that runs something, half the time
// uniformly and half the time preferring the least used (by its most
// used resource), which are the easiest to empty.
func (se *search) seedCluster(used []float64) int {
	fm := se.fm
	var open []int
	for c, u := range used {
		if u > 0 {
			open = append(open, c)
		}
	}
	if len(open) == 0 {
		return se.rng.IntN(len(fm.cl))
	}
	if se.rng.IntN(2) == 0 {
		return open[se.rng.IntN(len(open))]
	}
	total := 0.0
	for _, c := range open {
		total += 1 / (used[c] + 0.05)
	}
	t := se.rng.Float64() * total
	for _, c := range open {
		if t -= 1 / (used[c] + 0.05); t < 0 {
			return c
		}
	}
	return open[len(open)-1]
}

// slackOf is, per service, how much re-placing it might save under x:
// once the phase's Lagrangian bound has run, its gap at the bound's
// prices (servicePrices.gap); before, its own cost (the cost of its
// replica and churn columns) less its floor. The search looks there
// first for services to re-place. Computed once per incumbent.
func (se *search) slackOf(x []float64) []float64 {
	priced := se.s != nil && se.s.prices != nil
	if se.slackX != nil && &se.slackX[0] == &x[0] && se.slackPriced == priced {
		return se.slack
	}
	fm := se.fm
	if se.slack == nil {
		se.slack, se.stale = make([]float64, len(fm.svc)), make([]int, len(fm.svc))
	}
	if priced {
		for i := range se.slack {
			se.slack[i] = se.s.prices.gap(x, i)
		}
	} else {
		if se.floor == nil {
			se.floor = fm.floors(fm.minReplicas())
		}
		for i := range se.slack {
			se.slack[i] = -se.floor[i]
		}
		for j, o := range se.ix.own {
			if o.a >= 0 && o.a == o.b && fm.m.ColCost[j] != 0 {
				se.slack[o.a] += fm.m.ColCost[j] * x[j]
			}
		}
		for i := range se.slack {
			se.slack[i] = math.Max(se.slack[i], 0)
		}
	}
	se.slackX, se.slackPriced = x, priced
	return se.slack
}

// utilization is each cluster's largest used share of a resource under
// x, computed once per incumbent.
func (se *search) utilization(x []float64) []float64 {
	if se.usedX != nil && &se.usedX[0] == &x[0] {
		return se.used
	}
	fm, ix := se.fm, se.ix
	if se.used == nil {
		se.used = make([]float64, len(fm.cl))
	}
	for c := range fm.cl {
		se.used[c] = 0
		for r, sup := range ix.supply[c] {
			if sup <= 0 {
				continue
			}
			act := 0.0
			for _, t := range ix.uses[c][r] {
				act += t.val * x[t.col]
			}
			se.used[c] = math.Max(se.used[c], act/sup)
		}
	}
	se.usedX = x
	return se.used
}

// clusters frees seed and size−1 clusters near it (its region's first,
// in random order within each rank) and every service running there.
func (se *search) clusters(h *hood, seed, size int, x []float64, used []float64) {
	fm := se.fm
	pick := []int{seed}
	near := se.ix.near[seed]
	bySpare := se.rng.IntN(2) == 0
	for lo := 0; lo < len(near) && len(pick) < size; {
		hi := lo
		for hi < len(near) && sameRank(fm, seed, near[lo], near[hi]) {
			hi++
		}
		group := append([]int(nil), near[lo:hi]...)
		for len(group) > 0 && len(pick) < size {
			// Uniformly, or (half the neighbourhoods) by spare capacity:
			// the clusters that can take what the seed holds.
			k := se.rng.IntN(len(group))
			if bySpare {
				k = se.weighted(len(group), func(i int) float64 {
					if u := used[group[i]]; u > 0 {
						return 1 - math.Min(u, 1) + 0.02
					}
					return 0.05 // idle: opening one is addIdle's move
				})
			}
			pick = append(pick, group[k])
			group[k] = group[len(group)-1]
			group = group[:len(group)-1]
		}
		lo = hi
	}
	short := make([]bool, len(fm.svc))
	for _, u := range se.shortDemand(x) {
		short[u.svc] = true
	}
	for _, c := range pick {
		h.cl[c] = true
		for _, i := range se.ix.candOf[c] {
			// What runs there, and what the phase wants more of.
			if x[fm.svc[i].n[c]] > 0.5 || short[i] {
				h.svc[i] = true
			}
		}
	}
}

// weighted draws an index below n with probability proportional to w.
func (se *search) weighted(n int, w func(int) float64) int {
	total := 0.0
	for i := range n {
		total += w(i)
	}
	t := se.rng.Float64() * total
	for i := range n {
		if t -= w(i); t < 0 {
			return i
		}
	}
	return n - 1
}

// sameRank reports whether clusters a and b are equally near to c.
func sameRank(fm *formulation, c, a, b int) bool { return nearness(fm, c, a) == nearness(fm, c, b) }

// nearness ranks cluster o as seen from c: 0 in c's region, 1 in its
// continent, 2 elsewhere.
func nearness(fm *formulation, c, o int) int {
	switch {
	case fm.cl[o].Region == fm.cl[c].Region:
		return 0
	case fm.cl[o].Continent == fm.cl[c].Continent:
		return 1
	}
	return 2
}

// addIdle frees one unused cluster with a fixed cost, chosen at random,
// so that load can move to it.
func (se *search) addIdle(h *hood, x []float64) {
	fm := se.fm
	var idle []int
	for c, z := range fm.z {
		if x[z] < 0.5 && !h.cl[c] {
			idle = append(idle, c)
		}
	}
	if len(idle) == 0 {
		return
	}
	sort.Ints(idle) // map order is random; the draw must not be
	// Prefer the clusters whose supply is cheap for its fixed cost: the
	// share of all supply they hold, per unit of fixed cost.
	total := map[string]float64{}
	for _, cl := range fm.cl {
		for _, r := range fm.res {
			total[r] += cl.Supply[r]
		}
	}
	value := func(i int) float64 {
		cl := fm.cl[idle[i]]
		share := 0.0
		for _, r := range fm.res {
			if total[r] > 0 {
				share += cl.Supply[r] / total[r]
			}
		}
		return share / math.Max(cl.FixedCost, 1e-9)
	}
	h.cl[idle[se.weighted(len(idle), value)]] = true
}

// restrict builds the sub-model over h's free columns, every other column
// fixed at x: each row that touches a free column keeps its free entries,
// its bounds shifted by the fixed part. cols maps sub-model columns to
// model columns; it is empty if there would be more than limit.
func (se *search) restrict(h *hood, x []float64, limit int) (*highs.Model, []int) {
	m := se.fm.m
	var cols []int
	h.gr = make([]bool, se.ix.groups)
	for c, f := range h.cl {
		if f {
			h.gr[se.ix.groupOf[c]] = true
		}
	}
	for j, o := range se.ix.own {
		if h.free(o) {
			cols = append(cols, j)
		}
	}
	if len(cols) > limit {
		return nil, nil // too big: the caller shrinks the kind's size
	}
	sub := &highs.Model{Sense: m.Sense}
	var rows []int32
	for k, j := range cols {
		se.index[j] = int32(k)
		sub.AddCol(m.ColCost[j], m.ColLower[j], m.ColUpper[j], m.Integer != nil && m.Integer[j])
		for _, i := range se.ix.colRows[se.ix.colStart[j]:se.ix.colStart[j+1]] {
			if !se.rowSeen[i] {
				se.rowSeen[i] = true
				rows = append(rows, i)
			}
		}
	}
	sort.Slice(rows, func(a, b int) bool { return rows[a] < rows[b] })
	var idx []int
	var val []float64
	for _, i := range rows {
		se.rowSeen[i] = false
		ri, rv := m.Row(int(i))
		idx, val = idx[:0], val[:0]
		fixed := 0.0
		for k, j := range ri {
			if p := se.index[j]; p >= 0 {
				idx, val = append(idx, int(p)), append(val, rv[k])
			} else {
				fixed += rv[k] * x[j]
			}
		}
		addRow(sub, m.RowLower[i]-fixed, m.RowUpper[i]-fixed, idx, val)
	}
	for _, j := range cols {
		se.index[j] = -1
	}
	return sub, cols
}

// improved records a new incumbent's time and reports it.
func (s *solver) improved(name string, r *highs.Result) {
	s.lastPlan = time.Since(s.began)
	if s.firstPlan < 0 {
		s.firstPlan = s.lastPlan
	}
	s.progress(name, r, true)
}

// relGap is HiGHS's relative gap: (objective − bound) / |objective|.
func relGap(obj, bound float64) float64 {
	if math.IsNaN(bound) || math.IsInf(bound, 0) {
		return math.Inf(1)
	}
	if obj == 0 {
		if bound == 0 {
			return 0
		}
		return math.Inf(1)
	}
	return math.Max(0, (obj-bound)/math.Abs(obj))
}

// addRow adds lo ≤ Σ_k val[k]·x[idx[k]] ≤ hi, a model row with its
// fixed columns moved into lo and hi, to sub: a row with one free entry
// as a bound on that column (most rows of a cluster's z are, and as
// bounds they cost nothing), a row with none not at all (the plan the
// fixed values come from meets it).
func addRow(sub *highs.Model, lo, hi float64, idx []int, val []float64) {
	switch len(idx) {
	case 0:
	case 1:
		tightenCol(sub, idx[0], val[0], lo, hi)
	default:
		sub.AddRow(lo, hi, idx, val)
	}
}

// tightenCol intersects column j's bounds with lo ≤ a·x ≤ hi. The
// bounds are relaxed by the engine's feasibility tolerance before an
// integer column's are rounded, so round-off never cuts off the fixed
// value it came from.
func tightenCol(m *highs.Model, j int, a, lo, hi float64) {
	if a == 0 {
		return // lo ≤ 0 ≤ hi holds at the fixed values, and binds nothing
	}
	if a < 0 {
		a, lo, hi = -a, -hi, -lo
	}
	l, u := lo/a, hi/a
	if m.Integer != nil && m.Integer[j] {
		l, u = math.Ceil(l-startTol), math.Floor(u+startTol)
	}
	m.ColLower[j] = math.Max(m.ColLower[j], l)
	m.ColUpper[j] = math.Min(m.ColUpper[j], u)
}

// tidy removes the slack a sub-MIP stopped by its limits may leave in
// priced columns that only measure others: each churn column d is set to
// |n − current| and each cluster's z to whether anything runs there.
// Both are the least values the rows allow, so x stays feasible.
func (fm *formulation) tidy(x []float64) {
	for _, d := range fm.moves {
		x[d.col] = math.Abs(x[fm.svc[d.svc].n[d.cluster]] - d.current)
	}
	if len(fm.z) == 0 {
		return
	}
	used := make([]bool, len(fm.cl))
	for _, sv := range fm.svc {
		for c, y := range sv.y {
			if x[y] > 0.5 {
				used[c] = true
			}
		}
	}
	for c, z := range fm.z {
		if !used[c] {
			x[z] = 0
		}
	}
}
