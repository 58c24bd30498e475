package templates_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auxon-planner/auxon/planner"
	"github.com/auxon-planner/auxon/templates"
	"github.com/auxon-planner/auxon/workbook"
)

// smallReport is a hand-made report: two services, two clusters, one
// shortfall.
func smallReport() *planner.Report {
	gap, bound, obj, first, final := 0.0123, 98.5, 100.0, 0.0345, 1.2049
	return &planner.Report{
		RunID: "run-7", Created: time.Date(2026, 11, 25, 7, 5, 0, 0, time.UTC), Fingerprint: "abc",
		Status: planner.StatusFeasible, Solver: "HiGHS 1.10.0",
		Cost:      planner.Cost{Resource: 90, Fixed: 10, Total: 100, UnmetDemand: 5},
		Baseline:  &planner.Cost{Resource: 120, Total: 120},
		Saving:    20,
		Objective: &obj, LowerBound: &bound, Gap: &gap, SolveSeconds: 1.234,
		FirstPlanSeconds: &first, FinalPlanSeconds: &final,
		Model:  planner.ModelStats{Rows: 10, Cols: 20, Nonzeros: 30},
		Phases: []planner.Phase{{Name: "plan", Status: "time limit", Objective: 100, Bound: 98.5, Time: 1234 * time.Millisecond, Engine: true, Rounds: 7}},
		Plan: []planner.PlanRow{
			{Service: "api", Cluster: "eu-1", Region: "eu", Replicas: 3, Resources: map[string]float64{"cpu": 6, "ram": 12}, Cost: 60, LoadServed: 29.5, Current: 2, Change: 1},
			{Service: "web", Cluster: "us-1", Region: "us", Replicas: 0, Resources: map[string]float64{}, Current: 4, Change: -4},
		},
		Utilization: []planner.UtilizationRow{
			{Cluster: "eu-1", Region: "eu", Resource: "cpu", Used: 6, Supply: 6.5, Utilization: 6 / 6.5},
			{Cluster: "eu-1", Region: "eu", Resource: "ram", Used: 12, Supply: 64, Utilization: 12.0 / 64},
		},
		Unmet: []planner.UnmetRow{{Service: "api", Region: "us", Priority: 1, Demand: 10, Served: 5, Shortfall: 5}},
	}
}

// describe renders a tab as text: its name, kind, formatting and cells.
func describe(t *workbook.OutputTab) string {
	var b strings.Builder
	f := t.Format
	fmt.Fprintf(&b, "== %s (kind %s, run %s)\n", t.Name, t.Kind, t.RunID)
	fmt.Fprintf(&b, "header rows %d, bold %v, frozen %v, widths %v, number formats %v\n",
		f.HeaderRows, f.BoldHeader, f.FreezeHeader, f.ColumnWidths, f.NumberFormats)
	for _, h := range f.Highlights {
		fmt.Fprintf(&b, "highlight columns %d-%d above %g\n", h.FromCol, h.ToCol, h.Above)
	}
	if f.Chart != nil {
		fmt.Fprintf(&b, "chart %s %q: categories %d, values %v at %s\n", f.Chart.Kind, f.Chart.Title, f.Chart.CategoryCol, f.Chart.ValueCols, f.Chart.Anchor)
	}
	g := workbook.Grid{Rows: t.Rows}
	b.WriteString(g.String())
	return b.String()
}

func TestRenderGolden(t *testing.T) {
	var b strings.Builder
	for _, tab := range templates.Render(smallReport(), "cap", "", 100) {
		b.WriteString(describe(tab))
	}
	golden := filepath.Join("testdata", "render.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want) {
		t.Errorf("rendered tabs differ from %s (rerun with -update if intended):\n%s", golden, b.String())
	}
}

func TestTabNameFits(t *testing.T) {
	when := time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC)
	tests := []struct {
		prefix, kind string
		max          int
		want         string
	}{
		{"auxon", "Plan", 100, "auxon Plan 2026-01-02 03.04"},
		{"auxon", "Plan", 31, "auxon Plan 2026-01-02 03.04"},
		{"auxon", "Utilization", 31, "auxon Utilization 01-02 03.04"},
		{"capacity-planning", "Utilization", 31, "capacit Utilization 01-02 03.04"},
		{"", "Summary", 0, "auxon Summary 2026-01-02 03.04"},
		{"auxon", "Capacity Value", 31, "auxon Capacity 01-02 03.04"},
	}
	for _, tc := range tests {
		if got := templates.TabName(tc.prefix, tc.kind, when, tc.max); got != tc.want || (tc.max > 0 && len([]rune(got)) > tc.max) {
			t.Errorf("TabName(%q, %q, %d) = %q, want %q", tc.prefix, tc.kind, tc.max, got, tc.want)
		}
	}
}
