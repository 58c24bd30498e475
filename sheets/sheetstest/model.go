package sheetstest

import (
	"encoding/json"
	"strings"

	"google.golang.org/api/sheets/v4"
)

// Grid limits of the real service.
const (
	defaultRows   = 1000
	defaultCols   = 26
	maxCols       = 18278
	maxCells      = 10_000_000
	maxCellText   = 50_000
	maxTitleRunes = 100
)

// cell is the JSON form of a sheets.CellData as stored: userEnteredValue,
// userEnteredFormat, note, dataValidation and, for seeded formulas, the
// effectiveValue. Cells are replaced, never mutated, so a shallow copy of
// a sheet's rows is a snapshot.
type cell = map[string]any

// book is one spreadsheet.
type book struct {
	id       string
	title    string
	locale   string
	timeZone string
	sheets   []*sheet
	meta     []*sheets.DeveloperMetadata // spreadsheet-level
	writers  []string                    // nil with readers nil: anyone may write
	readers  []string
	owner    string // may edit protected ranges
	actor    string // who makes the current change (on a working copy)
}

// sheet is one tab.
type sheet struct {
	props  sheets.SheetProperties
	rows   [][]cell // ragged, only as far as written
	merges []*sheets.GridRange
	meta   []*sheets.DeveloperMetadata
	rules  []*sheets.ConditionalFormatRule
	charts []*sheets.EmbeddedChart
	// protected ranges, each Range with explicit bounds
	protected []*sheets.ProtectedRange
	colMeta   map[int64]map[string]any
	rowMeta   map[int64]map[string]any
}

func (s *sheet) rowCount() int64 { return s.props.GridProperties.RowCount }
func (s *sheet) colCount() int64 { return s.props.GridProperties.ColumnCount }

// clone copies b deeply enough that a batch can change the copy freely.
func (b *book) clone() *book {
	c := *b
	c.meta = append([]*sheets.DeveloperMetadata(nil), b.meta...)
	c.sheets = make([]*sheet, len(b.sheets))
	for i, s := range b.sheets {
		c.sheets[i] = s.clone()
	}
	return &c
}

func (s *sheet) clone() *sheet {
	c := *s
	c.props = cloneProps(s.props)
	c.rows = make([][]cell, len(s.rows))
	for i, r := range s.rows {
		c.rows[i] = append([]cell(nil), r...)
	}
	c.merges = append([]*sheets.GridRange(nil), s.merges...)
	c.meta = append([]*sheets.DeveloperMetadata(nil), s.meta...)
	c.rules = append([]*sheets.ConditionalFormatRule(nil), s.rules...)
	c.charts = append([]*sheets.EmbeddedChart(nil), s.charts...)
	c.protected = append([]*sheets.ProtectedRange(nil), s.protected...)
	c.colMeta = cloneMeta(s.colMeta)
	c.rowMeta = cloneMeta(s.rowMeta)
	return &c
}

func cloneMeta(m map[int64]map[string]any) map[int64]map[string]any {
	out := make(map[int64]map[string]any, len(m))
	for k, v := range m {
		out[k] = v // values are replaced, never mutated
	}
	return out
}

func cloneProps(p sheets.SheetProperties) sheets.SheetProperties {
	if p.GridProperties != nil {
		g := *p.GridProperties
		p.GridProperties = &g
	}
	return p
}

// find returns the sheet with a title, case-insensitively.
func (b *book) find(title string) *sheet {
	for _, s := range b.sheets {
		if strings.EqualFold(s.props.Title, title) {
			return s
		}
	}
	return nil
}

// byID returns the sheet with an id.
func (b *book) byID(id int64) *sheet {
	for _, s := range b.sheets {
		if s.props.SheetId == id {
			return s
		}
	}
	return nil
}

// firstVisible is the sheet an A1 range without a sheet name refers to.
func (b *book) firstVisible() *sheet {
	for _, s := range b.sheets {
		if !s.props.Hidden {
			return s
		}
	}
	return nil
}

func (b *book) reindex() {
	for i, s := range b.sheets {
		s.props.Index = int64(i)
	}
}

func (b *book) cellCount() int64 {
	var n int64
	for _, s := range b.sheets {
		n += s.rowCount() * s.colCount()
	}
	return n
}

// get returns the stored cell at zero-based row and column, or nil.
func (s *sheet) get(r, c int64) cell {
	if r < int64(len(s.rows)) && c < int64(len(s.rows[r])) {
		return s.rows[r][c]
	}
	return nil
}

// set stores a cell (nil clears it), growing the ragged rows as needed.
func (s *sheet) set(r, c int64, v cell) {
	if len(v) == 0 {
		v = nil
	}
	if v == nil && s.get(r, c) == nil {
		return
	}
	for int64(len(s.rows)) <= r {
		s.rows = append(s.rows, nil)
	}
	row := s.rows[r]
	for int64(len(row)) <= c {
		row = append(row, nil)
	}
	row[c] = v
	s.rows[r] = row
}

// effective is the value a cell shows: the seeded effectiveValue of a
// formula, else the userEnteredValue unless it is a formula.
func effective(c cell) map[string]any {
	if c == nil {
		return nil
	}
	if ev, ok := c["effectiveValue"].(map[string]any); ok {
		return ev
	}
	uv, _ := c["userEnteredValue"].(map[string]any)
	if _, isFormula := uv["formulaValue"]; isFormula {
		return nil
	}
	return uv
}

// toMap converts a sheets type to its JSON map.
func toMap(v any) map[string]any {
	b, _ := json.Marshal(v)
	var m map[string]any
	json.Unmarshal(b, &m)
	return m
}

// fromMap converts a JSON map to a sheets type.
func fromMap(m any, v any) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}
