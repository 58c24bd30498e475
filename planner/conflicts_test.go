package planner

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"
)

// integralConflict is infeasible only because replicas are whole: batch
// pins 2 of 4 cpu in each of a, b, c, leaving 2 each; web wants 2
// clusters with 3 replicas. The LP spreads y = 2/3 over all three; the
// MIP cannot. Of the pins and supplies any two clusters' worth conflict
// with Min Clusters and Min Replicas (web may use the third freely).
func integralConflict() *Intent {
	in := small(cluster("a", "r1", 4, 1), cluster("b", "r1", 4, 1), cluster("c", "r1", 4, 1))
	web := svc("web")
	web.MinClusters, web.MinReplicas = 2, 3
	in.Services = []Service{web, svc("batch")}
	in.Demand = []Demand{{Service: "web", Region: "r1", Amount: 40}}
	in.Reservations = []Reservation{{Service: "batch", Cluster: "a", Min: 2}, {Service: "batch", Cluster: "b", Min: 2}, {Service: "batch", Cluster: "c", Min: 2}}
	return sheet(in)
}

func TestConflictsNeedIntegrality(t *testing.T) {
	in := integralConflict()
	res, err := Solve(context.Background(), in, Options{TimeLimit: 10 * time.Second})
	if err != nil || res.Status != StatusInfeasible {
		t.Fatalf("solve: %v %v, want infeasible", err, res.Status)
	}
	cs, err := FindConflicts(context.Background(), in, ConflictOptions{TimeLimit: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if cs.LP || !cs.Minimal || cs.Stopped != "" {
		t.Fatalf("lp %v, minimal %v, stopped %q: want a finished MIP search", cs.LP, cs.Minimal, cs.Stopped)
	}
	var codes []string
	for _, r := range cs.Rows {
		if r.Source != "filter" {
			t.Errorf("structural row %+v: no count sees this", r)
		}
		codes = append(codes, r.Code)
		t.Logf("%s: %s (%s)", r.Requirement, r.Message, r.Cells)
	}
	want := []string{ConflictSupply, ConflictSupply, ConflictMinClusters, ConflictMinReplicas, ConflictReservation, ConflictReservation}
	if !slices.Equal(codes, want) {
		t.Errorf("codes %q, want %q: %+v", codes, want, cs.Rows)
	}
	// The set is irreducible: dropping any one requirement of it leaves
	// requirements that hold.
	cf, err := newConflictFinder(context.Background(), in, time.Now().Add(20*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	set := filterSet(t, cf, cs)
	if inf, known := cf.test(context.Background(), set); !inf || !known {
		t.Fatalf("the set %v holds together", set)
	}
	for i := range set {
		rest := slices.Delete(slices.Clone(set), i, i+1)
		if inf, known := cf.test(context.Background(), rest); inf || !known {
			t.Errorf("without %s the rest still conflicts (known %v)", cf.groups[set[i]].name, known)
		}
	}
}

// filterSet finds the groups of the filter rows of cs.
func filterSet(t *testing.T, cf *conflictFinder, cs *Conflicts) []int {
	t.Helper()
	var set []int
	for _, r := range cs.Rows {
		for gi, g := range cf.groups {
			if g.name == r.Requirement && slices.Equal(g.cells, r.Cells) {
				set = append(set, gi)
			}
		}
	}
	if len(set) != len(cs.Rows) {
		t.Fatalf("matched %d of %d rows to requirements", len(set), len(cs.Rows))
	}
	return set
}

func TestConflictsDeterministic(t *testing.T) {
	first, err := FindConflicts(context.Background(), integralConflict(), ConflictOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		again, err := FindConflicts(context.Background(), integralConflict(), ConflictOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(again.Rows, first.Rows) || again.Tests != first.Tests {
			t.Fatalf("two searches differ:\n%+v\n%+v", first.Rows, again.Rows)
		}
	}
}

func TestConflictsTimeBounded(t *testing.T) {
	start := time.Now()
	cs, err := FindConflicts(context.Background(), integralConflict(), ConflictOptions{TimeLimit: time.Microsecond})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v with a 1 µs limit", d)
	}
	if cs.Stopped == "" || cs.Minimal {
		t.Errorf("stopped %q, minimal %v: want the search to say it stopped early", cs.Stopped, cs.Minimal)
	}
}

func TestConflictsInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cs, err := FindConflicts(ctx, integralConflict(), ConflictOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if cs.Stopped == "" || cs.Minimal {
		t.Errorf("stopped %q, minimal %v after a cancel", cs.Stopped, cs.Minimal)
	}
}

func TestConflictsFeasibleIntent(t *testing.T) {
	in := small(cluster("a", "r1", 100, 1))
	in.Services = []Service{svc("web")}
	in.Demand = []Demand{{Service: "web", Region: "r1", Amount: 30}}
	cs, err := FindConflicts(context.Background(), in, ConflictOptions{})
	if err != nil || cs != nil {
		t.Errorf("conflicts %+v, %v for a feasible intent", cs, err)
	}
}

func TestErrInfeasibleIsDistinct(t *testing.T) {
	if errors.Is(ErrInfeasible, ErrVerification) {
		t.Error("ErrInfeasible matches ErrVerification")
	}
}

// A reservation's Max Replicas above 0 cannot take part in a conflict
// (FindConflicts maps no group to it): the search finishes on the same
// requirements with the pins capped, and with every mapped requirement
// dropped the rest of the model holds, Max rows and all.
func TestConflictsReservationMax(t *testing.T) {
	plain := integralConflict()
	capped := integralConflict()
	for k, mx := range []int{2, 3, 4} {
		capped.Reservations[k].Max, capped.Reservations[k].HasMax = mx, true
	}
	// Max below web's Min Replicas lowers its floor in c.
	capped.Reservations = append(capped.Reservations, Reservation{Service: "web", Cluster: "c", Max: 2, HasMax: true, Row: 5})
	for name, in := range map[string]*Intent{"plain": plain, "capped": capped} {
		t.Run(name, func(t *testing.T) {
			cs, err := FindConflicts(context.Background(), in, ConflictOptions{TimeLimit: 20 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if !cs.Minimal || cs.Stopped != "" || len(cs.Rows) == 0 {
				t.Fatalf("minimal %v, stopped %q, %d rows: want a finished search", cs.Minimal, cs.Stopped, len(cs.Rows))
			}
			cf, err := newConflictFinder(context.Background(), in, time.Now().Add(20*time.Second))
			if err != nil {
				t.Fatal(err)
			}
			if inf, known := cf.test(context.Background(), nil); inf || !known {
				t.Errorf("with no requirement enforced: infeasible %v, known %v", inf, known)
			}
		})
	}
}
