package templates

import (
	"strings"
	"testing"

	"github.com/auxon-planner/auxon/planner"
	"github.com/auxon-planner/auxon/workbook"
)

// baseGrids is a small valid workbook: clusters a1, a2 in r1 and b1 in r2
// (continent c1), d1..d3 in r3 (continent c2).
func baseGrids() map[string]*workbook.Grid {
	g := func(name string, rows ...[]any) *workbook.Grid {
		out := &workbook.Grid{Name: name}
		for _, r := range rows {
			out.Rows = append(out.Rows, cells(r...))
		}
		return out
	}
	return map[string]*workbook.Grid{
		"Resources": g("Resources", []any{"Resource", "Unit"}, []any{"cpu", "cores"}, []any{"ram", "GiB"}),
		"Clusters": g("Clusters", []any{"Cluster", "Region", "Continent", "cpu", "ram", "cpu cost", "Fixed Cost"},
			[]any{"a1", "r1", "c1", 100, 400, 1, 0}, []any{"a2", "r1", "c1", 100, 400, 1, 0},
			[]any{"b1", "r2", "c1", 100, 400, 1, 0}, []any{"d1", "r3", "c2", 100, 400, 1, 0},
			[]any{"d2", "r3", "c2", 100, 400, 1, 0}, []any{"d3", "r3", "c2", 100, 400, 1, 0}),
		"Latency": g("Latency", []any{"From", "To", "RTT (ms)"}, []any{"r1", "r2", 10}, []any{"r1", "r3", 80}, []any{"r2", "r3", 90}),
		"Services": g("Services", []any{"Service", "Priority", "Demand Unit", "Replica Capacity", "cpu per replica", "ram per replica",
			"Min Replicas", "Redundancy", "Redundancy Scope", "Latency SLO (ms)", "Allowed", "Min Clusters", "Max Clusters"},
			[]any{"web", "P0", "QPS", 100, 2, 4, 1, "N+1", "region", 50},
			[]any{"db", 1, "ops", 1000, 4, 16, 1, "N", "region"},
			[]any{"cache", 2, "ops", 500, 1, 2, 1, "N", "global"}),
		"Demand": g("Demand", []any{"Service", "Region", "Demand"}, []any{"web", "r1", 1000}, []any{"web", "r2", 500}, []any{"db", "r3", 200}),
		"Dependencies": g("Dependencies", []any{"Service", "Depends On", "Ratio", "Max RTT (ms)"},
			[]any{"web", "db", 0.5}, []any{"web", "cache", 1}),
		"Reservations": g("Reservations", []any{"Service", "Cluster", "Min Replicas", "Max Replicas"}, []any{"db", "d1", 1, 3}),
		"Current":      g("Current", []any{"Service", "Cluster", "Replicas"}, []any{"web", "a1", 5}),
		"Settings":     g("Settings", []any{"Setting", "Value"}, []any{"time limit", "30s"}, []any{"MIP_gap", "1%"}),
	}
}

// set puts v in tab's A1 cell ref, growing the grid.
func set(grids map[string]*workbook.Grid, tab, ref string, v any) {
	col, row := 0, 0
	i := 0
	for ; ref[i] >= 'A' && ref[i] <= 'Z'; i++ {
		col = col*26 + int(ref[i]-'A') + 1
	}
	for _, d := range ref[i:] {
		row = row*10 + int(d-'0')
	}
	g := grids[tab]
	for len(g.Rows) < row {
		g.Rows = append(g.Rows, nil)
	}
	for len(g.Rows[row-1]) < col {
		g.Rows[row-1] = append(g.Rows[row-1], workbook.Cell{})
	}
	if c, ok := v.(workbook.Cell); ok {
		g.Rows[row-1][col-1] = c
		return
	}
	g.Rows[row-1][col-1] = cells(v)[0]
}

func TestBaseIsValid(t *testing.T) {
	in, ps := Parse(baseGrids())
	if len(ps) > 0 {
		t.Fatalf("base grids have problems:\n%v", ps)
	}
	s := in.FindService("web")
	if s.Priority != 0 || s.Redundancy != 1 || s.LatencySLO != 50 || !s.HasLatencySLO || s.Shape["cpu"] != 2 || s.Row != 2 {
		t.Errorf("web parsed as %+v", s)
	}
	if in.Settings.TimeLimit.Seconds() != 30 || in.Settings.MIPGap != 0.01 {
		t.Errorf("settings parsed as %+v", in.Settings)
	}
	if got := in.CellOf(planner.TabServices, 2, "latency slo").String(); got != "Services!J2" {
		t.Errorf("CellOf latency slo = %s, want Services!J2", got)
	}
}

// problemCase mutates the base grids and expects a problem at cell with
// code (and, if set, a message fragment).
type problemCase struct {
	name   string
	mutate func(g map[string]*workbook.Grid)
	cell   string
	code   string
	msg    string
}

func runProblemCases(t *testing.T, cases []problemCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := baseGrids()
			tc.mutate(g)
			_, ps := Parse(g)
			for _, p := range ps {
				if p.Cell.String() == tc.cell && p.Code == tc.code && strings.Contains(p.Message, tc.msg) {
					return
				}
			}
			t.Errorf("want %s %s %q; got:\n%s", tc.cell, tc.code, tc.msg, dump(ps))
		})
	}
}

func dump(ps planner.Problems) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.Cell.String() + " " + p.Code + " " + string(p.Severity) + ": " + p.Message + "\n")
	}
	return b.String()
}

func setTo(tab, ref string, v any) func(map[string]*workbook.Grid) {
	return func(g map[string]*workbook.Grid) { set(g, tab, ref, v) }
}

func TestStructureProblems(t *testing.T) {
	runProblemCases(t, []problemCase{
		{"missing tab", func(g map[string]*workbook.Grid) { delete(g, "Demand") }, "Demand", "missing-tab", `"Demand"`},
		{"missing column", setTo("Services", "D1", "Capacity"), "Services!1", "missing-column", `"Replica Capacity (demand units)"`},
		{"missing resource column", setTo("Clusters", "E1", "memory"), "Clusters!1", "missing-column", `"ram (GiB)"`},
		{"duplicate column", setTo("Services", "N1", "replica_capacity"), "Services!N1", "duplicate-column", "D1"},
		{"empty header row", func(g map[string]*workbook.Grid) { g["Latency"].Rows = nil }, "Latency!1", "missing-column", `"From"`},
	})
}

func TestValueProblems(t *testing.T) {
	runProblemCases(t, []problemCase{
		{"bad number", setTo("Demand", "C2", "12abc"), "Demand!C2", "bad-number", `"12abc"`},
		{"decimal comma", setTo("Demand", "C2", "1,5"), "Demand!C2", "bad-number", "thousands"},
		{"boolean as number", setTo("Clusters", "D2", true), "Clusters!D2", "bad-number", "boolean"},
		{"not integer", setTo("Services", "G2", 1.5), "Services!G2", "not-integer", "1.5"},
		{"formula error", setTo("Demand", "C2", workbook.Cell{Kind: workbook.Error, Str: "#DIV/0!"}), "Demand!C2", "formula-error", "#DIV/0!"},
		{"blank demand", setTo("Demand", "C2", nil), "Demand!C2", "required", ""},
		{"blank capacity", setTo("Services", "D3", " "), "Services!D3", "required", ""},
		{"blank name", setTo("Services", "A3", nil), "Services!A3", "required", ""},
		{"negative supply", setTo("Clusters", "D2", -5), "Clusters!D2", "negative", "-5"},
		{"negative text", setTo("Demand", "C3", "-1,000"), "Demand!C3", "negative", "-1000"},
		{"NaN", setTo("Demand", "C3", "NaN"), "Demand!C3", "not-finite", "NaN"},
		{"infinite", setTo("Latency", "C2", "Inf"), "Latency!C2", "not-finite", "Inf"},
		{"huge", setTo("Clusters", "F2", "1e999"), "Clusters!F2", "not-finite", ""},
		{"zero capacity", setTo("Services", "D2", 0), "Services!D2", "not-positive", ""},
		{"bad redundancy", setTo("Services", "H2", "N+x"), "Services!H2", "bad-value", `"N+x" is not N, N+k or an integer`},
		{"bad scope", setTo("Services", "I2", "planet"), "Services!I2", "bad-value", "planet"},
		{"bad priority", setTo("Services", "B2", "Px"), "Services!B2", "bad-value", "Px"},
		{"bad time limit", setTo("Settings", "B2", "soon"), "Settings!B2", "bad-value", "duration"},
		{"mip gap out of range", setTo("Settings", "B3", 2), "Settings!B3", "bad-value", "mip gap"},
		{"bad range", setTo("Reservations", "D2", 0), "Reservations!D2", "bad-range", "below"},
		{"unknown setting", setTo("Settings", "A4", "colour"), "Settings!A4", "unknown-setting", "colour"},
	})
}

func TestReferenceProblems(t *testing.T) {
	runProblemCases(t, []problemCase{
		{"duplicate cluster", setTo("Clusters", "A3", "a1"), "Clusters!A3", "duplicate", "row 2"},
		{"duplicate service", setTo("Services", "A4", " web "), "Services!A4", "duplicate", "row 2"},
		{"duplicate demand", setTo("Demand", "B3", "r1"), "Demand!B3", "duplicate", "row 2"},
		{"duplicate latency", func(g map[string]*workbook.Grid) {
			set(g, "Latency", "A5", "r2")
			set(g, "Latency", "B5", "r1")
			set(g, "Latency", "C5", 3)
		}, "Latency!B5", "duplicate", "row 2"},
		{"unknown cluster", setTo("Reservations", "B2", "d9"), "Reservations!B2", "unknown-name", `did you mean "d1"`},
		{"unknown service", setTo("Dependencies", "B2", "dbb"), "Dependencies!B2", "unknown-name", `did you mean "db"`},
		{"unknown service case", setTo("Demand", "A2", "WEB"), "Demand!A2", "unknown-name", `did you mean "web"`},
		{"unknown demand region", setTo("Demand", "B2", "r9"), "Demand!B2", "unknown-name", `did you mean "r1"`},
		{"unknown latency region", setTo("Latency", "A2", "zz-top"), "Latency!A2", "unknown-name", `"zz-top"`},
		{"unknown in allowed", setTo("Services", "K2", "r1, !c7"), "Services!K2", "unknown-name", `did you mean "c1"`},
		{"nothing allowed", setTo("Services", "K3", "!c1, !c2"), "Services!K3", "nothing-allowed", "no cluster"},
		{"reservation not allowed", setTo("Services", "K3", "c1"), "Reservations!B2", "reservation-not-allowed", "d1"},
		{"current unknown", setTo("Current", "B2", "a3"), "Current!B2", "unknown-name", `did you mean`},
	})
}

func TestStructuralProblems(t *testing.T) {
	runProblemCases(t, []problemCase{
		{"cycle", func(g map[string]*workbook.Grid) {
			set(g, "Dependencies", "A4", "db")
			set(g, "Dependencies", "B4", "cache")
			set(g, "Dependencies", "C4", 1)
			set(g, "Dependencies", "A5", "cache")
			set(g, "Dependencies", "B5", "web")
			set(g, "Dependencies", "C5", 1)
		}, "Dependencies!B5", "dependency-cycle", "web → db → cache → web"},
		{"self dependency", func(g map[string]*workbook.Grid) {
			set(g, "Dependencies", "A4", "cache")
			set(g, "Dependencies", "B4", "cache")
			set(g, "Dependencies", "C4", 1)
		}, "Dependencies!B4", "dependency-cycle", "cache → cache"},
		{"N+k: no zone large enough", func(g map[string]*workbook.Grid) {
			set(g, "Services", "H3", "N+3")
			set(g, "Services", "K3", "r3")
		}, "Services!H3", "redundancy-impossible", "needs 4 allowed clusters"},
		{"N+k: demand region reaches only a small zone", setTo("Services", "J2", 5), "Services!H2", "redundancy-impossible", "demand from r2 (Demand!C3) reaches only r2: b1"},
		{"N+k: max clusters", setTo("Services", "M2", 1), "Services!M2", "redundancy-impossible", "max clusters is 1"},
		{"SLO unreachable", setTo("Services", "J2", 0.5), "Services!J2", "slo-unreachable", "demand from r1 (Demand!C2)"},
		{"SLO unreachable, no latency", func(g map[string]*workbook.Grid) {
			set(g, "Demand", "A5", "web")
			set(g, "Demand", "B5", "r3")
			set(g, "Demand", "C5", 10)
			set(g, "Services", "K2", "c1")
		}, "Services!J2", "slo-unreachable", "nearest allowed cluster is a1 at 80 ms"},
		{"dependency out of reach", func(g map[string]*workbook.Grid) {
			set(g, "Services", "K2", "r1")
			set(g, "Services", "K3", "r3")
			set(g, "Dependencies", "D2", 20)
		}, "Dependencies!D2", "dependency-unreachable", "within 20 ms"},
		{"reservation over supply", setTo("Reservations", "C2", 30), "Reservations!C2", "reservation-over-supply", "need 120 cpu"},
		{"latency missing", func(g map[string]*workbook.Grid) { g["Latency"].Rows = g["Latency"].Rows[:3] }, "Latency", "latency-missing", "r2 and r3"},
	})
}

// TestAllAtOnceSorted: every problem is reported in one pass, sorted by
// tab order then row.
func TestAllAtOnceSorted(t *testing.T) {
	g := baseGrids()
	set(g, "Settings", "B3", "lots")
	set(g, "Demand", "C4", "x")
	set(g, "Clusters", "D3", -1)
	set(g, "Demand", "C2", "y")
	_, ps := Parse(g)
	var got []string
	for _, p := range ps {
		got = append(got, p.Cell.String()+" "+p.Code)
	}
	want := []string{"Clusters!D3 negative", "Demand!C2 bad-number", "Demand!C4 bad-number", "Settings!B3 bad-number"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestMissingTabSkipsSemanticChecks(t *testing.T) {
	g := baseGrids()
	delete(g, "Clusters")
	_, ps := Parse(g)
	if len(ps) != 1 || ps[0].Code != "missing-tab" {
		t.Errorf("want only the missing tab, got:\n%s", dump(ps))
	}
}

func TestOptionalTabsAndBlankRows(t *testing.T) {
	g := baseGrids()
	delete(g, "Reservations")
	delete(g, "Current")
	delete(g, "Settings")
	g["Demand"].Rows = append(g["Demand"].Rows, nil, cells("", "  "), cells("web", "r3", 7))
	in, ps := Parse(g)
	if len(ps) > 0 {
		t.Fatalf("problems:\n%s", dump(ps))
	}
	if last := in.Demand[len(in.Demand)-1]; last.Row != 7 || last.Amount != 7 {
		t.Errorf("last demand = %+v, want row 7 amount 7 (blank rows skipped, rows kept)", last)
	}
}
