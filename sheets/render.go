package sheets

import (
	"sort"
	"strconv"
	"strings"

	"google.golang.org/api/sheets/v4"

	"github.com/auxon-planner/auxon/planner"
	"github.com/auxon-planner/auxon/workbook/driver"
)

// Rendering constants.
const (
	// pixelsPerChar turns a width in characters into pixels (Arial 10 in
	// the Sheets UI averages about 7 px a character, plus padding).
	pixelsPerChar = 7
	cellPadding   = 10
	// defaultListRows is how far a dropdown reaches when the Sheet does
	// not say (driver.ListValidation.Rows).
	defaultListRows = 1000
	// defaultHighlight is the fill of a highlight without a colour.
	defaultHighlight = "FFC7CE"
)

// sheetRequests renders one new tab: addSheet, cells, formats, chart and
// tag. newID supplies chart ids.
func sheetRequests(id int64, ts driver.TaggedSheet, newID func() int64) []*sheets.Request {
	s := ts.Sheet
	f := s.Format
	width := 0
	for _, r := range s.Rows {
		width = max(width, len(r))
	}
	rows := len(s.Rows)
	dataRows := rows - f.HeaderRows
	gp := &sheets.GridProperties{RowCount: int64(max(rows, 1)), ColumnCount: int64(max(width, 1))}
	for _, l := range f.Lists {
		gp.RowCount = max(gp.RowCount, int64(listRows(l)))
		gp.ColumnCount = max(gp.ColumnCount, int64(l.Col+1))
	}
	var anchorRow, anchorCol int64
	if f.Chart != nil && dataRows > 0 {
		anchorRow, anchorCol = anchorCell(f.Chart.Anchor, width)
		gp.RowCount = max(gp.RowCount, anchorRow+1)
		gp.ColumnCount = max(gp.ColumnCount, anchorCol+1)
	}
	if f.FreezeHeader && f.HeaderRows > 0 {
		// Sheets refuses to freeze every row: keep one below the header.
		gp.RowCount = max(gp.RowCount, int64(f.HeaderRows)+1)
		gp.FrozenRowCount = int64(f.HeaderRows)
	}
	reqs := []*sheets.Request{{AddSheet: &sheets.AddSheetRequest{Properties: &sheets.SheetProperties{
		SheetId: id, Title: s.Name, Hidden: s.Hidden, GridProperties: gp}}}}
	if rows > 0 {
		reqs = append(reqs, cellsRequest(id, s))
	}
	if f.BoldHeader && f.HeaderRows > 0 && rows > 0 {
		reqs = append(reqs, repeat(gridRange(id, 0, int64(min(f.HeaderRows, rows)), 0, gp.ColumnCount),
			&sheets.CellFormat{TextFormat: &sheets.TextFormat{Bold: true}}, "userEnteredFormat.textFormat.bold"))
	}
	if dataRows > 0 {
		for _, col := range sortedKeys(f.NumberFormats) {
			reqs = append(reqs, repeat(gridRange(id, int64(f.HeaderRows), int64(rows), int64(col), int64(col)+1),
				&sheets.CellFormat{NumberFormat: numberFormat(f.NumberFormats[col])}, "userEnteredFormat.numberFormat"))
		}
	}
	for j, w := range f.ColumnWidths {
		if w > 0 && int64(j) < gp.ColumnCount {
			reqs = append(reqs, &sheets.Request{UpdateDimensionProperties: &sheets.UpdateDimensionPropertiesRequest{
				Range:      &sheets.DimensionRange{SheetId: id, Dimension: "COLUMNS", StartIndex: int64(j), EndIndex: int64(j) + 1},
				Properties: &sheets.DimensionProperties{PixelSize: int64(w*pixelsPerChar) + cellPadding}, Fields: "pixelSize"}})
		}
	}
	for _, l := range f.Lists {
		reqs = append(reqs, listRequest(id, f.HeaderRows, l))
	}
	if dataRows > 0 {
		for _, h := range f.Highlights {
			reqs = append(reqs, highlightRequest(id, f.HeaderRows, rows, h))
		}
		if f.Chart != nil {
			reqs = append(reqs, chartRequest(id, newID(), f, rows, anchorRow, anchorCol))
		}
	}
	if ts.Tag != nil {
		reqs = append(reqs, &sheets.Request{CreateDeveloperMetadata: &sheets.CreateDeveloperMetadataRequest{
			DeveloperMetadata: &sheets.DeveloperMetadata{MetadataKey: TagKey, MetadataValue: ts.Tag.Encode(),
				Location: &sheets.DeveloperMetadataLocation{SheetId: id}, Visibility: tagVisibility}}})
	}
	return reqs
}

func gridRange(id, r0, r1, c0, c1 int64) *sheets.GridRange {
	return &sheets.GridRange{SheetId: id, StartRowIndex: r0, EndRowIndex: r1, StartColumnIndex: c0, EndColumnIndex: c1}
}

func repeat(r *sheets.GridRange, f *sheets.CellFormat, fields string) *sheets.Request {
	return &sheets.Request{RepeatCell: &sheets.RepeatCellRequest{Range: r, Cell: &sheets.CellData{UserEnteredFormat: f}, Fields: fields}}
}

// cellsRequest writes the typed values, and the header notes, from A1.
func cellsRequest(id int64, s *driver.Sheet) *sheets.Request {
	fields := "userEnteredValue"
	if len(s.Format.Notes) > 0 {
		fields += ",note"
	}
	rows := make([]*sheets.RowData, len(s.Rows))
	for i, r := range s.Rows {
		vals := make([]*sheets.CellData, len(r))
		for j, c := range r {
			vals[j] = &sheets.CellData{UserEnteredValue: extendedValue(c)}
		}
		if i == 0 {
			for j, note := range s.Format.Notes {
				if j < len(vals) {
					vals[j].Note = note
				}
			}
		}
		rows[i] = &sheets.RowData{Values: vals}
	}
	return &sheets.Request{UpdateCells: &sheets.UpdateCellsRequest{Start: &sheets.GridCoordinate{SheetId: id}, Rows: rows, Fields: fields}}
}

// extendedValue is a cell's typed value. Text is always a stringValue
// (never parsed: no formula injection); an error value is written as its
// text, since the API cannot write errors.
func extendedValue(c driver.Cell) *sheets.ExtendedValue {
	switch c.Kind {
	case driver.Number:
		v := c.Num
		return &sheets.ExtendedValue{NumberValue: &v}
	case driver.String, driver.Error:
		v := c.Str
		return &sheets.ExtendedValue{StringValue: &v}
	case driver.Bool:
		v := c.Bool
		return &sheets.ExtendedValue{BoolValue: &v}
	}
	return nil
}

// numberFormat maps a format code to a Sheets NumberFormat.
func numberFormat(code string) *sheets.NumberFormat {
	kind := "NUMBER"
	if strings.Contains(code, "%") {
		kind = "PERCENT"
	}
	return &sheets.NumberFormat{Type: kind, Pattern: code}
}

func listRows(l driver.ListValidation) int {
	if l.Rows > 0 {
		return l.Rows
	}
	return defaultListRows
}

func listRequest(id int64, headerRows int, l driver.ListValidation) *sheets.Request {
	cond := &sheets.BooleanCondition{Type: "ONE_OF_LIST"}
	for _, v := range l.Values {
		cond.Values = append(cond.Values, &sheets.ConditionValue{UserEnteredValue: v})
	}
	if l.SourceTab != "" {
		col := planner.ColumnName(l.SourceCol)
		cond = &sheets.BooleanCondition{Type: "ONE_OF_RANGE", Values: []*sheets.ConditionValue{{
			UserEnteredValue: "=" + quoteTitle(l.SourceTab) + "!$" + col + "$2:$" + col + "$" + strconv.Itoa(listRows(l))}}}
	}
	return &sheets.Request{SetDataValidation: &sheets.SetDataValidationRequest{
		Range: gridRange(id, int64(headerRows), int64(listRows(l)), int64(l.Col), int64(l.Col)+1),
		Rule:  &sheets.DataValidationRule{Condition: cond, ShowCustomUi: true}}}
}

func highlightRequest(id int64, headerRows, rows int, h driver.Highlight) *sheets.Request {
	color := h.Color
	if color == "" {
		color = defaultHighlight
	}
	return &sheets.Request{AddConditionalFormatRule: &sheets.AddConditionalFormatRuleRequest{Rule: &sheets.ConditionalFormatRule{
		Ranges: []*sheets.GridRange{gridRange(id, int64(headerRows), int64(rows), int64(h.FromCol), int64(h.ToCol)+1)},
		BooleanRule: &sheets.BooleanRule{
			Condition: &sheets.BooleanCondition{Type: "NUMBER_GREATER", Values: []*sheets.ConditionValue{{UserEnteredValue: strconv.FormatFloat(h.Above, 'g', -1, 64)}}},
			Format:    &sheets.CellFormat{BackgroundColor: rgb(color)},
		}}}}
}

// rgb parses "RRGGBB"; a bad code gives black.
func rgb(hex string) *sheets.Color {
	v, err := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	if err != nil || len(strings.TrimPrefix(hex, "#")) != 6 {
		return &sheets.Color{}
	}
	return &sheets.Color{Red: float64(v>>16&0xff) / 255, Green: float64(v>>8&0xff) / 255, Blue: float64(v&0xff) / 255}
}

func chartRequest(id, chartID int64, f driver.Format, rows int, anchorRow, anchorCol int64) *sheets.Request {
	c := f.Chart
	kind, axis := "BAR", "BOTTOM_AXIS"
	if c.Kind == driver.ColChart {
		kind, axis = "COLUMN", "LEFT_AXIS"
	}
	src := func(col int) *sheets.ChartData {
		return &sheets.ChartData{SourceRange: &sheets.ChartSourceRange{Sources: []*sheets.GridRange{
			gridRange(id, int64(max(f.HeaderRows-1, 0)), int64(rows), int64(col), int64(col)+1)}}}
	}
	basic := &sheets.BasicChartSpec{ChartType: kind, LegendPosition: "BOTTOM_LEGEND", HeaderCount: int64(min(f.HeaderRows, 1)),
		Domains: []*sheets.BasicChartDomain{{Domain: src(c.CategoryCol)}}}
	for _, v := range c.ValueCols {
		basic.Series = append(basic.Series, &sheets.BasicChartSeries{Series: src(v), TargetAxis: axis})
	}
	return &sheets.Request{AddChart: &sheets.AddChartRequest{Chart: &sheets.EmbeddedChart{
		ChartId: chartID,
		Spec:    &sheets.ChartSpec{Title: c.Title, BasicChart: basic},
		Position: &sheets.EmbeddedObjectPosition{OverlayPosition: &sheets.OverlayPosition{
			AnchorCell: &sheets.GridCoordinate{SheetId: id, RowIndex: anchorRow, ColumnIndex: anchorCol}}},
	}}}
}

// anchorCell parses an A1 cell such as "H2"; a bad or empty one is the
// first row, one column right of the data.
func anchorCell(a1 string, width int) (row, col int64) {
	letters := strings.TrimRight(strings.ToUpper(a1), "0123456789")
	n, err := strconv.Atoi(a1[len(letters):])
	if letters == "" || err != nil || n < 1 || strings.Trim(letters, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return 0, int64(width + 1)
	}
	for _, ch := range letters {
		col = col*26 + int64(ch-'A'+1)
	}
	return int64(n - 1), col - 1
}

// quoteTitle quotes a tab title for a formula.
func quoteTitle(t string) string {
	return "'" + strings.ReplaceAll(t, "'", "''") + "'"
}

func sortedKeys(m map[int]string) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}
