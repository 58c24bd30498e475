package sheets

import (
	"google.golang.org/api/googleapi"
	"google.golang.org/api/sheets/v4"

	"github.com/auxon-planner/auxon/workbook/driver"
)

// readFields asks spreadsheets.get for what a run needs and no more: tab
// properties, tags, merges and effective values. With a field mask the
// API ignores includeGridData; the mask's data part selects the grids.
const readFields googleapi.Field = "spreadsheetId," +
	"sheets(properties(sheetId,title,index,hidden,sheetType,gridProperties(rowCount,columnCount))," +
	"developerMetadata(metadataKey,metadataValue,location(sheetId,locationType))," +
	"merges,data(startRow,startColumn,rowData(values(effectiveValue))))"

// metaFields is the light read that checks whether a write landed.
const metaFields googleapi.Field = "sheets(properties(sheetId,title),developerMetadata(metadataKey,metadataValue,location(sheetId)))"

// snapshot is one read of the spreadsheet.
type snapshot struct {
	tabs []*tab
}

// tab is one tab as read.
type tab struct {
	id     int64
	title  string
	hidden bool
	tag    *driver.Tag
	rows   [][]driver.Cell
}

func (s *snapshot) find(title string) *tab {
	for _, t := range s.tabs {
		if t.title == title {
			return t
		}
	}
	return nil
}

func newSnapshot(ss *sheets.Spreadsheet) (*snapshot, error) {
	snap := &snapshot{}
	for _, sh := range ss.Sheets {
		p := sh.Properties
		if p == nil {
			continue
		}
		t := &tab{id: p.SheetId, title: p.Title, hidden: p.Hidden, tag: sheetTag(sh)}
		for _, g := range sh.Data {
			t.place(g)
		}
		t.fillMerges(sh.Merges)
		g := driver.Grid{Rows: t.rows}
		g.Trim()
		t.rows = g.Rows
		snap.tabs = append(snap.tabs, t)
	}
	return snap, nil
}

// sheetTag decodes auxon's tag from a sheet's developer metadata.
func sheetTag(sh *sheets.Sheet) *driver.Tag {
	for _, m := range sh.DeveloperMetadata {
		if m.MetadataKey == TagKey {
			if t, ok := driver.DecodeTag(m.MetadataValue); ok {
				return t
			}
		}
	}
	return nil
}

// place copies one GridData block into the tab's rows.
func (t *tab) place(g *sheets.GridData) {
	for i, rd := range g.RowData {
		for j, cd := range rd.Values {
			if c := toCell(cd); c.Kind != driver.Empty {
				t.set(int(g.StartRow)+i, int(g.StartColumn)+j, c)
			}
		}
	}
}

func (t *tab) set(r, c int, v driver.Cell) {
	for len(t.rows) <= r {
		t.rows = append(t.rows, nil)
	}
	for len(t.rows[r]) <= c {
		t.rows[r] = append(t.rows[r], driver.Cell{})
	}
	t.rows[r][c] = v
}

func (t *tab) at(r, c int) driver.Cell {
	if r < len(t.rows) && c < len(t.rows[r]) {
		return t.rows[r][c]
	}
	return driver.Cell{}
}

// fillMerges gives every cell of a merged range its top-left value.
func (t *tab) fillMerges(merges []*sheets.GridRange) {
	for _, m := range merges {
		v := t.at(int(m.StartRowIndex), int(m.StartColumnIndex))
		if v.Kind == driver.Empty {
			continue
		}
		for r := m.StartRowIndex; r < m.EndRowIndex; r++ {
			for c := m.StartColumnIndex; c < m.EndColumnIndex; c++ {
				t.set(int(r), int(c), v)
			}
		}
	}
}

// errorText maps ErrorValue types to what the cell shows.
var errorText = map[string]string{
	"ERROR": "#ERROR!", "NULL_VALUE": "#NULL!", "DIVIDE_BY_ZERO": "#DIV/0!", "VALUE": "#VALUE!",
	"REF": "#REF!", "NAME": "#NAME?", "NUM": "#NUM!", "N_A": "#N/A", "LOADING": "#LOADING",
}

// toCell converts an effective value.
func toCell(cd *sheets.CellData) driver.Cell {
	if cd == nil || cd.EffectiveValue == nil {
		return driver.Cell{}
	}
	ev := cd.EffectiveValue
	switch {
	case ev.NumberValue != nil:
		return driver.Cell{Kind: driver.Number, Num: *ev.NumberValue}
	case ev.StringValue != nil && *ev.StringValue != "":
		return driver.Cell{Kind: driver.String, Str: *ev.StringValue}
	case ev.BoolValue != nil:
		return driver.Cell{Kind: driver.Bool, Bool: *ev.BoolValue}
	case ev.ErrorValue != nil:
		text := errorText[ev.ErrorValue.Type]
		if text == "" {
			text = "#ERROR!"
		}
		return driver.Cell{Kind: driver.Error, Str: text}
	}
	return driver.Cell{}
}
