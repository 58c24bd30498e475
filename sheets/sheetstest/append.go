package sheetstest

import (
	"net/http"

	"google.golang.org/api/sheets/v4"
)

// valuesAppend serves values.append: the table starts at the first row of
// the range with a value in its columns and runs down (past the range) to
// the last of the consecutive rows with one; the values go below it, into new rows with INSERT_ROWS, else over what is there
// (failing past the grid's edge, which only INSERT_ROWS grows).
func (s *Server) valuesAppend(w http.ResponseWriter, r *http.Request, rt *route, c *caller) *apiError {
	var vr sheets.ValueRange
	if e := decodeStrict(r, &vr); e != nil {
		return e
	}
	q := r.URL.Query()
	opt, insert := q.Get("valueInputOption"), q.Get("insertDataOption") == "INSERT_ROWS"
	if opt != "RAW" && opt != "USER_ENTERED" {
		return badRequest(msgInputOptionNeed)
	}
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
	first, last := sp.tableRows()
	at, n := last+1, int64(len(vr.Values))
	if first < 0 {
		at = sp.r0
	}
	if insert && n > 0 {
		bc := &batchCtx{s: s, b: work, raw: map[string]any{"range": map[string]any{"sheetId": float64(sp.sh.props.SheetId),
			"dimension": "ROWS", "startIndex": float64(at), "endIndex": float64(at + n)}}}
		if at >= sp.sh.rowCount() { // insertDimension past the end appends
			sp.sh.props.GridProperties.RowCount += n
		} else if e := bc.insertDimension(); e != nil {
			return e
		}
	}
	width := int64(0)
	for _, row := range vr.Values {
		width = max(width, int64(len(row)))
	}
	target := span{sh: sp.sh, r0: at, c0: sp.c0, r1: at + max(n, 1), c1: sp.c0 + max(width, 1)}
	if e := target.check(); e != nil {
		return e
	}
	resp, e := work.writeValues(target.a1(), &vr, opt)
	if e != nil {
		return e
	}
	s.books[work.id] = work
	out := map[string]any{"spreadsheetId": work.id, "updates": resp}
	if first >= 0 {
		out["tableRange"] = span{sh: sp.sh, r0: first, c0: sp.c0, r1: last + 1, c1: sp.c1}.a1()
	}
	writeJSON(w, 200, out)
	return nil
}

// tableRows finds the table of an append: its first and last rows, or -1
// when the range holds no value.
func (sp span) tableRows() (first, last int64) {
	has := func(row int64) bool {
		for col := sp.c0; col < sp.c1; col++ {
			if c := sp.sh.get(row, col); c["userEnteredValue"] != nil || effective(c) != nil {
				return true
			}
		}
		return false
	}
	first = -1
	for row := sp.r0; row < sp.r1 && row < int64(len(sp.sh.rows)); row++ {
		if has(row) {
			first = row
			break
		}
	}
	if first < 0 {
		return -1, sp.r0 - 1
	}
	last = first
	for last+1 < int64(len(sp.sh.rows)) && has(last+1) {
		last++
	}
	return first, last
}
