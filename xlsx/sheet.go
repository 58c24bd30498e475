package xlsx

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/auxon-planner/auxon/workbook/driver"
)

// Limits of the XLSX format; cells beyond them are a corrupt file.
const (
	maxRows = 1 << 20
	maxCols = 1 << 14
)

// cellXML accumulates one <c> element while streaming.
type cellXML struct {
	row, col int
	typ      string
	v        strings.Builder
	is       strings.Builder
	hasV     bool
}

// readSheet streams one worksheet part into a grid.
func (a *archive) readSheet(e sheetEntry) (*driver.Grid, error) {
	f, ok := a.files[e.part]
	if !ok {
		return nil, fmt.Errorf("tab %q: part %q is missing", e.name, e.part)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("tab %q: %w", e.name, err)
	}
	defer rc.Close()
	sst, err := a.sharedStrings()
	if err != nil {
		return nil, err
	}
	g := &driver.Grid{Name: e.name}
	if err := streamSheet(rc, sst, g); err != nil {
		return nil, fmt.Errorf("tab %q: %w", e.name, err)
	}
	g.Trim()
	return g, nil
}

// sheetReader is the state of one worksheet stream.
type sheetReader struct {
	sst     []string
	g       *driver.Grid
	row     int // current 0-based row
	nextCol int
	c       *cellXML
	in      string // "v" or "t" while collecting text
	inIS    bool
	inPh    bool
	merges  []string
}

func streamSheet(r io.Reader, sst []string, g *driver.Grid) error {
	dec := xml.NewDecoder(r)
	s := &sheetReader{sst: sst, g: g, row: -1}
	depth := 0
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			if depth != 0 {
				return fmt.Errorf("worksheet XML is truncated")
			}
			break
		}
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
		if err := s.token(tok); err != nil {
			return err
		}
	}
	s.applyMerges()
	return nil
}

func (s *sheetReader) token(tok xml.Token) error {
	switch t := tok.(type) {
	case xml.StartElement:
		return s.start(t)
	case xml.EndElement:
		return s.end(t)
	case xml.CharData:
		switch {
		case s.c == nil:
		case s.in == "v":
			s.c.v.Write(t)
		case s.in == "t" && s.inIS && !s.inPh:
			s.c.is.Write(t)
		}
	}
	return nil
}

func (s *sheetReader) start(t xml.StartElement) error {
	switch t.Name.Local {
	case "row":
		s.row++
		if r := attr(t, "r"); r != "" {
			n, err := strconv.Atoi(r)
			if err != nil || n < 1 || n > maxRows {
				return fmt.Errorf("bad row number %q", r)
			}
			s.row = n - 1
		}
		s.nextCol = 0
	case "c":
		c := &cellXML{row: s.row, col: s.nextCol, typ: attr(t, "t")}
		if ref := attr(t, "r"); ref != "" {
			col, row, err := parseRef(ref)
			if err != nil {
				return err
			}
			c.col, c.row = col, row
		}
		s.c, s.nextCol = c, c.col+1
	case "v":
		s.in = "v"
		if s.c != nil {
			s.c.hasV = true
		}
	case "is":
		s.inIS = true
	case "t":
		s.in = "t"
	case "rPh":
		s.inPh = true // phonetic runs are not text
	case "mergeCell":
		s.merges = append(s.merges, attr(t, "ref"))
	}
	return nil
}

func (s *sheetReader) end(t xml.EndElement) error {
	switch t.Name.Local {
	case "v", "t":
		s.in = ""
	case "is":
		s.inIS = false
	case "rPh":
		s.inPh = false
	case "c":
		if s.c != nil {
			cell, err := s.value(s.c)
			if err != nil {
				return err
			}
			s.set(s.c.row, s.c.col, cell)
			s.c = nil
		}
	}
	return nil
}

// value decodes a finished cell by its type attribute.
func (s *sheetReader) value(c *cellXML) (driver.Cell, error) {
	v := c.v.String()
	switch c.typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 || i >= len(s.sst) {
			return driver.Cell{}, fmt.Errorf("cell %s: bad shared string index %q", ref(c.col, c.row), v)
		}
		return text(s.sst[i]), nil
	case "inlineStr":
		return text(c.is.String()), nil
	case "str":
		return text(v), nil
	case "b":
		return driver.Cell{Kind: driver.Bool, Bool: strings.TrimSpace(v) == "1" || strings.EqualFold(strings.TrimSpace(v), "true")}, nil
	case "e":
		return driver.Cell{Kind: driver.Error, Str: v}, nil
	case "d":
		return isoDate(v), nil
	}
	if !c.hasV || strings.TrimSpace(v) == "" {
		return driver.Cell{}, nil // a styled blank, or a formula never calculated
	}
	x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil {
		return driver.Cell{Kind: driver.String, Str: v}, nil
	}
	return driver.Cell{Kind: driver.Number, Num: x}, nil
}

func text(s string) driver.Cell {
	if s == "" {
		return driver.Cell{}
	}
	return driver.Cell{Kind: driver.String, Str: s}
}

// excelEpoch is serial day 0 of the 1900 date system, as Excel counts
// (it includes the fictional 1900-02-29).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// isoDate turns an ISO 8601 date cell (t="d") into its serial number.
func isoDate(v string) driver.Cell {
	for _, layout := range []string{"2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, strings.TrimSpace(v)); err == nil {
			return driver.Cell{Kind: driver.Number, Num: t.Sub(excelEpoch).Hours() / 24}
		}
	}
	return driver.Cell{Kind: driver.String, Str: v}
}

// set stores a cell, growing the grid.
func (s *sheetReader) set(row, col int, c driver.Cell) {
	if c.Kind == driver.Empty {
		return
	}
	for len(s.g.Rows) <= row {
		s.g.Rows = append(s.g.Rows, nil)
	}
	r := s.g.Rows[row]
	for len(r) <= col {
		r = append(r, driver.Cell{})
	}
	r[col] = c
	s.g.Rows[row] = r
}

// applyMerges copies each merged range's top-left value into the rest of
// the range, within the grid's used area (a range covering whole columns
// does not grow the grid to a million rows).
func (s *sheetReader) applyMerges() {
	width := 0
	for _, r := range s.g.Rows {
		width = max(width, len(r))
	}
	height := len(s.g.Rows)
	for _, m := range s.merges {
		from, to, ok := strings.Cut(m, ":")
		if !ok {
			continue
		}
		c0, r0, err1 := parseRef(from)
		c1, r1, err2 := parseRef(to)
		if err1 != nil || err2 != nil || r0 >= height {
			continue
		}
		v := s.g.At(r0, c0)
		if v.Kind == driver.Empty {
			continue
		}
		for r := r0; r <= min(r1, height-1); r++ {
			for c := c0; c <= min(c1, width-1); c++ {
				if r != r0 || c != c0 {
					s.set(r, c, v)
				}
			}
		}
	}
}

// parseRef turns "B7" into column 1, row 6 (zero-based).
func parseRef(ref string) (col, row int, err error) {
	i := 0
	for i < len(ref) && (ref[i]|0x20) >= 'a' && (ref[i]|0x20) <= 'z' {
		col = col*26 + int(ref[i]|0x20-'a') + 1
		i++
		if col > maxCols {
			return 0, 0, fmt.Errorf("bad cell reference %q", ref)
		}
	}
	n, err := strconv.Atoi(strings.ReplaceAll(ref[i:], "$", ""))
	if i == 0 || err != nil || n < 1 || n > maxRows {
		return 0, 0, fmt.Errorf("bad cell reference %q", ref)
	}
	return col - 1, n - 1, nil
}

func ref(col, row int) string {
	name := ""
	for col >= 0 {
		name = string(rune('A'+col%26)) + name
		col = col/26 - 1
	}
	return name + strconv.Itoa(row+1)
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}
