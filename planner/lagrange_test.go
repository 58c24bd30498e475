package planner

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/auxon-planner/auxon/planner/highs"
)

// lagrangeCase builds in's full-demand model and solves its LP
// relaxation and, to optimality, the MILP.
func lagrangeCase(t *testing.T, in *Intent) (s *solver, lp, mip *highs.Result) {
	t.Helper()
	return lagrangeCaseRows(t, in, true)
}

// lagrangeCaseRows is lagrangeCase, without the plan phase's own rows
// (planRows) unless planRows is set.
func lagrangeCaseRows(t *testing.T, in *Intent, planRows bool) (s *solver, lp, mip *highs.Result) {
	t.Helper()
	fm, err := build(in, false)
	if err != nil {
		t.Fatal(err)
	}
	fm.serveAll()
	if !planRows {
		for _, i := range fm.planRows {
			fm.m.RowLower[i] = -highs.Inf
		}
	}
	relax := *fm.m
	relax.Integer = nil
	opts := &highs.Options{Threads: 1, Extra: []highs.Option{presolveWorkaround}}
	if lp, err = highs.Solve(context.Background(), &relax, opts); err != nil || lp.Status != highs.StatusOptimal {
		t.Fatalf("LP: %v %v", err, lp.Status)
	}
	opts.MIPRelGap = 1e-9
	if mip, err = highs.Solve(context.Background(), fm.m, opts); err != nil || mip.Status != highs.StatusOptimal {
		t.Fatalf("MILP: %v %v", err, mip.Status)
	}
	return &solver{fm: fm, engine: HiGHS{}, opts: Options{Threads: 1}}, lp, mip
}

// TestLagrangeBound: on six generated 12×5 intents (move cost and a
// Current deployment included), the Lagrangian bound at the LP's duals
// is exactly the LP bound when no per-service MILP runs, and with them
// lies between the LP bound and the optimum. Without the plan phase's
// own rows (planRows: the rounding rows of build.go find much of what
// the per-service MILPs do) it closes at least 30% of the gap between
// the two (46–94% when measured); with them, which raise the LP above
// that bound on five of the six, at least 10% of what is left (12–100%).
func TestLagrangeBound(t *testing.T) {
	for _, rows := range []bool{false, true} {
		for seed := uint64(1); seed <= 6; seed++ {
			t.Run(fmt.Sprintf("plan rows %v seed %d", rows, seed), func(t *testing.T) {
				in := Generate(GenConfig{Seed: seed, Services: 12, Clusters: 5, Regions: 3, Continents: 2})
				s, lp, mip := lagrangeCaseRows(t, in, rows)
				tol := 1e-6 * math.Abs(lp.Objective)
				if floor := s.lagrange(context.Background(), lp, time.Now(), nil); math.Abs(floor-lp.Objective) > tol {
					t.Errorf("without per-service MILPs: %.4f, want the LP bound %.4f", floor, lp.Objective)
				}
				b := s.lagrange(context.Background(), lp, time.Now().Add(time.Minute), nil)
				if b < lp.Objective-tol || b > mip.Objective+tol {
					t.Errorf("bound %.4f outside [LP %.4f, optimum %.4f]", b, lp.Objective, mip.Objective)
				}
				gain := (b - lp.Objective) / (mip.Objective - lp.Objective)
				t.Logf("LP %.2f, bound %.2f, optimum %.2f: %.0f%% closed", lp.Objective, b, mip.Objective, 100*gain)
				if want := map[bool]float64{false: 0.3, true: 0.1}[rows]; gain < want {
					t.Errorf("bound %.4f closes %.0f%% of the gap between LP %.4f and optimum %.4f, want ≥ %.0f%%",
						b, 100*gain, lp.Objective, mip.Objective, 100*want)
				}
			})
		}
	}
}

// TestLagrangeBoundPricesSupply: 45 and 5 units of two services at 10
// per replica, with room for 2 replicas at price 1 and the rest at
// price 3. The LP without the plan phase's rows runs 2 + 3 replicas (11;
// its rounding rows alone close this case, see TestRoundingRows);
// every plan needs 5 + 1, 2 of them cheap (14). The cheap cluster's supply row couples the two,
// and its dual, −2, prices a replica there at 3 like the other: alone,
// the services then need 5 and 1 replicas at 3, less 2·2 for the
// supply, which is the optimum exactly.
func TestLagrangeBoundPricesSupply(t *testing.T) {
	in := small(cluster("a", "r1", 2, 1), cluster("b", "r1", 100, 3))
	in.Latency = nil
	in.Services = []Service{svc("web"), svc("api")}
	in.Demand = []Demand{{Service: "web", Region: "r1", Amount: 45}, {Service: "api", Region: "r1", Amount: 5}}
	if ps := Validate(in); ps.Err() != nil {
		t.Fatal(ps.Err())
	}
	s, lp, mip := lagrangeCaseRows(t, in, false)
	if math.Abs(lp.Objective-11) > 1e-6 || math.Abs(mip.Objective-14) > 1e-6 {
		t.Fatalf("LP %.4f, optimum %.4f: want 11 and 14", lp.Objective, mip.Objective)
	}
	if floor := s.lagrange(context.Background(), lp, time.Now(), nil); math.Abs(floor-11) > 1e-6 {
		t.Errorf("without the MILPs: %.4f, want 11", floor)
	}
	if b := s.lagrange(context.Background(), lp, time.Now().Add(time.Minute), nil); math.Abs(b-14) > 1e-6 {
		t.Errorf("bound %.4f, want 14", b)
	}
}

// TestServicePricesParts: for the optimal plan of six generated 12×5
// intents, the Lagrangian bound's prices split the plan's cost above the
// bound into per-service gaps (each ≥ 0), the z columns' share and the
// coupling rows' complementary slack Σ_i λ_i·(A_i·x − b_i), the last
// computed here from the LP's duals on its own: the three add up to
// c·x − L(λ).
func TestServicePricesParts(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			in := Generate(GenConfig{Seed: seed, Services: 12, Clusters: 5, Regions: 3, Continents: 2})
			s, lp, mip := lagrangeCase(t, in)
			b := s.lagrange(context.Background(), lp, time.Now().Add(time.Minute), nil)
			m, p, x := s.fm.m, s.prices, mip.X
			coupling := 0.0
			for _, i := range p.sp.coupling {
				ax, lambda := 0.0, lp.RowDual[i]
				for k := m.RowStart[i]; k < m.RowStart[i+1]; k++ {
					ax += m.Value[k] * x[m.Index[k]]
				}
				switch {
				case lambda > 0 && m.RowLower[i] > -highs.Inf:
					coupling += lambda * (ax - m.RowLower[i])
				case lambda < 0 && m.RowUpper[i] < highs.Inf:
					coupling += lambda * (ax - m.RowUpper[i])
				}
			}
			services, free, rest := p.parts(m, x)
			tol := 1e-6 * math.Abs(mip.Objective)
			if math.Abs(rest-coupling) > tol || coupling < -tol || free < -tol {
				t.Errorf("coupling %.6f (from the duals %.6f), z share %.6f", rest, coupling, free)
			}
			if got := services + free + coupling; math.Abs(got-(mip.Objective-b)) > tol {
				t.Errorf("parts add to %.6f, want c·x − L = %.6f", got, mip.Objective-b)
			}
			for i := range s.fm.svc {
				// d·x_s − val_s before gap's clipping at 0: weak duality
				// per service makes it ≥ 0 for a feasible x.
				g := -p.val[i]
				for _, j := range p.sp.cols[i] {
					g += p.d[j] * x[j]
				}
				if g < -tol {
					t.Errorf("service %d: d·x − val = %.6f < 0", i, g)
				}
			}
		})
	}
}

// TestDependencyTotalRows: with the rows of dependencyTotals (build.go),
// the own MILP of every dependency target t at the Lagrangian prices
// serves exactly ρ·L*_s of each caller s's load, as every plan of phase
// "plan" does; without them, priced by the dependency rows' duals, it
// may serve more wherever a route pays more than a replica costs. They
// raise the Lagrangian bound: on six generated 20×6 intents with many
// dependencies it closed 26–69% of the gap between the LP and the
// optimum without them, 66–100% with them.
func TestDependencyTotalRows(t *testing.T) {
	over := 0
	for seed := uint64(1); seed <= 6; seed++ {
		in := Generate(GenConfig{Seed: seed, Services: 20, Clusters: 6, Regions: 3, Continents: 2, DependencyProb: 0.6})
		var bounds [2]float64
		for v, rows := range []bool{true, false} {
			s, lp, mip := lagrangeCase(t, in)
			if len(s.fm.depTotals) == 0 {
				t.Fatalf("seed %d: no dependency totals", seed)
			}
			if !rows {
				s.fm.depTotals = nil
			}
			b := s.lagrange(context.Background(), lp, time.Now().Add(time.Minute), nil)
			tol := 1e-6 * math.Abs(mip.Objective)
			if b < lp.Objective-tol || b > mip.Objective+tol {
				t.Errorf("seed %d rows %v: bound %.4f outside [LP %.4f, optimum %.4f]", seed, rows, b, lp.Objective, mip.Objective)
			}
			bounds[v] = b
			fm, p := s.fm, s.prices
			load := fm.servedLoad()
			w := &lagrangeWorker{index: make([]int32, fm.m.NumCols())}
			served := map[*Dependency]float64{}
			for i, sv := range fm.svc {
				if len(sv.routesOnto) == 0 {
					continue
				}
				r, err := highs.Solve(context.Background(), w.sub(fm.m, p.sp, i, p.d, true), &highs.Options{Threads: 1, MIPRelGap: 1e-9})
				if err != nil || r.Status != highs.StatusOptimal {
					t.Fatalf("seed %d: %s's own MILP: %v %v", seed, sv.s.Name, err, r.Status)
				}
				at := map[int32]int{}
				for k, j := range p.sp.cols[i] {
					at[j] = k
				}
				for _, k := range sv.routesOnto {
					h := fm.depVars[k]
					served[h.dependency] += r.X[at[int32(h.col)]]
				}
			}
			if len(served) == 0 {
				t.Fatalf("seed %d: no dependencies", seed)
			}
			for d, got := range served {
				want := d.Ratio * load[fm.svcIdx[d.Service]]
				switch {
				case rows && math.Abs(got-want) > 1e-6*math.Max(1, want):
					t.Errorf("seed %d: %s→%s's own MILP serves %.4f of its load, want ρ·L* = %.4f", seed, d.Service, d.DependsOn, got, want)
				case !rows && got > want+1e-6*math.Max(1, want):
					over++
				}
			}
			t.Logf("seed %d rows %v: LP %.2f bound %.2f optimum %.2f: %.0f%% closed", seed, rows, lp.Objective, b, mip.Objective,
				100*(b-lp.Objective)/(mip.Objective-lp.Objective))
		}
		if bounds[0] < bounds[1]-1e-6*math.Abs(bounds[1]) {
			t.Errorf("seed %d: bound %.4f with the rows, %.4f without", seed, bounds[0], bounds[1])
		}
	}
	if over == 0 {
		t.Error("without the rows no target's own MILP served more than its load: the case shows nothing")
	}
	t.Logf("without the rows, %d dependencies were over-served", over)
}

// TestLagrangePasses: with the first pass's MILPs cut off at one node,
// later passes run the ones that stopped with 4, 16, … nodes, and with
// time to spare reach the bound that MILPs solved to optimality give (on
// six generated 12×5 intents); a single pass (Options.LNSRounds) stays
// lower on at least one of them.
func TestLagrangePasses(t *testing.T) {
	lower := 0
	for seed := uint64(1); seed <= 6; seed++ {
		in := Generate(GenConfig{Seed: seed, Services: 12, Clusters: 5, Regions: 3, Continents: 2})
		s, lp, mip := lagrangeCaseRows(t, in, false)
		full := s.lagrange(context.Background(), lp, time.Now().Add(time.Minute), nil)
		func() {
			defer func(n int) { lagrangeSubNodes = n }(lagrangeSubNodes)
			lagrangeSubNodes = 1
			passes := s.lagrange(context.Background(), lp, time.Now().Add(time.Minute), nil)
			s.opts.LNSRounds = 1
			one := s.lagrange(context.Background(), lp, time.Now().Add(time.Minute), nil)
			s.opts.LNSRounds = 0
			tol := 1e-6 * math.Abs(mip.Objective)
			t.Logf("seed %d: LP %.2f, one pass %.2f, passes %.2f, unlimited %.2f, optimum %.2f", seed, lp.Objective, one, passes, full, mip.Objective)
			if math.Abs(passes-full) > tol {
				t.Errorf("seed %d: passes from one node reach %.4f, MILPs at the default limits %.4f", seed, passes, full)
			}
			if one > passes+tol || passes > mip.Objective+tol {
				t.Errorf("seed %d: one pass %.4f, passes %.4f, optimum %.4f", seed, one, passes, mip.Objective)
			}
			if one < passes-tol {
				lower++
			}
		}()
	}
	if lower == 0 {
		t.Error("one pass of one-node MILPs reached every bound the passes did: the test shows nothing")
	}
}

// TestPricedMoves: from the witness plans of six generated 12×5 intents,
// moving services to their own solutions under the Lagrangian prices
// keeps every plan feasible (for the model and for the verifier), never
// makes one dearer, reports the cost it reaches, and makes at least one
// cheaper.
func TestPricedMoves(t *testing.T) {
	cheaper := 0
	for seed := uint64(1); seed <= 6; seed++ {
		in, witness := GenerateWitness(GenConfig{Seed: seed, Services: 12, Clusters: 5, Regions: 3, Continents: 2})
		s, lp, mip := lagrangeCase(t, in)
		x := s.fm.start(witness)
		if !s.feasible(x) {
			t.Fatalf("seed %d: the witness's start is not feasible", seed)
		}
		r := &highs.Result{HasSolution: true, X: x, Objective: s.fm.m.Objective(x), DualBound: lp.Objective}
		if got := s.pricedMoves("plan", r); got != r {
			t.Errorf("seed %d: moves without prices", seed)
		}
		s.lagrange(context.Background(), lp, time.Now().Add(time.Minute), nil)
		got := s.pricedMoves("plan", r)
		checkImproved(t, s, in, fmt.Sprintf("seed %d: the moved plan", seed), r, got, mip.Objective)
		if got.Objective < r.Objective {
			cheaper++
		}
		t.Logf("seed %d: witness %.2f, moved %.2f, optimum %.2f", seed, r.Objective, got.Objective, mip.Objective)
	}
	if cheaper == 0 {
		t.Error("no plan became cheaper: the test shows nothing")
	}
}

// TestLagrangeBeside: against the clock with two workers, once the
// per-service MILPs' first pass is done (cut off at one node, so later
// passes remain on this 60×12 intent), the search runs beside the later
// passes on a model routed to regions: it runs sub-MIPs, the plan it
// returns is feasible and passes the verifier, costs no more than the
// start, and the bound is the one the passes reach without a search
// beside them.
func TestLagrangeBeside(t *testing.T) {
	defer func(n int) { lagrangeSubNodes = n }(lagrangeSubNodes)
	lagrangeSubNodes = 1
	in, witness := GenerateWitness(GenConfig{Seed: 3, Services: 60, Clusters: 12, Regions: 4, Continents: 2})
	bound := func(beside bool) (*solver, *highs.Result, float64) {
		fm, err := buildWith(in, false, true)
		if err != nil {
			t.Fatal(err)
		}
		fm.serveAll()
		s := &solver{fm: fm, engine: HiGHS{}, opts: Options{Threads: 2}, began: time.Now(), limit: time.Minute, firstPlan: -1, lastPlan: -1}
		s.start = fm.start(witness)
		if !s.feasible(s.start) {
			t.Fatal("the witness's start is not feasible")
		}
		r := s.startResult()
		if !beside {
			s.opts.NoLNS = true
		}
		got := s.lagrangeBound(context.Background(), "plan", r, 5*time.Minute, time.Now().Add(5*time.Minute))
		return s, got, got.DualBound
	}
	_, _, alone := bound(false)
	s, r, b := bound(true)
	if s.rounds == 0 {
		t.Error("no sub-MIP ran beside the passes")
	}
	// Each per-service MILP stops within a relative gap of 1e-4.
	if math.Abs(b-alone) > 1e-4*math.Abs(alone) {
		t.Errorf("bound %.4f with the search beside, %.4f without", b, alone)
	}
	if !s.feasible(r.X) || math.Abs(s.fm.m.Objective(r.X)-r.Objective) > 1e-6*math.Abs(r.Objective) {
		t.Error("the plan is not feasible, or its objective is not its X's")
	}
	if v := Verify(in, s.fm.extract(r.X)); v.Err() != nil {
		t.Errorf("the plan fails the verifier: %v", v.Err())
	}
	if start := s.fm.m.Objective(s.start); r.Objective > start {
		t.Errorf("plan %.4f dearer than the start %.4f", r.Objective, start)
	}
	t.Logf("start %.2f, plan %.2f after %d sub-MIPs, bound %.2f", s.fm.m.Objective(s.start), r.Objective, s.rounds, b)
}

// TestCrossover: each service of the witness plan whose priced solution
// is whole chooses between its placement and that solution, with every
// route free. Without prices nothing changes; with them the plan stays
// feasible for the model and for the verifier, never gets dearer, never
// goes below the MILP optimum, reports its X's objective, and is no
// dearer than priced moves from the same plan (every set of services
// priced moves can move is one of the crossover's choices).
func TestCrossover(t *testing.T) {
	ctx := context.Background()
	cheaper := 0
	for seed := uint64(1); seed <= 6; seed++ {
		in, witness := GenerateWitness(GenConfig{Seed: seed, Services: 12, Clusters: 5, Regions: 3, Continents: 2})
		s, lp, mip := lagrangeCase(t, in)
		x := s.fm.start(witness)
		r := &highs.Result{HasSolution: true, X: x, Objective: s.fm.m.Objective(x), DualBound: lp.Objective}
		if got := s.crossover(ctx, "plan", r, time.Now().Add(time.Minute)); got != r {
			t.Errorf("seed %d: a crossover without prices", seed)
		}
		s.lagrange(ctx, lp, time.Now().Add(time.Minute), nil)
		moved := s.pricedMoves("plan", r)
		got := s.crossover(ctx, "plan", r, time.Now().Add(time.Minute))
		checkImproved(t, s, in, fmt.Sprintf("seed %d: the crossed plan", seed), r, got, mip.Objective)
		if got.Objective > moved.Objective+1e-6*math.Abs(moved.Objective) {
			t.Errorf("seed %d: crossover %.4f, priced moves %.4f", seed, got.Objective, moved.Objective)
		}
		if got.Objective < r.Objective {
			cheaper++
		}
		t.Logf("seed %d: witness %.2f, priced moves %.2f, crossover %.2f, optimum %.2f", seed, r.Objective, moved.Objective, got.Objective, mip.Objective)
	}
	if cheaper == 0 {
		t.Error("no plan became cheaper: the test shows nothing")
	}
}

// checkImproved checks got, a plan made from r: feasible for the model
// and for the verifier, its objective its X's, no dearer than r and not
// below the optimum.
func checkImproved(t *testing.T, s *solver, in *Intent, what string, r, got *highs.Result, optimum float64) {
	t.Helper()
	if !s.feasible(got.X) {
		t.Errorf("%s is not feasible", what)
	}
	if v := Verify(in, s.fm.extract(got.X)); v.Err() != nil {
		t.Errorf("%s fails the verifier: %v", what, v.Err())
	}
	if obj := s.fm.m.Objective(got.X); math.Abs(obj-got.Objective) > 1e-6*math.Abs(obj) || got.Objective > r.Objective {
		t.Errorf("%s: objective %.4f (of its X %.4f) from %.4f", what, got.Objective, obj, r.Objective)
	}
	if got.Objective < optimum-1e-6*math.Abs(optimum) {
		t.Errorf("%s: %.4f is below the optimum %.4f", what, got.Objective, optimum)
	}
}
