package planner_test

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auxon-planner/auxon/planner"
	"github.com/auxon-planner/auxon/planner/greedy"
	"github.com/auxon-planner/auxon/planner/highs"
)

// TestLargeModelRootLP: on a model above 25k columns whose start is a
// plan, the engine solves the LP relaxation alone, the Lagrangian bound
// raises the phase's bound above that LP's, the phase reports a time
// limit, not an interruption, and the search runs with the time left;
// with more than one core it also runs beside the LP (its sub-MIPs are
// logged before the Lagrangian bound, which needs the LP).
func TestLargeModelRootLP(t *testing.T) {
	if testing.Short() {
		t.Skip("a 28k-column model")
	}
	in := planner.Generate(planner.GenConfig{Seed: 1, Services: 300, Clusters: 30, Regions: 6, Continents: 3})
	m, err := planner.Model(in)
	if err != nil {
		t.Fatal(err)
	}
	m.Integer = nil
	lp, err := highs.Solve(context.Background(), m, &highs.Options{})
	if err != nil || lp.Status != highs.StatusOptimal {
		t.Fatalf("LP: %v %v", err, lp.Status)
	}
	var mu sync.Mutex
	var lagrange bool
	beside := 0 // the search's log lines before the Lagrangian bound's
	// The LP takes a few seconds here, of the 12 s (60% of 20 s) it may take:
	// room for a slower machine.
	res, err := planner.Solve(context.Background(), in, planner.Options{TimeLimit: 20 * time.Second, MIPGap: 1e-4,
		Start: greedy.Plan(in), Log: func(l string) {
			mu.Lock()
			defer mu.Unlock()
			lagrange = lagrange || strings.HasPrefix(l, "lagrangian bound plan")
			if !lagrange && strings.HasPrefix(l, "lns plan") {
				beside++
			}
		}})
	if err != nil || res.Plan == nil {
		t.Fatalf("solve: %v %v", err, res)
	}
	if res.Model.Cols <= 25000 {
		t.Fatalf("%d columns: the model is too small for the test", res.Model.Cols)
	}
	ph := res.Phases[0]
	if !ph.Engine || !lagrange {
		t.Errorf("engine run %v, Lagrangian bound %v", ph.Engine, lagrange)
	}
	if ph.Status == "interrupted" || res.Status != planner.StatusFeasible && res.Status != planner.StatusOptimal {
		t.Errorf("phase %q, result %v: a stop by design reported as an interruption", ph.Status, res.Status)
	}
	if ph.Bound <= lp.Objective*(1+1e-6) || ph.Bound > res.Objective+1e-6 {
		t.Errorf("bound %.1f, want above the LP's %.1f and at most the objective %.1f", ph.Bound, lp.Objective, res.Objective)
	}
	if ph.Rounds == 0 {
		t.Error("no neighbourhood searched after the root")
	}
	if runtime.GOMAXPROCS(0) > 1 && beside == 0 {
		t.Error("no neighbourhood searched beside the LP")
	}
	if v := planner.Verify(in, res.Plan); v.Err() != nil {
		t.Errorf("the plan fails the verifier: %v", v.Err())
	}
	t.Logf("%d columns, objective %.1f, bound %.1f (LP %.1f), %d rounds (%d beside the LP)", res.Model.Cols, res.Objective, ph.Bound, lp.Objective, ph.Rounds, beside)
}

// TestLargeModelCancelDuringLP cancels a large model's solve while its LP
// relaxation runs (with the search beside it): the solve stops promptly
// and keeps the best plan, no worse than the start, which the verifier
// passes.
func TestLargeModelCancelDuringLP(t *testing.T) {
	if testing.Short() {
		t.Skip("a 28k-column model")
	}
	in := planner.Generate(planner.GenConfig{Seed: 1, Services: 300, Clusters: 30, Regions: 6, Continents: 3})
	start := greedy.Plan(in)
	var mu sync.Mutex
	lpDone := false
	// The LP takes about 1.7 s here.
	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer cancel()
	began := time.Now()
	res, err := planner.Solve(ctx, in, planner.Options{TimeLimit: time.Minute, Start: start, Log: func(l string) {
		mu.Lock()
		defer mu.Unlock()
		lpDone = lpDone || strings.HasPrefix(l, "Model status") && strings.HasSuffix(l, "Optimal")
	}})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(began); d > 3*time.Second {
		t.Errorf("solve ran %v after a 0.7 s cancel", d)
	}
	if lpDone {
		t.Log("the LP finished before the cancel: the test did not cancel it (a fast machine)")
	}
	if res.Plan == nil || !res.Interrupted || res.Status != planner.StatusFeasible {
		t.Fatalf("plan %v, interrupted %v, status %v: want the best plan kept", res.Plan != nil, res.Interrupted, res.Status)
	}
	if got, was := planner.PlanCost(in, res.Plan).Total, planner.PlanCost(in, start).Total; got > was*(1+1e-9) {
		t.Errorf("cost %.1f above the start's %.1f", got, was)
	}
	if v := planner.Verify(in, res.Plan); v.Err() != nil {
		t.Errorf("the plan fails the verifier: %v", v.Err())
	}
}
