package sheetstest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"google.golang.org/api/sheets/v4"
)

// resolve parses a range and bounds it by its sheet's grid, with the
// errors Google gives.
func (b *book) resolve(rs string) (span, *apiError) {
	a, ok := parseA1(rs)
	if !ok {
		return span{}, badRequest("Unable to parse range: %s", rs)
	}
	sh := b.firstVisible()
	if a.hasSheet {
		sh = b.find(a.sheet)
	}
	if sh == nil {
		return span{}, badRequest("Unable to parse range: %s", rs)
	}
	sp := span{sh: sh, r0: a.r0, c0: a.c0, r1: a.r1, c1: a.c1, locale: b.locale}
	if a.r1 < 0 {
		sp.r1 = sh.rowCount()
	}
	if a.c1 < 0 {
		sp.c1 = sh.colCount()
	}
	if sp.r1 > sh.rowCount() || sp.c1 > sh.colCount() || sp.r0 >= sh.rowCount() || sp.c0 >= sh.colCount() {
		part := rs
		if i := strings.LastIndexByte(rs, '!'); i >= 0 {
			part = rs[i+1:]
		}
		return span{}, badRequest("Range (%s!%s) exceeds grid limits. Max rows: %d, max columns: %d",
			quoteTitle(sh.props.Title), part, sh.rowCount(), sh.colCount())
	}
	return sp, nil
}

// a1 renders the span as Google echoes it back.
func (sp span) a1() string {
	return quoteTitle(sp.sh.props.Title) + "!" + cellsA1(sp.r0, sp.c0, sp.r1, sp.c1)
}

// valueRange reads a span as a trimmed ValueRange.
func (sp span) valueRange(render, major string) map[string]any {
	var rows [][]any
	lastRow := -1
	for r := sp.r0; r < sp.r1 && r < int64(len(sp.sh.rows)); r++ {
		var vals []any
		n := 0
		for c := sp.c0; c < sp.c1; c++ {
			v := renderValue(sp.sh.get(r, c), render, sp.locale)
			vals = append(vals, v)
			if v != "" {
				n = len(vals)
			}
		}
		vals = vals[:n]
		if vals == nil {
			vals = []any{}
		}
		rows = append(rows, vals)
		if n > 0 {
			lastRow = len(rows) - 1
		}
	}
	rows = rows[:lastRow+1]
	if major == "COLUMNS" {
		rows = transpose(rows)
	} else {
		major = "ROWS"
	}
	out := map[string]any{"range": sp.a1(), "majorDimension": major}
	if len(rows) > 0 {
		out["values"] = rows
	}
	return out
}

func transpose(rows [][]any) [][]any {
	var out [][]any
	for i, r := range rows {
		for j, v := range r {
			for len(out) <= j {
				out = append(out, []any{})
			}
			for len(out[j]) < i {
				out[j] = append(out[j], "")
			}
			out[j] = append(out[j], v)
		}
	}
	for j := range out { // trailing blanks of each column
		n := len(out[j])
		for n > 0 && out[j][n-1] == "" {
			n--
		}
		out[j] = out[j][:n]
	}
	return out
}

// renderValue renders a cell for a ValueRange; "" is empty.
func renderValue(c cell, render, locale string) any {
	if render == "FORMULA" {
		if uv, _ := c["userEnteredValue"].(map[string]any); uv["formulaValue"] != nil {
			return uv["formulaValue"]
		}
	}
	ev := effective(c)
	if ev == nil {
		return ""
	}
	if render == "FORMATTED_VALUE" || render == "" || ev["errorValue"] != nil {
		return formatted(ev, c, locale)
	}
	for _, k := range []string{"numberValue", "stringValue", "boolValue"} {
		if v, ok := ev[k]; ok {
			return v
		}
	}
	return ""
}

func (s *Server) valuesGet(w http.ResponseWriter, r *http.Request, rt *route, c *caller) *apiError {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	b, e := s.bookFor(rt.id, c, false)
	if e != nil {
		return e
	}
	sp, e := b.resolve(rt.rng)
	if e != nil {
		return e
	}
	writeJSON(w, 200, sp.valueRange(q.Get("valueRenderOption"), q.Get("majorDimension")))
	return nil
}

func (s *Server) valuesBatchGet(w http.ResponseWriter, r *http.Request, rt *route, c *caller) *apiError {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	b, e := s.bookFor(rt.id, c, false)
	if e != nil {
		return e
	}
	var vrs []any
	for _, rs := range q["ranges"] {
		sp, e := b.resolve(rs)
		if e != nil {
			return e
		}
		vrs = append(vrs, sp.valueRange(q.Get("valueRenderOption"), q.Get("majorDimension")))
	}
	out := map[string]any{"spreadsheetId": b.id}
	if len(vrs) > 0 {
		out["valueRanges"] = vrs
	}
	writeJSON(w, 200, out)
	return nil
}

// decodeStrict decodes a request body against a sheets type, refusing
// unknown fields as Google does.
func decodeStrict(r *http.Request, v any) *apiError {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		msg := err.Error()
		if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
			return badRequest("Invalid JSON payload received. Unknown name %s: Cannot find field.", name)
		}
		return badRequest("Invalid JSON payload received. %s", msg)
	}
	return nil
}

func (s *Server) valuesUpdate(w http.ResponseWriter, r *http.Request, rt *route, c *caller) *apiError {
	var vr sheets.ValueRange
	if e := decodeStrict(r, &vr); e != nil {
		return e
	}
	opt := r.URL.Query().Get("valueInputOption")
	s.mu.Lock()
	defer s.mu.Unlock()
	work, e := s.draft(rt.id, c)
	if e != nil {
		return e
	}
	resp, e := work.writeValues(rt.rng, &vr, opt)
	if e != nil {
		return e
	}
	s.books[work.id] = work
	writeJSON(w, 200, resp)
	return nil
}

func (s *Server) valuesBatchUpdate(w http.ResponseWriter, r *http.Request, rt *route, c *caller) *apiError {
	var req sheets.BatchUpdateValuesRequest
	if e := decodeStrict(r, &req); e != nil {
		return e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	work, e := s.draft(rt.id, c)
	if e != nil {
		return e
	}
	var resps []any
	var rows, cells int
	for i, vr := range req.Data {
		resp, e := work.writeValues(vr.Range, vr, req.ValueInputOption)
		if e != nil {
			e.message = fmt.Sprintf("Invalid data[%d]: %s", i, e.message)
			return e
		}
		resps = append(resps, resp)
		rows += resp.UpdatedRows
		cells += resp.UpdatedCells
	}
	s.books[work.id] = work
	writeJSON(w, 200, map[string]any{"spreadsheetId": work.id, "totalUpdatedRows": rows, "totalUpdatedCells": cells,
		"totalUpdatedSheets": len(req.Data), "responses": resps})
	return nil
}

type updateResp struct {
	SpreadsheetID  string `json:"spreadsheetId"`
	UpdatedRange   string `json:"updatedRange,omitempty"`
	UpdatedRows    int    `json:"updatedRows,omitempty"`
	UpdatedColumns int    `json:"updatedColumns,omitempty"`
	UpdatedCells   int    `json:"updatedCells,omitempty"`
}

// writeValues writes a ValueRange into the range rs.
func (b *book) writeValues(rs string, vr *sheets.ValueRange, opt string) (*updateResp, *apiError) {
	if opt != "RAW" && opt != "USER_ENTERED" {
		return nil, badRequest(msgInputOptionNeed)
	}
	sp, e := b.resolve(rs)
	if e != nil {
		return nil, e
	}
	if e := b.guard(sp); e != nil {
		return nil, e
	}
	rows := vr.Values
	if vr.MajorDimension == "COLUMNS" {
		rows = transpose(rows)
	}
	resp := &updateResp{SpreadsheetID: b.id}
	var maxC int64
	for i, row := range rows {
		r := sp.r0 + int64(i)
		if r >= sp.r1 {
			return nil, badRequest("Requested writing within range [%s], but tried writing to row [%d]", sp.a1(), r+1)
		}
		for j, v := range row {
			col := sp.c0 + int64(j)
			if col >= sp.c1 {
				return nil, badRequest("Requested writing within range [%s], but tried writing to column [%s]", sp.a1(), colName(col))
			}
			if v == nil {
				continue // nulls are skipped
			}
			cl, e := inputCell(v, opt)
			if e != nil {
				return nil, e
			}
			sp.sh.set(r, col, cl)
			resp.UpdatedCells++
			maxC = max(maxC, int64(j)+1)
		}
	}
	if resp.UpdatedCells > 0 {
		resp.UpdatedRows, resp.UpdatedColumns = len(rows), int(maxC)
		resp.UpdatedRange = span{sh: sp.sh, r0: sp.r0, c0: sp.c0, r1: sp.r0 + int64(len(rows)), c1: sp.c0 + maxC}.a1()
	}
	return resp, nil
}

// inputCell turns an input value into a stored cell: RAW keeps strings as
// strings; USER_ENTERED parses numbers, percents, booleans, formulas and a
// leading apostrophe.
func inputCell(v any, opt string) (cell, *apiError) {
	uv := map[string]any{}
	switch x := v.(type) {
	case float64:
		uv["numberValue"] = x
	case bool:
		uv["boolValue"] = x
	case string:
		if len([]rune(x)) > maxCellText {
			return nil, badRequest(msgCellText)
		}
		if x == "" {
			return nil, nil
		}
		if opt == "USER_ENTERED" {
			return userEntered(x), nil
		}
		uv["stringValue"] = x
	default:
		return nil, badRequest("Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), %v", v)
	}
	return cell{"userEnteredValue": uv}, nil
}

func userEntered(x string) cell {
	t := strings.TrimSpace(x)
	switch {
	case strings.HasPrefix(x, "'"):
		return cell{"userEnteredValue": map[string]any{"stringValue": x[1:]}}
	case strings.HasPrefix(t, "=") || strings.HasPrefix(t, "+"):
		return cell{"userEnteredValue": map[string]any{"formulaValue": t}}
	case strings.EqualFold(t, "TRUE") || strings.EqualFold(t, "FALSE"):
		return cell{"userEnteredValue": map[string]any{"boolValue": strings.EqualFold(t, "TRUE")}}
	}
	num := strings.ReplaceAll(t, ",", "")
	pct := strings.HasSuffix(num, "%")
	if f, err := strconv.ParseFloat(strings.TrimSuffix(num, "%"), 64); err == nil {
		if pct {
			f /= 100
		}
		return cell{"userEnteredValue": map[string]any{"numberValue": f}}
	}
	return cell{"userEnteredValue": map[string]any{"stringValue": x}}
}

func (s *Server) valuesClear(w http.ResponseWriter, r *http.Request, rt *route, c *caller) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	work, e := s.draft(rt.id, c)
	if e != nil {
		return e
	}
	sp, e := work.resolve(rt.rng)
	if e != nil {
		return e
	}
	if e := work.guard(sp); e != nil {
		return e
	}
	for r := sp.r0; r < sp.r1 && r < int64(len(sp.sh.rows)); r++ {
		for col := sp.c0; col < sp.c1; col++ {
			if cl := sp.sh.get(r, col); cl != nil {
				nc := cell{}
				for k, v := range cl {
					if k != "userEnteredValue" && k != "effectiveValue" {
						nc[k] = v
					}
				}
				sp.sh.set(r, col, nc)
			}
		}
	}
	s.books[work.id] = work
	writeJSON(w, 200, map[string]any{"spreadsheetId": work.id, "clearedRange": sp.a1()})
	return nil
}
