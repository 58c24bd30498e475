package sheetstest

import (
	"net/http"
)

// span is a bounded zero-based range of one sheet.
type span struct {
	sh             *sheet
	r0, c0, r1, c1 int64
	locale         string // the spreadsheet's, for formatted values
}

// getSpreadsheet serves spreadsheets.get.
func (s *Server) getSpreadsheet(w http.ResponseWriter, r *http.Request, rt *route, c *caller) *apiError {
	q := r.URL.Query()
	var m mask
	if f := q.Get("fields"); f != "" {
		var err error
		if m, err = parseMask(f); err != nil {
			return badRequest("Request contains an invalid argument.")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, e := s.bookFor(rt.id, c, false)
	if e != nil {
		return e
	}
	var spans []span
	for _, rs := range q["ranges"] {
		sp, e := b.resolve(rs)
		if e != nil {
			return e
		}
		spans = append(spans, sp)
	}
	// With a field mask, includeGridData is ignored and the mask decides.
	withData := q.Get("includeGridData") == "true" || (m != nil && sheetsMask(m).has("data"))
	out := b.toJSON(withData, spans, dataMask(m))
	writeJSON(w, 200, prune(out, m))
	return nil
}

// dataMask is the part of a field mask that selects grid data (nil: all).
func dataMask(m mask) mask {
	if m == nil {
		return nil
	}
	return sheetsMask(m)["data"]
}

func sheetsMask(m mask) mask {
	sub, ok := m["sheets"]
	if !ok {
		return mask{}
	}
	return sub
}

// toJSON renders the spreadsheet resource. With spans, only the sheets
// they touch are listed, with data for the spans only.
// dm selects the parts of grid data to build (nil: all).
func (b *book) toJSON(withData bool, spans []span, dm mask) map[string]any {
	var list []any
	for _, sh := range b.sheets {
		var mine []span
		for _, sp := range spans {
			if sp.sh == sh {
				mine = append(mine, sp)
			}
		}
		if len(spans) > 0 && len(mine) == 0 {
			continue
		}
		if len(spans) == 0 {
			all := sh.all()
			all.locale = b.locale
			mine = []span{all}
		}
		list = append(list, sh.toJSON(withData, mine, dm))
	}
	props := map[string]any{"title": b.title, "locale": b.locale, "timeZone": b.timeZone, "autoRecalc": "ON_CHANGE"}
	out := map[string]any{"spreadsheetId": b.id, "properties": props,
		"spreadsheetUrl": "https://docs.google.com/spreadsheets/d/" + b.id + "/edit"}
	if len(list) > 0 {
		out["sheets"] = list
	}
	if len(b.meta) > 0 {
		out["developerMetadata"] = toMap(map[string]any{"m": b.meta})["m"]
	}
	return out
}

func (sh *sheet) all() span {
	return span{sh: sh, r1: sh.rowCount(), c1: sh.colCount()}
}

func (sh *sheet) toJSON(withData bool, spans []span, dm mask) map[string]any {
	out := map[string]any{"properties": toMap(sh.props)}
	put := func(k string, v any, n int) {
		if n > 0 {
			out[k] = toMap(map[string]any{k: v})[k]
		}
	}
	put("merges", sh.merges, len(sh.merges))
	put("developerMetadata", sh.meta, len(sh.meta))
	put("conditionalFormats", sh.rules, len(sh.rules))
	put("charts", sh.charts, len(sh.charts))
	put("protectedRanges", sh.protected, len(sh.protected))
	if withData {
		var data []any
		for _, sp := range spans {
			data = append(data, sp.gridData(dm))
		}
		out["data"] = data
	}
	return out
}

// gridData renders a span as GridData: trimmed rowData plus row and column
// metadata for the whole span (only if dm asks: a tall grid has a lot).
func (sp span) gridData(dm mask) map[string]any {
	out := map[string]any{}
	if sp.r0 > 0 {
		out["startRow"] = sp.r0
	}
	if sp.c0 > 0 {
		out["startColumn"] = sp.c0
	}
	var rows []any
	last := -1
	for r := sp.r0; r < sp.r1 && r < int64(len(sp.sh.rows)); r++ {
		var vals []any
		n := 0
		for c := sp.c0; c < sp.c1; c++ {
			cl := sp.sh.get(r, c)
			vals = append(vals, cellJSON(cl, sp.locale))
			if cl != nil {
				n = len(vals)
			}
		}
		row := map[string]any{}
		if n > 0 {
			row["values"] = vals[:n]
			last = len(rows)
		}
		rows = append(rows, row)
	}
	if last >= 0 {
		out["rowData"] = rows[:last+1]
	}
	if dm.has("rowMetadata") {
		out["rowMetadata"] = dimMeta(sp.sh.rowMeta, sp.r0, sp.r1, 21)
	}
	if dm.has("columnMetadata") {
		out["columnMetadata"] = dimMeta(sp.sh.colMeta, sp.c0, sp.c1, 100)
	}
	return out
}

func dimMeta(m map[int64]map[string]any, from, to, px int64) []any {
	out := make([]any, 0, to-from)
	for i := from; i < to; i++ {
		d := map[string]any{"pixelSize": px}
		for k, v := range m[i] {
			d[k] = v
		}
		out = append(out, d)
	}
	return out
}

// cellJSON renders a stored cell as CellData with effective and formatted
// values.
func cellJSON(c cell, locale string) map[string]any {
	out := map[string]any{}
	for k, v := range c {
		out[k] = v
	}
	if ev := effective(c); ev != nil {
		out["effectiveValue"] = ev
		out["formattedValue"] = formatted(ev, c, locale)
	}
	return out
}

// formatted renders a value as FORMATTED_VALUE: numbers by the cell's
// number format (decimals, grouping, percent) in the spreadsheet's locale.
func formatted(ev map[string]any, c cell, locale string) string {
	switch {
	case ev["numberValue"] != nil:
		f, _ := ev["numberValue"].(float64)
		nf, _ := getPath(c, []string{"userEnteredFormat", "numberFormat"}).(map[string]any)
		pattern, _ := nf["pattern"].(string)
		return formatNumber(f, pattern, locale)
	case ev["stringValue"] != nil:
		s, _ := ev["stringValue"].(string)
		return s
	case ev["boolValue"] != nil:
		if b, _ := ev["boolValue"].(bool); b {
			return "TRUE"
		}
		return "FALSE"
	case ev["errorValue"] != nil:
		e, _ := ev["errorValue"].(map[string]any)
		return errorText[e["type"].(string)]
	}
	return ""
}

// errorText maps ErrorValue types to what a cell shows.
var errorText = map[string]string{
	"ERROR": "#ERROR!", "NULL_VALUE": "#NULL!", "DIVIDE_BY_ZERO": "#DIV/0!", "VALUE": "#VALUE!",
	"REF": "#REF!", "NAME": "#NAME?", "NUM": "#NUM!", "N_A": "#N/A", "LOADING": "Loading...",
}
