package templates

import (
	"sort"
	"strings"

	"github.com/auxon-planner/auxon/planner"
	"github.com/auxon-planner/auxon/workbook"
)

// Diagnosis tab kinds.
const (
	KindCapacityValue = "Capacity Value"
	KindConflicts     = "Conflicts"
)

// diagKinds adjusts a run's tab kinds for its diagnosis: a run without a
// plan because its requirements conflict writes Summary and Conflicts
// only; a run with a plan adds Capacity Value, which says where more
// supply would save most or serve the most unmet demand.
func diagKinds(r *planner.Report, kinds []string) []string {
	if r.Status == planner.StatusInfeasible {
		out := []string{KindSummary}
		if r.Conflicts != nil {
			out = append(out, KindConflicts)
		}
		return out
	}
	if len(r.CapacityValue) > 0 {
		kinds = append(kinds, KindCapacityValue)
	}
	return kinds
}

// addDiagSheets registers the renderers of the diagnosis tabs; the Unmet
// tab gains the reason, what it would take, and the source cells.
func addDiagSheets(sheets map[string]func(*planner.Report) workbook.Sheet) {
	sheets[KindUnmet] = unmetReasonSheet
	sheets[KindCapacityValue] = capacityValueSheet
	sheets[KindConflicts] = conflictsSheet
}

func unmetReasonSheet(r *planner.Report) workbook.Sheet {
	rows := [][]workbook.Cell{header("Service", "Region", "Priority", "Demand", "Served", "Shortfall", "Reason", "What it would take", "Cells")}
	for _, u := range r.Unmet {
		rows = append(rows, []workbook.Cell{workbook.Str(u.Service), workbook.Str(u.Region), workbook.Num(float64(u.Priority)),
			workbook.Num(u.Demand), workbook.Num(u.Served), workbook.Num(u.Shortfall),
			workbook.Str(u.Reason), workbook.Str(u.Needs), workbook.Str(strings.Join(u.Cells, "; "))})
	}
	f := tableFormat(18, 14, 10, 12, 12, 12, 70, 45, 30)
	for c := 3; c <= 5; c++ {
		f.NumberFormats[c] = "#,##0.##"
	}
	return workbook.Sheet{Rows: rows, Format: f}
}

// capacityValueSheet lists supply rows most valuable first: those that
// serve the most important unmet demand, then those that save the most.
func capacityValueSheet(r *planner.Report) workbook.Sheet {
	cv := append([]planner.CapacityValueRow(nil), r.CapacityValue...)
	sort.SliceStable(cv, func(i, j int) bool {
		a, b := cv[i], cv[j]
		pa, pb := priorityRank(a.UnmetPriority), priorityRank(b.UnmetPriority)
		if pa != pb {
			return pa < pb
		}
		if a.UnmetServed != b.UnmetServed {
			return a.UnmetServed > b.UnmetServed
		}
		return a.CostSaving > b.CostSaving
	})
	rows := [][]workbook.Cell{header("Cluster", "Region", "Resource", "Supply", "Used", "Free",
		"Unmet demand served per unit", "At priority", "Cost saved per unit", "Cell")}
	for _, v := range cv {
		prio := workbook.Str("")
		if v.UnmetPriority != nil {
			prio = workbook.Num(float64(*v.UnmetPriority))
		}
		rows = append(rows, []workbook.Cell{workbook.Str(v.Cluster), workbook.Str(v.Region), workbook.Str(v.Resource),
			workbook.Num(v.Supply), workbook.Num(v.Used), workbook.Num(v.Supply - v.Used),
			workbook.Num(v.UnmetServed), prio, workbook.Num(v.CostSaving), workbook.Str(v.Cell)})
	}
	f := tableFormat(16, 14, 12, 12, 12, 12, 16, 11, 14, 14)
	for c := 3; c <= 8; c++ {
		f.NumberFormats[c] = "#,##0.####"
	}
	f.NumberFormats[7] = "0"
	return workbook.Sheet{Rows: rows, Format: f}
}

// priorityRank orders a level, "helps none" last.
func priorityRank(p *int) int {
	if p == nil {
		return int(^uint(0) >> 1)
	}
	return *p
}

func conflictsSheet(r *planner.Report) workbook.Sheet {
	rows := [][]workbook.Cell{header("Found by", "Requirement", "Kind", "Problem", "Must give", "Unit", "Cells")}
	cs := r.Conflicts
	if cs == nil {
		cs = &planner.Conflicts{}
	}
	for _, c := range cs.Rows {
		by := "check"
		if c.Source == "filter" {
			by = "relaxation + filter"
		}
		rows = append(rows, []workbook.Cell{workbook.Str(by), workbook.Str(c.Requirement), workbook.Str(c.Code),
			workbook.Str(c.Message), workbook.Num(c.Give), workbook.Str(c.Unit), workbook.Str(strings.Join(c.Cells, "; "))})
	}
	note := "These requirements cannot all hold, even with demand left unmet. "
	switch {
	case cs.Stopped != "":
		note += "The search stopped early (" + cs.Stopped + ")."
	case cs.Minimal:
		note += "Relaxing any one filter row by its Must give resolves this conflict (others may remain)."
	}
	rows = append(rows, []workbook.Cell{}, []workbook.Cell{workbook.Str("Note"), workbook.Str(note)})
	for _, n := range r.Notes {
		rows = append(rows, []workbook.Cell{workbook.Str("Note"), workbook.Str(n)})
	}
	f := tableFormat(18, 40, 14, 60, 10, 10, 36)
	f.NumberFormats[4] = "#,##0.##"
	return workbook.Sheet{Rows: rows, Format: f}
}
