package xlsx

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/auxon-planner/auxon/workbook/driver"
)

// addSheet creates a tab with s's data and renders its format hints.
func addSheet(f *excelize.File, s *driver.Sheet) error {
	if _, err := f.NewSheet(s.Name); err != nil {
		return err
	}
	if err := writeRows(f, s); err != nil {
		return err
	}
	if err := render(f, s); err != nil {
		return err
	}
	if s.Hidden {
		return f.SetSheetVisible(s.Name, false)
	}
	return nil
}

func writeRows(f *excelize.File, s *driver.Sheet) error {
	for i, r := range s.Rows {
		for j, c := range r {
			if err := writeCell(f, s.Name, ref(j, i), c); err != nil {
				return fmt.Errorf("cell %s: %w", ref(j, i), err)
			}
		}
	}
	return nil
}

// writeCell writes one typed cell; numbers keep full precision (excelize
// would otherwise round them to Excel's 15 displayed digits).
func writeCell(f *excelize.File, sheet, cell string, c driver.Cell) error {
	switch c.Kind {
	case driver.Number:
		return f.SetCellFloat(sheet, cell, c.Num, decimals(c.Num), 64)
	case driver.String, driver.Error:
		return f.SetCellStr(sheet, cell, c.Str)
	case driver.Bool:
		return f.SetCellBool(sheet, cell, c.Bool)
	}
	return nil
}

// width is the number of columns of s.
func width(s *driver.Sheet) int {
	w := 0
	for _, r := range s.Rows {
		w = max(w, len(r))
	}
	return w
}

// render applies the format hints excelize supports: all of them.
func render(f *excelize.File, s *driver.Sheet) error {
	steps := []func(*excelize.File, *driver.Sheet) error{
		renderHeader, renderWidths, renderNumberFormats, renderNotes, renderLists, renderHighlights, renderChart,
	}
	for _, step := range steps {
		if err := step(f, s); err != nil {
			return err
		}
	}
	return nil
}

func renderHeader(f *excelize.File, s *driver.Sheet) error {
	h, w := s.Format.HeaderRows, width(s)
	if h <= 0 || w == 0 {
		return nil
	}
	if s.Format.BoldHeader {
		style, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7EEF7"}}})
		if err != nil {
			return err
		}
		if err := f.SetCellStyle(s.Name, "A1", ref(w-1, h-1), style); err != nil {
			return err
		}
	}
	if s.Format.FreezeHeader {
		top := "A" + strconv.Itoa(h+1)
		return f.SetPanes(s.Name, &excelize.Panes{Freeze: true, YSplit: h, TopLeftCell: top, ActivePane: "bottomLeft",
			Selection: []excelize.Selection{{SQRef: top, ActiveCell: top, Pane: "bottomLeft"}}})
	}
	return nil
}

func renderWidths(f *excelize.File, s *driver.Sheet) error {
	for j, w := range s.Format.ColumnWidths {
		if w <= 0 {
			continue
		}
		col := colName(j)
		if err := f.SetColWidth(s.Name, col, col, w); err != nil {
			return err
		}
	}
	return nil
}

func renderNumberFormats(f *excelize.File, s *driver.Sheet) error {
	first, last := s.Format.HeaderRows, len(s.Rows)-1
	if last < first {
		return nil
	}
	for _, j := range sortedInts(s.Format.NumberFormats) {
		code := s.Format.NumberFormats[j]
		style, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
		if err != nil {
			return err
		}
		if err := f.SetCellStyle(s.Name, ref(j, first), ref(j, last), style); err != nil {
			return err
		}
	}
	return nil
}

func renderNotes(f *excelize.File, s *driver.Sheet) error {
	for _, j := range sortedInts(s.Format.Notes) {
		err := f.AddComment(s.Name, excelize.Comment{Author: "auxon", Cell: ref(j, 0), Width: 300, Height: 120,
			Paragraph: []excelize.RichTextRun{{Text: s.Format.Notes[j]}}})
		if err != nil {
			return err
		}
	}
	return nil
}

func renderLists(f *excelize.File, s *driver.Sheet) error {
	for _, l := range s.Format.Lists {
		rows := l.Rows
		if rows <= 0 {
			rows = 1000
		}
		dv := excelize.NewDataValidation(true)
		dv.Sqref = ref(l.Col, s.Format.HeaderRows) + ":" + ref(l.Col, rows-1)
		if len(l.Values) > 0 {
			if err := dv.SetDropList(l.Values); err != nil {
				return err
			}
		} else {
			col := "$" + colName(l.SourceCol)
			dv.SetSqrefDropList(fmt.Sprintf("'%s'!%s$2:%s$%d", l.SourceTab, col, col, rows))
		}
		dv.SetError(excelize.DataValidationErrorStyleWarning, "Not in the list", "This value is not one of the listed names.")
		if err := f.AddDataValidation(s.Name, dv); err != nil {
			return err
		}
	}
	return nil
}

func renderHighlights(f *excelize.File, s *driver.Sheet) error {
	first, last := s.Format.HeaderRows, len(s.Rows)-1
	for _, h := range s.Format.Highlights {
		if last < first {
			return nil
		}
		color := h.Color
		if color == "" {
			color = "FFC7CE"
		}
		style, err := f.NewConditionalStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}},
			Font: &excelize.Font{Color: "9C0006"}})
		if err != nil {
			return err
		}
		rng := ref(h.FromCol, first) + ":" + ref(h.ToCol, last)
		err = f.SetConditionalFormat(s.Name, rng, []excelize.ConditionalFormatOptions{{
			Type: "cell", Criteria: ">", Format: &style, Value: strconv.FormatFloat(h.Above, 'g', -1, 64)}})
		if err != nil {
			return err
		}
	}
	return nil
}

func renderChart(f *excelize.File, s *driver.Sheet) error {
	c := s.Format.Chart
	first, last := s.Format.HeaderRows, len(s.Rows)-1
	if c == nil || last < first {
		return nil
	}
	typ := excelize.Bar
	if c.Kind == driver.ColChart {
		typ = excelize.Col
	}
	q := "'" + s.Name + "'!"
	abs := func(col, row int) string { return "$" + colName(col) + "$" + strconv.Itoa(row+1) }
	chart := &excelize.Chart{Type: typ, Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: c.Title}}},
		Dimension: excelize.ChartDimension{Width: 640, Height: uint(max(320, 22*(last-first+1)))}}
	for _, v := range c.ValueCols {
		chart.Series = append(chart.Series, excelize.ChartSeries{
			Name:       q + abs(v, 0),
			Categories: q + abs(c.CategoryCol, first) + ":" + abs(c.CategoryCol, last),
			Values:     q + abs(v, first) + ":" + abs(v, last),
		})
	}
	anchor := c.Anchor
	if anchor == "" {
		anchor = ref(width(s)+1, 1)
	}
	return f.AddChart(s.Name, anchor, chart)
}

// decimals is the number of decimals of the shortest text that reads
// back as exactly x.
func decimals(x float64) int {
	s := strconv.FormatFloat(x, 'f', -1, 64)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return len(s) - i - 1
	}
	return 0
}

func colName(j int) string {
	r := ref(j, 0)
	return r[:len(r)-1]
}

func sortedInts[V any](m map[int]V) []int {
	var out []int
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
