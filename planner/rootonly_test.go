package planner_test

import (
	"context"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auxon-planner/auxon/planner"
	"github.com/auxon-planner/auxon/planner/greedy"
)

// TestEngineStopsAtRoot: on a model above 50k columns whose start is a
// plan, HiGHS is stopped once its root LP has raised the bound (its log
// says so), the phase still reports that bound and a time limit, not an
// interruption, and the search runs with the time left.
func TestEngineStopsAtRoot(t *testing.T) {
	if testing.Short() {
		t.Skip("a 60k-column model")
	}
	in := planner.Generate(planner.GenConfig{Seed: 1, Services: 300, Clusters: 30, Regions: 6, Continents: 3})
	var mu sync.Mutex
	var interrupted bool
	// The root LP takes ~3 s here, of the 12 s (60% of 20 s) HiGHS may
	// take: room for a slower machine, which would otherwise stop HiGHS
	// by its time limit instead.
	res, err := planner.Solve(context.Background(), in, planner.Options{TimeLimit: 20 * time.Second, MIPGap: 1e-4,
		Start: greedy.Plan(in), Log: func(l string) {
			mu.Lock()
			defer mu.Unlock()
			interrupted = interrupted || strings.Contains(l, "Interrupted by user")
		}})
	if err != nil || res.Plan == nil {
		t.Fatalf("solve: %v %v", err, res)
	}
	if res.Model.Cols <= 50000 {
		t.Fatalf("%d columns: the model is too small for the test", res.Model.Cols)
	}
	ph := res.Phases[0]
	if !interrupted || !ph.Engine {
		t.Errorf("engine run %v, stopped at its root %v", ph.Engine, interrupted)
	}
	if ph.Status == "interrupted" || res.Status != planner.StatusFeasible && res.Status != planner.StatusOptimal {
		t.Errorf("phase %q, result %v: a stop by design reported as an interruption", ph.Status, res.Status)
	}
	if math.IsInf(ph.Bound, 0) || ph.Bound <= 0 || ph.Bound > res.Objective+1e-6 {
		t.Errorf("bound %.1f, objective %.1f", ph.Bound, res.Objective)
	}
	if ph.Rounds == 0 {
		t.Error("no neighbourhood searched after the root")
	}
	t.Logf("%d columns, objective %.1f, bound %.1f, %d rounds", res.Model.Cols, res.Objective, ph.Bound, ph.Rounds)
}
