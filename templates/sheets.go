package templates

import (
	"github.com/auxon-planner/auxon/workbook"
)

// sheetFor lays out one intent tab: the header row with a note on each
// header, bold and frozen, dropdowns where values come from a list, then
// the data rows.
func sheetFor(t Tab, tabs []Tab, data [][]workbook.Cell) *workbook.Sheet {
	header := make([]workbook.Cell, len(t.Columns))
	f := workbook.Format{HeaderRows: 1, BoldHeader: true, FreezeHeader: true, Notes: map[int]string{}}
	for j, c := range t.Columns {
		header[j] = workbook.Str(c.Title())
		f.ColumnWidths = append(f.ColumnWidths, float64(max(len(c.Title())+3, 12)))
		f.Notes[j] = note(c)
		if lv, ok := listFor(j, c, tabs); ok {
			f.Lists = append(f.Lists, lv)
		}
	}
	return &workbook.Sheet{Name: t.Name, Rows: append([][]workbook.Cell{header}, data...), Format: f}
}

func note(c Column) string {
	n := c.Note
	if c.Required {
		n = "Required. " + n
	}
	if c.Unit != "" {
		n += " Unit: " + c.Unit + "."
	}
	return n
}

// listFor is the dropdown of column j, if it has one. Dropdowns warn
// rather than refuse, so a user region absent from the list can still be
// typed.
func listFor(j int, c Column, tabs []Tab) (workbook.ListValidation, bool) {
	if len(c.Values) > 0 {
		return workbook.ListValidation{Col: j, Values: c.Values}, true
	}
	if c.ListTab == "" {
		return workbook.ListValidation{}, false
	}
	for _, t := range tabs {
		if t.Name != c.ListTab {
			continue
		}
		for k, src := range t.Columns {
			if src.Key == c.ListKey {
				return workbook.ListValidation{Col: j, SourceTab: t.Name, SourceCol: k}, true
			}
		}
	}
	return workbook.ListValidation{}, false
}

// cells builds a data row from Go values: string, float64, int, nil
// (blank).
func cells(vals ...any) []workbook.Cell {
	out := make([]workbook.Cell, len(vals))
	for i, v := range vals {
		switch x := v.(type) {
		case string:
			out[i] = workbook.Str(x)
		case float64:
			out[i] = workbook.Num(x)
		case int:
			out[i] = workbook.Num(float64(x))
		case bool:
			out[i] = workbook.BoolCell(x)
		}
	}
	return out
}

// layout builds all tabs of the schema for resources, filling each tab's
// rows from data (keyed by tab name).
func layout(resources []Resource, data map[string][][]workbook.Cell) []*workbook.Sheet {
	tabs := Schema(resources)
	out := make([]*workbook.Sheet, len(tabs))
	for i, t := range tabs {
		out[i] = sheetFor(t, tabs, data[t.Name])
	}
	return out
}

// Blank returns the tabs of an empty intent workbook: every tab with its
// headers, notes and dropdowns; Resources lists cpu, ram and ssd and
// Settings lists every setting at its default, for the planner to edit.
func Blank() []*workbook.Sheet {
	return layout(standardResources, map[string][][]workbook.Cell{
		"Resources": {cells("cpu", "cores", "Physical cores"), cells("ram", "GiB", "Memory"), cells("ssd", "TiB", "Local flash")},
		"Settings":  defaultSettings(),
	})
}

var standardResources = []Resource{{"cpu", "cores"}, {"ram", "GiB"}, {"ssd", "TiB"}}

func defaultSettings() [][]workbook.Cell {
	return [][]workbook.Cell{
		cells(SettingTimeLimit, 60),
		cells(SettingMIPGap, 0.0001),
		cells(SettingMoveCost, 0),
		cells(SettingIntraRegionRTT, 1),
		cells(SettingOutputPrefix, "auxon"),
	}
}
