package templates

import (
	"fmt"
	"math"
	"sort"
	"time"
	"unicode/utf8"

	"github.com/auxon-planner/auxon/planner"
	"github.com/auxon-planner/auxon/workbook"
	"github.com/auxon-planner/auxon/workbook/driver"
)

// Output tab kinds.
const (
	KindPlan        = "Plan"
	KindUtilization = "Utilization"
	KindSummary     = "Summary"
	KindUnmet       = "Unmet"
)

// highUtilization is the utilisation above which the Utilization tab
// colours a cell: past 90 % a cluster has little room for growth or
// failover.
const highUtilization = 0.9

// Time stamps of tab names. The time uses a dot, not a colon: Excel
// forbids ':' in sheet names.
const (
	stampLong  = "2006-01-02 15.04"
	stampShort = "01-02 15.04"
)

// TabName is the name of an output tab: "<prefix> <kind> <YYYY-MM-DD HH.MM>"
// in UTC, at most maxLen characters (no limit if maxLen ≤ 0). When it is
// too long (Excel allows 31 characters) the year goes first, then the
// kind takes its short form (Capacity Value: Capacity), then the prefix
// is shortened, then the kind; the tab's tag still records the full
// kind and run id.
func TabName(prefix, kind string, when time.Time, maxLen int) string {
	return tabName(prefix, kind, when, maxLen, fits(prefix, []string{kind}, when, maxLen))
}

// fits picks the longest stamp with which every kind's name fits.
func fits(prefix string, kinds []string, when time.Time, maxLen int) string {
	for _, k := range kinds {
		if maxLen > 0 && utf8.RuneCountInString(tabName(prefix, k, when, 0, stampLong)) > maxLen {
			return stampShort
		}
	}
	return stampLong
}

// shortKinds are the names kinds take when the full one does not fit
// (Excel's 31 characters), before anything is cut.
var shortKinds = map[string]string{KindCapacityValue: "Capacity"}

func tabName(prefix, kind string, when time.Time, maxLen int, layout string) string {
	if prefix == "" {
		prefix = planner.DefaultOutputPrefix
	}
	stamp := when.UTC().Format(layout)
	p, k := []rune(prefix), []rune(kind)
	if maxLen > 0 {
		room := maxLen - utf8.RuneCountInString(stamp) - 2 // two spaces
		if short, ok := shortKinds[kind]; ok && len(p)+len(k) > room {
			k = []rune(short)
		}
		for len(p)+len(k) > room && len(p) > 1 {
			p = p[:len(p)-1]
		}
		for len(p)+len(k) > room && len(k) > 1 {
			k = k[:len(k)-1]
		}
	}
	return fmt.Sprintf("%s %s %s", string(p), string(k), stamp)
}

// Render turns a run's report into its output tabs: Summary, Plan,
// Utilization and, when demand went unmet, Unmet and Capacity Value; a
// run whose requirements conflict gets Summary and Conflicts only (see
// render_diag.go). Names follow TabName
// within maxLen characters, with one stamp format for all of a run's
// tabs; suffix, if not empty, is appended to each name (to keep two runs
// in the same minute apart).
func Render(r *planner.Report, prefix, suffix string, maxLen int) []*workbook.OutputTab {
	kinds := []string{KindSummary, KindPlan, KindUtilization}
	if len(r.Unmet) > 0 {
		kinds = append(kinds, KindUnmet)
	}
	kinds = diagKinds(r, kinds) // Conflicts, Capacity Value: render_diag.go
	room := maxLen
	if maxLen > 0 {
		room -= utf8.RuneCountInString(suffix)
	}
	layout := fits(prefix, kinds, r.Created, room)
	sheets := map[string]func(*planner.Report) workbook.Sheet{KindSummary: summarySheet, KindPlan: planSheet,
		KindUtilization: utilizationSheet, KindUnmet: unmetSheet}
	addDiagSheets(sheets)
	var tabs []*workbook.OutputTab
	for _, kind := range kinds {
		s := sheets[kind](r)
		s.Name = tabName(prefix, kind, r.Created, room, layout) + suffix
		tabs = append(tabs, &workbook.OutputTab{Sheet: s, Kind: kind, RunID: r.RunID})
	}
	return tabs
}

func header(names ...string) []workbook.Cell {
	row := make([]workbook.Cell, len(names))
	for i, n := range names {
		row[i] = workbook.Str(n)
	}
	return row
}

func tableFormat(widths ...float64) workbook.Format {
	return workbook.Format{HeaderRows: 1, BoldHeader: true, FreezeHeader: true, ColumnWidths: widths, NumberFormats: map[int]string{}}
}

// resourceNames lists the resources the plan rows use, sorted.
func resourceNames(r *planner.Report) []string {
	seen := map[string]bool{}
	for _, row := range r.Utilization {
		seen[row.Resource] = true
	}
	for _, row := range r.Plan {
		for res := range row.Resources {
			seen[res] = true
		}
	}
	out := make([]string, 0, len(seen))
	for res := range seen {
		out = append(out, res)
	}
	sort.Strings(out)
	return out
}

func planSheet(r *planner.Report) workbook.Sheet {
	res := resourceNames(r)
	names := append([]string{"Service", "Cluster", "Region", "Replicas"}, res...)
	names = append(names, "Cost", "Load Served", "Current", "Change")
	rows := [][]workbook.Cell{header(names...)}
	for _, p := range r.Plan {
		row := []workbook.Cell{workbook.Str(p.Service), workbook.Str(p.Cluster), workbook.Str(p.Region), workbook.Num(float64(p.Replicas))}
		for _, x := range res {
			row = append(row, workbook.Num(p.Resources[x]))
		}
		row = append(row, workbook.Num(p.Cost), workbook.Num(p.LoadServed), workbook.Num(float64(p.Current)), workbook.Num(float64(p.Change)))
		rows = append(rows, row)
	}
	f := tableFormat(18, 16, 14, 10)
	base := 4 + len(res)
	f.NumberFormats[base] = "#,##0.00"
	f.NumberFormats[base+1] = "#,##0.##"
	f.NumberFormats[base+3] = "+0;-0;0"
	return workbook.Sheet{Rows: rows, Format: f}
}

func utilizationSheet(r *planner.Report) workbook.Sheet {
	rows := [][]workbook.Cell{header("Cluster", "Region", "Resource", "Used", "Supply", "Utilization")}
	for _, u := range r.Utilization {
		rows = append(rows, []workbook.Cell{workbook.Str(u.Cluster), workbook.Str(u.Region), workbook.Str(u.Resource),
			workbook.Num(u.Used), workbook.Num(u.Supply), workbook.Num(u.Utilization)})
	}
	f := tableFormat(16, 14, 12, 12, 12, 12)
	f.NumberFormats[3] = "#,##0.##"
	f.NumberFormats[4] = "#,##0.##"
	f.NumberFormats[5] = "0.0%"
	f.Highlights = []workbook.Highlight{{FromCol: 5, ToCol: 5, Above: highUtilization}}
	if len(r.Utilization) > 0 {
		f.Chart = &workbook.Chart{Kind: driver.BarChart, Title: "Utilization by cluster and resource", CategoryCol: 0, ValueCols: []int{5}, Anchor: "H2"}
	}
	return workbook.Sheet{Rows: rows, Format: f}
}

func unmetSheet(r *planner.Report) workbook.Sheet {
	rows := [][]workbook.Cell{header("Service", "Region", "Priority", "Demand", "Served", "Shortfall")}
	for _, u := range r.Unmet {
		rows = append(rows, []workbook.Cell{workbook.Str(u.Service), workbook.Str(u.Region), workbook.Num(float64(u.Priority)),
			workbook.Num(u.Demand), workbook.Num(u.Served), workbook.Num(u.Shortfall)})
	}
	f := tableFormat(18, 14, 10, 12, 12, 12)
	for c := 3; c <= 5; c++ {
		f.NumberFormats[c] = "#,##0.##"
	}
	return workbook.Sheet{Rows: rows, Format: f}
}

// roundPtr rounds *x (nil stays nil).
func roundPtr(x *float64, decimals int) *float64 {
	if x == nil {
		return nil
	}
	v := round(*x, decimals)
	return &v
}

// round rounds x to the given decimals, for figures people read.
func round(x float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	return math.Round(x*p) / p
}

func summarySheet(r *planner.Report) workbook.Sheet {
	rows := [][]workbook.Cell{header("Item", "Value")}
	add := func(k string, v workbook.Cell) { rows = append(rows, []workbook.Cell{workbook.Str(k), v}) }
	opt := func(x *float64) workbook.Cell {
		if x == nil {
			return workbook.Str("n/a")
		}
		return workbook.Num(*x)
	}
	add("Status", workbook.Str(string(r.Status)))
	if r.Interrupted {
		add("Interrupted", workbook.Str("yes: the best plan found before the stop"))
	}
	add("Total cost", workbook.Num(r.Cost.Total))
	add("Resource cost", workbook.Num(r.Cost.Resource))
	add("Fixed cost", workbook.Num(r.Cost.Fixed))
	add("Churn cost", workbook.Num(r.Cost.Churn))
	add("Unmet demand", workbook.Num(r.Cost.UnmetDemand))
	if r.Baseline != nil {
		add("Greedy baseline cost", workbook.Num(r.Baseline.Total))
		add("Greedy baseline unmet demand", workbook.Num(r.Baseline.UnmetDemand))
		add("Saving over greedy", workbook.Num(r.Saving))
	}
	add("Solver objective", opt(r.Objective))
	add("LP bound", opt(r.LowerBound))
	if r.Gap != nil {
		add("MIP gap (%)", workbook.Num(round(100**r.Gap, 4)))
	} else {
		add("MIP gap (%)", workbook.Str("n/a"))
	}
	add("Solve time (s)", workbook.Num(round(r.SolveSeconds, 2)))
	add("Time to first plan (s)", opt(roundPtr(r.FirstPlanSeconds, 2)))
	add("Time to final plan (s)", opt(roundPtr(r.FinalPlanSeconds, 2)))
	add("Solver", workbook.Str(r.Solver))
	add("Model rows", workbook.Num(float64(r.Model.Rows)))
	add("Model columns", workbook.Num(float64(r.Model.Cols)))
	add("Model nonzeros", workbook.Num(float64(r.Model.Nonzeros)))
	add("Input fingerprint", workbook.Str(r.Fingerprint))
	add("Run id", workbook.Str(r.RunID))
	add("Created (UTC)", workbook.Str(r.Created.UTC().Format(time.RFC3339)))
	for _, p := range r.Phases {
		text := fmt.Sprintf("%s, objective %.6g, bound %.6g, %.2fs", p.Status, p.Objective, p.Bound, p.Time.Seconds())
		if p.Rounds > 0 {
			text += fmt.Sprintf(", %d neighbourhoods searched", p.Rounds)
		}
		add("Phase "+p.Name, workbook.Str(text))
	}
	f := tableFormat(28, 40)
	f.NumberFormats[1] = "#,##0.####"
	return workbook.Sheet{Rows: rows, Format: f}
}
