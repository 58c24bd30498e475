package sheetstest

import (
	"fmt"
	"strconv"

	"google.golang.org/api/sheets/v4"

	"github.com/auxon-planner/auxon/workbook/driver"
)

// Spreadsheet seeds a spreadsheet.
type Spreadsheet struct {
	// ID is the spreadsheet id (default "sheet-1", "sheet-2", ...).
	ID string
	// Title defaults to "Untitled spreadsheet".
	Title string
	// Locale and TimeZone default to "en_US" and "Etc/GMT".
	Locale, TimeZone string
	// Sheets are the tabs, in order (default one empty "Sheet1").
	Sheets []Sheet
	// Writers and Readers are the accounts it is shared with; when both are
	// nil anyone may use it.
	Writers, Readers []string
	// Owner may edit protected ranges (default "": the anonymous caller of
	// a server without RequireAuth).
	Owner string
}

// Sheet seeds one tab.
type Sheet struct {
	Title string
	// ID is the sheet id; the first sheet defaults to 0, the others to a
	// random id, as Google does.
	ID     int64
	Hidden bool
	// Rows and Cols size the grid (default 1000 x 26, grown to fit Data).
	Rows, Cols int64
	// Data holds the values by row: float64, int, string, bool, nil,
	// Formula or Error.
	Data [][]any
	// Merges lists merged ranges in A1 notation without a sheet, e.g. "A1:B2".
	Merges []string
}

// Formula seeds a formula cell with the value it evaluates to.
type Formula struct {
	Expr  string
	Value any
}

// Error is a formula error value such as "#DIV/0!".
type Error string

// AddSpreadsheet seeds a spreadsheet and returns its id.
func (s *Server) AddSpreadsheet(sp Spreadsheet) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sp.ID == "" {
		s.nextBID++
		sp.ID = "sheet-" + strconv.Itoa(s.nextBID)
	}
	b := &book{id: sp.ID, title: sp.Title, locale: sp.Locale, timeZone: sp.TimeZone, writers: sp.Writers, readers: sp.Readers, owner: sp.Owner}
	if b.title == "" {
		b.title = "Untitled spreadsheet"
	}
	if b.locale == "" {
		b.locale = "en_US"
	}
	if b.timeZone == "" {
		b.timeZone = "Etc/GMT"
	}
	if len(sp.Sheets) == 0 {
		sp.Sheets = []Sheet{{Title: "Sheet1"}}
	}
	for i, seed := range sp.Sheets {
		sh, err := s.seedSheet(b, i, seed)
		if err != nil {
			return "", fmt.Errorf("sheetstest: seed %q: %w", seed.Title, err)
		}
		b.sheets = append(b.sheets, sh)
	}
	b.reindex()
	if e := b.checkLimits(); e != nil {
		return "", fmt.Errorf("sheetstest: seed: %s", e.message)
	}
	s.books[b.id] = b
	return b.id, nil
}

func (s *Server) seedSheet(b *book, i int, seed Sheet) (*sheet, error) {
	if e := b.checkTitle(seed.Title, nil); e != nil {
		return nil, e
	}
	id := seed.ID
	if id == 0 && i > 0 {
		id = s.newID(func(id int64) bool { return b.byID(id) != nil })
	}
	if b.byID(id) != nil {
		return nil, fmt.Errorf("duplicate sheet id %d", id)
	}
	rows, cols := seed.Rows, seed.Cols
	if rows == 0 {
		rows = defaultRows
	}
	if cols == 0 {
		cols = defaultCols
	}
	rows = max(rows, int64(len(seed.Data)))
	for _, r := range seed.Data {
		cols = max(cols, int64(len(r)))
	}
	sh := &sheet{props: sheets.SheetProperties{SheetId: id, Title: seed.Title, Hidden: seed.Hidden, SheetType: "GRID",
		GridProperties: &sheets.GridProperties{RowCount: rows, ColumnCount: cols}},
		colMeta: map[int64]map[string]any{}, rowMeta: map[int64]map[string]any{}}
	for r, row := range seed.Data {
		for c, v := range row {
			cl, err := seedCell(v)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", cellsA1(int64(r), int64(c), int64(r)+1, int64(c)+1), err)
			}
			sh.set(int64(r), int64(c), cl)
		}
	}
	for _, m := range seed.Merges {
		a, ok := parseCells(m)
		if !ok || a.r1 < 0 || a.c1 < 0 {
			return nil, fmt.Errorf("bad merge %q", m)
		}
		sh.merges = append(sh.merges, &sheets.GridRange{SheetId: id, StartRowIndex: a.r0, EndRowIndex: a.r1, StartColumnIndex: a.c0, EndColumnIndex: a.c1})
	}
	return sh, nil
}

// seedCell turns a Go value into a stored cell.
func seedCell(v any) (cell, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case int:
		return cell{"userEnteredValue": map[string]any{"numberValue": float64(x)}}, nil
	case float64, bool:
		return inputCellOrErr(x)
	case string:
		if x == "" {
			return nil, nil
		}
		return cell{"userEnteredValue": map[string]any{"stringValue": x}}, nil
	case Formula:
		c := cell{"userEnteredValue": map[string]any{"formulaValue": x.Expr}}
		if x.Value != nil {
			ev, err := seedCell(x.Value)
			if err != nil {
				return nil, err
			}
			c["effectiveValue"] = ev["effectiveValue"]
			if ev["effectiveValue"] == nil {
				c["effectiveValue"] = ev["userEnteredValue"]
			}
		}
		return c, nil
	case Error:
		for t, text := range errorText {
			if text == string(x) {
				return cell{"effectiveValue": map[string]any{"errorValue": map[string]any{"type": t, "message": "seeded error"}}}, nil
			}
		}
		return nil, fmt.Errorf("unknown error value %q", x)
	}
	return nil, fmt.Errorf("cannot seed a %T", v)
}

func inputCellOrErr(v any) (cell, error) {
	c, e := inputCell(v, "RAW")
	if e != nil {
		return nil, e
	}
	return c, nil
}

// Spreadsheet returns a spreadsheet as spreadsheets.get with
// includeGridData would, for tests to check cell by cell.
func (s *Server) Spreadsheet(id string) (*sheets.Spreadsheet, error) {
	s.mu.Lock()
	b := s.books[id]
	var m map[string]any
	if b != nil {
		m = b.toJSON(true, nil, nil)
	}
	s.mu.Unlock()
	if b == nil {
		return nil, fmt.Errorf("sheetstest: no spreadsheet %q", id)
	}
	var out sheets.Spreadsheet
	if err := fromMap(m, &out); err != nil {
		return nil, fmt.Errorf("sheetstest: %w", err)
	}
	return &out, nil
}

// Values reads a range as values.get with UNFORMATTED_VALUE would.
func (s *Server) Values(id, rng string) ([][]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.books[id]
	if b == nil {
		return nil, fmt.Errorf("sheetstest: no spreadsheet %q", id)
	}
	sp, e := b.resolve(rng)
	if e != nil {
		return nil, fmt.Errorf("sheetstest: %s", e.message)
	}
	vals, _ := sp.valueRange("UNFORMATTED_VALUE", "ROWS")["values"].([][]any)
	return vals, nil
}

// Editor changes a spreadsheet the way a human in the Sheets UI would.
type Editor struct {
	s *Server
	b *book
}

// Edit runs fn on a copy of the spreadsheet and keeps the changes if fn
// succeeds. Call it from a test or from the hook (SetHook) to edit between
// API calls.
func (s *Server) Edit(id string, fn func(*Editor) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.books[id]
	if b == nil {
		return fmt.Errorf("sheetstest: no spreadsheet %q", id)
	}
	ed := &Editor{s: s, b: b.clone()}
	if err := fn(ed); err != nil {
		return err
	}
	s.books[id] = ed.b
	return nil
}

// Set writes a value (as Sheet.Data takes) into one cell, e.g.
// Set("Demand!C2", 40).
func (e *Editor) Set(a1 string, v any) error {
	sp, ae := e.b.resolve(a1)
	if ae != nil {
		return fmt.Errorf("sheetstest: %s", ae.message)
	}
	c, err := seedCell(v)
	if err != nil {
		return fmt.Errorf("sheetstest: %w", err)
	}
	sp.sh.set(sp.r0, sp.c0, c)
	return nil
}

func errorf(e *apiError) error { return fmt.Errorf("sheetstest: %s", e.message) }

// Rename renames a tab.
func (e *Editor) Rename(from, to string) error {
	sh := e.b.find(from)
	if sh == nil {
		return fmt.Errorf("sheetstest: no tab %q", from)
	}
	if ae := e.b.checkTitle(to, sh); ae != nil {
		return fmt.Errorf("sheetstest: %s", ae.message)
	}
	sh.props.Title = to
	return nil
}

// AddSheet adds an empty 1000 x 26 tab at the end.
func (e *Editor) AddSheet(title string) error {
	sh, err := e.s.seedSheet(e.b, len(e.b.sheets), Sheet{Title: title})
	if err != nil {
		return fmt.Errorf("sheetstest: %w", err)
	}
	e.b.sheets = append(e.b.sheets, sh)
	e.b.reindex()
	return nil
}

// DeleteSheet deletes a tab.
func (e *Editor) DeleteSheet(title string) error {
	sh := e.b.find(title)
	if sh == nil {
		return fmt.Errorf("sheetstest: no tab %q", title)
	}
	bc := &batchCtx{s: e.s, b: e.b, raw: map[string]any{"sheetId": float64(sh.props.SheetId)}}
	if ae := bc.deleteSheet(); ae != nil {
		return fmt.Errorf("sheetstest: %s", ae.message)
	}
	return nil
}

// InsertRows inserts n empty rows before zero-based row at of a tab.
func (e *Editor) InsertRows(title string, at, n int64) error {
	sh := e.b.find(title)
	if sh == nil {
		return fmt.Errorf("sheetstest: no tab %q", title)
	}
	bc := &batchCtx{s: e.s, b: e.b, raw: map[string]any{"range": map[string]any{
		"sheetId": float64(sh.props.SheetId), "dimension": "ROWS", "startIndex": float64(at), "endIndex": float64(at + n)}}}
	if ae := bc.insertDimension(); ae != nil {
		return fmt.Errorf("sheetstest: %s", ae.message)
	}
	return nil
}

// FromSheets seeds a spreadsheet with workbook sheets (their typed rows
// and hidden flags; formatting is ignored), e.g. templates.ExampleSheets().
func FromSheets(ss ...*driver.Sheet) Spreadsheet {
	var sp Spreadsheet
	for _, s := range ss {
		sh := Sheet{Title: s.Name, Hidden: s.Hidden}
		for _, r := range s.Rows {
			row := make([]any, len(r))
			for j, c := range r {
				switch c.Kind {
				case driver.Number:
					row[j] = c.Num
				case driver.String, driver.Error:
					row[j] = c.Str
				case driver.Bool:
					row[j] = c.Bool
				}
			}
			sh.Data = append(sh.Data, row)
		}
		sp.Sheets = append(sp.Sheets, sh)
	}
	return sp
}
