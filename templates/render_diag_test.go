package templates_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auxon-planner/auxon/pipeline"
	"github.com/auxon-planner/auxon/planner"
	"github.com/auxon-planner/auxon/templates"
	"github.com/auxon-planner/auxon/workbook"
	"github.com/auxon-planner/auxon/workbook/memwb"
)

var diagWhen = time.Date(2026, 11, 25, 20, 0, 0, 0, time.UTC)

func kindsOf(tabs []*workbook.OutputTab) []string {
	var out []string
	for _, t := range tabs {
		out = append(out, t.Kind)
	}
	return out
}

// text reads a tab's cells as strings, for assertions.
func text(s workbook.Sheet) [][]string {
	var out [][]string
	for _, row := range s.Rows {
		var r []string
		for _, c := range row {
			switch c.Kind {
			case workbook.Number:
				r = append(r, strings.TrimRight(strings.TrimRight(strconvF(c.Num), "0"), "."))
			default:
				r = append(r, c.Str)
			}
		}
		out = append(out, r)
	}
	return out
}

func strconvF(x float64) string {
	b, _ := json.Marshal(x)
	s := string(b)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

func TestRenderDiagnosisTabs(t *testing.T) {
	prio := 0
	tests := []struct {
		name  string
		r     *planner.Report
		kinds []string
		// tab kind -> row 1 (after the header) as text
		first map[string][]string
	}{
		{
			name: "short: Unmet with reasons, Capacity Value",
			r: &planner.Report{Status: planner.StatusOptimal, Created: diagWhen,
				Unmet: []planner.UnmetRow{{Service: "web", Region: "r1", Demand: 50, Served: 30, Shortfall: 20,
					Reason: "ran out of cpu in a (3 of 3 used: web P0 3)", Needs: "2 more replica(s) of web (2 cpu) in a",
					Cells: []string{"Demand!C7", "Clusters!D3"}}},
				CapacityValue: []planner.CapacityValueRow{
					{Cluster: "b", Region: "r1", Resource: "cpu", Supply: 5, Used: 1, Cell: "Clusters!D4"},
					{Cluster: "a", Region: "r1", Resource: "cpu", Supply: 3, Used: 3, UnmetServed: 10, UnmetPriority: &prio, Cell: "Clusters!D3"},
				}},
			kinds: []string{templates.KindSummary, templates.KindPlan, templates.KindUtilization, templates.KindUnmet, templates.KindCapacityValue},
			first: map[string][]string{
				templates.KindUnmet: {"web", "r1", "0", "50", "30", "20", "ran out of cpu in a (3 of 3 used: web P0 3)",
					"2 more replica(s) of web (2 cpu) in a", "Demand!C7; Clusters!D3"},
				templates.KindCapacityValue: {"a", "r1", "cpu", "3", "3", "0", "10", "0", "0", "Clusters!D3"},
			},
		},
		{
			name: "met: Capacity Value tab all the same",
			r: &planner.Report{Status: planner.StatusOptimal, Created: diagWhen,
				CapacityValue: []planner.CapacityValueRow{{Cluster: "a", Resource: "cpu", CostSaving: 2}}},
			kinds: []string{templates.KindSummary, templates.KindPlan, templates.KindUtilization, templates.KindCapacityValue},
		},
		{
			name: "infeasible: Summary and Conflicts only",
			r: &planner.Report{Status: planner.StatusInfeasible, Created: diagWhen,
				Conflicts: &planner.Conflicts{Minimal: true, Rows: []planner.ConflictRow{{Source: "filter", Code: planner.ConflictMinClusters,
					Requirement: "Min Clusters 3 of web", Message: "would need 1 cluster(s) fewer", Give: 1, Unit: "clusters",
					Cells: []string{"Services!K2"}}}}},
			kinds: []string{templates.KindSummary, templates.KindConflicts},
			first: map[string][]string{
				templates.KindConflicts: {"relaxation + filter", "Min Clusters 3 of web", "min-clusters", "would need 1 cluster(s) fewer", "1", "clusters", "Services!K2"},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tabs := templates.Render(tc.r, "auxon", "", workbook.DefaultMaxTabName)
			if got := kindsOf(tabs); !slices.Equal(got, tc.kinds) {
				t.Fatalf("kinds %q, want %q", got, tc.kinds)
			}
			for _, tab := range tabs {
				if len([]rune(tab.Name)) > workbook.DefaultMaxTabName {
					t.Errorf("tab name %q is too long", tab.Name)
				}
				want, ok := tc.first[tab.Kind]
				if !ok {
					continue
				}
				rows := text(tab.Sheet)
				if len(rows) < 2 || !slices.Equal(rows[1], want) {
					t.Errorf("%s row 2 = %q, want %q", tab.Kind, rows[1:], want)
				}
			}
		})
	}
}

// str and num build grid cells.
func str(s string) workbook.Cell  { return workbook.Str(s) }
func num(x float64) workbook.Cell { return workbook.Num(x) }

// conflictBook is a workbook whose requirements conflict: web wants Min
// Clusters 3 but Allowed names two clusters. Validate accepts it; no
// plan exists.
func conflictBook() *workbook.Workbook {
	sheet := func(name string, rows ...[]workbook.Cell) *workbook.Sheet {
		return &workbook.Sheet{Name: name, Rows: rows}
	}
	return memwb.Open(
		sheet(planner.TabResources, []workbook.Cell{str("Resource")}, []workbook.Cell{str("cpu")}),
		sheet(planner.TabClusters, []workbook.Cell{str("Cluster"), str("Region"), str("Continent"), str("cpu"), str("cpu cost")},
			[]workbook.Cell{str("a"), str("r1"), str("eu"), num(100), num(1)},
			[]workbook.Cell{str("b"), str("r1"), str("eu"), num(100), num(1)},
			[]workbook.Cell{str("c"), str("r1"), str("eu"), num(100), num(1)}),
		sheet(planner.TabLatency, []workbook.Cell{str("From"), str("To"), str("RTT")}),
		sheet(planner.TabServices, []workbook.Cell{str("Service"), str("Replica Capacity"), str("cpu per replica"), str("Allowed"), str("Min Clusters")},
			[]workbook.Cell{str("web"), num(10), num(1), str("a, b"), num(3)}),
		sheet(planner.TabDemand, []workbook.Cell{str("Service"), str("Region"), str("Demand")},
			[]workbook.Cell{str("web"), str("r1"), num(30)}),
		sheet(planner.TabDependencies, []workbook.Cell{str("Service"), str("Depends On"), str("Ratio")}),
	)
}

// TestRunInfeasibleWritesConflicts runs the pipeline on a conflicting
// workbook: it writes Summary and Conflicts (naming the cells) and
// plan.json, and returns planner.ErrInfeasible.
func TestRunInfeasibleWritesConflicts(t *testing.T) {
	wb := conflictBook()
	jsonPath := filepath.Join(t.TempDir(), "plan.json")
	out, err := pipeline.Run(context.Background(), pipeline.Job{Workbook: wb, JSONPath: jsonPath, RunID: "run-x",
		Now: func() time.Time { return diagWhen }, Solve: planner.Options{TimeLimit: 5 * time.Second}})
	if !errors.Is(err, planner.ErrInfeasible) {
		t.Fatalf("err %v, want planner.ErrInfeasible", err)
	}
	want := []string{"auxon Summary 2026-11-25 20.00", "auxon Conflicts 2026-11-25 20.00"}
	if !slices.Equal(out.Tabs, want) {
		t.Fatalf("tabs %q, want %q", out.Tabs, want)
	}
	grids, err := wb.ReadTabs(context.Background(), want[1])
	if err != nil {
		t.Fatal(err)
	}
	var cells []string
	for _, row := range grids[want[1]].Rows {
		if len(row) >= 7 {
			cells = append(cells, row[6].Str)
		}
	}
	if !slices.Contains(cells, "Services!E2; Services!D2") || !slices.Contains(cells, "Services!E2") {
		t.Errorf("Conflicts cells %q, want the Min Clusters and Allowed cells of web", cells)
	}
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var rep planner.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Status != planner.StatusInfeasible || rep.Conflicts == nil || len(rep.Conflicts.Rows) != 2 || !rep.Conflicts.Minimal {
		t.Errorf("plan.json status %v, conflicts %+v", rep.Status, rep.Conflicts)
	}
}
