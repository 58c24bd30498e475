package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auxon-planner/auxon/planner"
	"github.com/auxon-planner/auxon/templates"
	"github.com/auxon-planner/auxon/workbook"
	"github.com/auxon-planner/auxon/workbook/memwb"
)

var fixed = time.Date(2026, 11, 25, 18, 30, 0, 0, time.UTC)

func exampleBook() *workbook.Workbook {
	return memwb.Open(templates.ExampleSheets()...)
}

func TestRunExample(t *testing.T) {
	wb := exampleBook()
	jsonPath := filepath.Join(t.TempDir(), "plan.json")
	out, err := Run(context.Background(), Job{Workbook: wb, JSONPath: jsonPath, RunID: "run-1",
		Now: func() time.Time { return fixed }, Solve: planner.Options{TimeLimit: 5 * time.Second, MIPGap: 0.05}})
	if err != nil {
		t.Fatal(err)
	}
	if v := planner.Verify(out.Intent, out.Result.Plan); v.Err() != nil {
		t.Fatalf("plan fails verification: %v", v.Err())
	}
	want := []string{"auxon Summary 2026-11-25 18.30", "auxon Plan 2026-11-25 18.30", "auxon Utilization 2026-11-25 18.30",
		"auxon Capacity Value 2026-11-25 18.30"}
	if strings.Join(out.Tabs, "|") != strings.Join(want, "|") {
		t.Errorf("tabs %q, want %q", out.Tabs, want)
	}
	tabs, err := wb.AuxonTabs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, tab := range tabs {
		if tab.Tag.RunID != "run-1" {
			t.Errorf("%s tagged with run %q", tab.Name, tab.Tag.RunID)
		}
		kinds[tab.Name] = tab.Tag.Kind
	}
	if kinds[want[1]] != templates.KindPlan || kinds[want[2]] != templates.KindUtilization {
		t.Errorf("tags %v", kinds)
	}
	// The Plan tab holds every replica of the plan, cell by cell.
	grids, err := wb.ReadTabs(context.Background(), want[1])
	if err != nil {
		t.Fatal(err)
	}
	g := grids[want[1]]
	total := 0.0
	for _, row := range g.Rows[1:] {
		total += row[3].Num
	}
	planned := 0
	for _, a := range out.Result.Plan.Replicas {
		planned += a.Replicas
	}
	if g.At(0, 3).Str != "Replicas" || int(total) != planned {
		t.Errorf("Plan tab holds %g replicas under %q, plan has %d", total, g.At(0, 3).Str, planned)
	}
	// plan.json says the same.
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var rep planner.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.RunID != "run-1" || rep.Cost.Total != out.Report.Cost.Total || len(rep.Plan) != len(out.Report.Plan) {
		t.Errorf("plan.json differs from the run: %+v", rep.Cost)
	}
	if rep.Fingerprint != planner.Fingerprint(out.Intent) {
		t.Errorf("fingerprint %q", rep.Fingerprint)
	}

	// A second run in the same minute gets its own names.
	out2, err := Run(context.Background(), Job{Workbook: wb, RunID: "run-2",
		Now: func() time.Time { return fixed }, Solve: planner.Options{TimeLimit: 2 * time.Second, MIPGap: 0.1}})
	if err != nil {
		t.Fatal(err)
	}
	if out2.Tabs[0] != "auxon Summary 2026-11-25 18.30 (2)" {
		t.Errorf("second run's tabs %q", out2.Tabs)
	}
}

func TestRunInvalidWritesNothing(t *testing.T) {
	sheets := templates.ExampleSheets()
	for _, s := range sheets {
		if s.Name == planner.TabDemand {
			s.Rows[1][2] = workbook.Str("lots") // Demand!C2 is no number
		}
	}
	wb := memwb.Open(sheets...)
	before, _ := wb.Tabs(context.Background())
	out, err := Run(context.Background(), Job{Workbook: wb})
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("err %v, want ErrInvalid", err)
	}
	found := false
	for _, p := range out.Problems {
		found = found || strings.HasPrefix(p.Error(), "Demand!C2: ")
	}
	if !found {
		t.Errorf("no problem at Demand!C2 among %v", out.Problems)
	}
	after, _ := wb.Tabs(context.Background())
	if len(after) != len(before) {
		t.Errorf("%d tabs before, %d after an invalid run", len(before), len(after))
	}
}

func TestTabNamesFitExcel(t *testing.T) {
	r := &planner.Report{Created: fixed, Unmet: []planner.UnmetRow{{}}}
	for _, tab := range templates.Render(r, "capacity-planning", " (12)", 31) {
		if n := len([]rune(tab.Name)); n > 31 || strings.ContainsAny(tab.Name, `:\/?*[]`) {
			t.Errorf("%q (%d characters) does not fit Excel", tab.Name, n)
		}
	}
}

func TestRunGreedyPreview(t *testing.T) {
	wb := exampleBook()
	out, err := Run(context.Background(), Job{Workbook: wb, Solver: SolverGreedy, Now: func() time.Time { return fixed }})
	if err != nil {
		t.Fatal(err)
	}
	if out.Report.Solver != "greedy" || out.Report.Baseline == nil || out.Report.Saving != 0 {
		t.Errorf("solver %q baseline %v saving %g", out.Report.Solver, out.Report.Baseline, out.Report.Saving)
	}
	if len(out.Tabs) < 3 {
		t.Errorf("tabs %q", out.Tabs)
	}
	if _, err := Run(context.Background(), Job{Workbook: exampleBook(), Solver: "cplex"}); err == nil {
		t.Error("want an error for an unknown solver")
	}
}

// TestInterruptKeepsBestPlan: cancelling the context (Ctrl-C, SIGTERM)
// stops the solve, and the best plan found is still written.
func TestInterruptKeepsBestPlan(t *testing.T) {
	wb := exampleBook()
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	out, err := Run(ctx, Job{Workbook: wb, Now: func() time.Time { return fixed },
		Solve: planner.Options{TimeLimit: time.Minute, MIPGap: 1e-9}})
	if err != nil {
		t.Fatal(err)
	}
	if !out.Report.Interrupted || out.Result.Plan == nil {
		t.Fatalf("interrupted %v, plan %v", out.Report.Interrupted, out.Result.Plan != nil)
	}
	if len(out.Tabs) < 3 {
		t.Errorf("tabs written %q, want the best plan kept", out.Tabs)
	}
}

// TestReplanStartsFromLastPlan: a second run on the same workbook reads
// the first run's Plan tab and hands it to HiGHS, which accepts it as a
// feasible start at the first run's cost.
func TestReplanStartsFromLastPlan(t *testing.T) {
	wb := exampleBook()
	opts := planner.Options{TimeLimit: 20 * time.Second, MIPGap: 0.02}
	first, err := Run(context.Background(), Job{Workbook: wb, Solve: opts, Now: func() time.Time { return fixed }})
	if err != nil {
		t.Fatal(err)
	}
	prev, err := templates.PreviousPlan(context.Background(), wb)
	if err != nil || prev == nil {
		t.Fatalf("previous plan: %v %v", prev, err)
	}
	if got, want := len(prev.Replicas), len(first.Result.Plan.Replicas); got != want {
		t.Errorf("read %d placements back, the plan has %d", got, want)
	}
	var starts []string
	opts.Log = func(s string) {
		if strings.Contains(s, "MIP start solution is feasible") {
			starts = append(starts, s)
		}
	}
	second, err := Run(context.Background(), Job{Workbook: wb, Solve: opts, Now: func() time.Time { return fixed.Add(time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(starts) == 0 {
		t.Fatal("HiGHS got no feasible start from the last plan")
	}
	var obj float64
	if _, err := fmt.Sscanf(starts[0][strings.LastIndex(starts[0], " ")+1:], "%g", &obj); err != nil {
		t.Fatalf("cannot read %q: %v", starts[0], err)
	}
	if obj > first.Report.Cost.Total*(1+1e-6) {
		t.Errorf("start objective %g, want at most the last plan's cost %g", obj, first.Report.Cost.Total)
	}
	if second.Report.Cost.Total > first.Report.Cost.Total*(1+1e-6) {
		t.Errorf("replan cost %g worse than the last plan's %g", second.Report.Cost.Total, first.Report.Cost.Total)
	}
	t.Logf("first solve %.2fs, replan %.2fs (start %s)", first.Report.SolveSeconds, second.Report.SolveSeconds, starts[0])
}
