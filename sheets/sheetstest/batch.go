package sheetstest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"google.golang.org/api/sheets/v4"
)

// batchCtx is one sub-request being applied to a working copy.
type batchCtx struct {
	s    *Server
	b    *book
	rq   *sheets.Request
	raw  map[string]any // the sub-request's own JSON object
	kind string
}

// batchUpdate serves spreadsheets.batchUpdate: every sub-request runs in
// order on a copy that replaces the spreadsheet only if all succeed.
func (s *Server) batchUpdate(w http.ResponseWriter, r *http.Request, rt *route, c *caller) *apiError {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return badRequest("Invalid JSON payload received.")
	}
	var req sheets.BatchUpdateSpreadsheetRequest
	r.Body = io.NopCloser(bytes.NewReader(body))
	if e := decodeStrict(r, &req); e != nil {
		return e
	}
	var raw struct {
		Requests []map[string]any `json:"requests"`
	}
	json.Unmarshal(body, &raw)
	if len(req.Requests) == 0 {
		return badRequest(msgNoRequests)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	work, e := s.draft(rt.id, c)
	if e != nil {
		return e
	}
	replies := make([]any, 0, len(req.Requests))
	for i, rq := range req.Requests {
		if len(raw.Requests[i]) != 1 {
			return badRequest("Invalid requests[%d]: exactly one kind of request must be set.", i)
		}
		bc := &batchCtx{s: s, b: work, rq: rq}
		for k, v := range raw.Requests[i] {
			bc.kind, _ = k, v
			bc.raw, _ = v.(map[string]any)
		}
		reply, e := bc.apply()
		if e != nil {
			e.message = fmt.Sprintf("Invalid requests[%d].%s: %s", i, bc.kind, e.message)
			return e
		}
		if reply == nil {
			reply = map[string]any{}
		}
		replies = append(replies, reply)
	}
	s.books[work.id] = work
	out := map[string]any{"spreadsheetId": work.id, "replies": replies}
	if req.IncludeSpreadsheetInResponse {
		out["updatedSpreadsheet"] = work.toJSON(req.ResponseIncludeGridData, nil, nil)
	}
	writeJSON(w, 200, out)
	return nil
}

func (bc *batchCtx) apply() (any, *apiError) {
	switch bc.kind {
	case "addSheet":
		return bc.addSheet()
	case "deleteSheet":
		return nil, bc.deleteSheet()
	case "updateSheetProperties":
		return nil, bc.updateSheetProperties()
	case "updateCells":
		return nil, bc.updateCells()
	case "repeatCell":
		return nil, bc.repeatCell()
	case "updateDimensionProperties":
		return nil, bc.updateDimensionProperties()
	case "insertDimension":
		return nil, bc.insertDimension()
	case "mergeCells":
		return nil, bc.mergeCells()
	case "setDataValidation":
		return nil, bc.setDataValidation()
	case "addConditionalFormatRule":
		return nil, bc.addConditionalFormatRule()
	case "addChart":
		return bc.addChart()
	case "createDeveloperMetadata":
		return bc.createDeveloperMetadata()
	case "addProtectedRange":
		return bc.addProtectedRange()
	}
	return nil, badRequest("%s is not supported by sheetstest.", bc.kind)
}

// obj returns the object at a path of a JSON map, or nil.
func obj(m map[string]any, path ...string) map[string]any {
	for _, k := range path {
		m, _ = m[k].(map[string]any)
	}
	return m
}

// intAt returns a JSON integer (sent as a number or a string).
func intAt(m map[string]any, k string) (int64, bool) {
	switch v := m[k].(type) {
	case float64:
		return int64(v), true
	case string:
		var n int64
		_, err := fmt.Sscan(v, &n)
		return n, err == nil
	}
	return 0, false
}

// fieldPaths parses an update request's "fields".
func fieldPaths(f string) ([][]string, *apiError) {
	f = strings.TrimSpace(f)
	if f == "" {
		return nil, badRequest(msgFieldsRequired)
	}
	var out [][]string
	for _, p := range strings.Split(f, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		out = append(out, strings.FieldsFunc(p, func(r rune) bool { return r == '.' || r == '/' }))
	}
	return out, nil
}

// applyFields copies the fields paths select from src into a copy of dst.
func applyFields(dst, src map[string]any, paths [][]string) map[string]any {
	out := map[string]any{}
	for k, v := range dst {
		out[k] = v
	}
	for _, p := range paths {
		if len(p) == 1 && p[0] == "*" {
			out = map[string]any{}
			for k, v := range src {
				out[k] = v
			}
			continue
		}
		setPath(out, p, getPath(src, p))
	}
	return out
}

func getPath(m map[string]any, p []string) any {
	var v any = m
	for _, k := range p {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[k]
	}
	return v
}

// setPath sets (or with nil deletes) a path, copying the maps on the way
// so stored values are never mutated.
func setPath(m map[string]any, p []string, v any) {
	if len(p) == 1 {
		if v == nil {
			delete(m, p[0])
		} else {
			m[p[0]] = v
		}
		return
	}
	child := map[string]any{}
	if old, ok := m[p[0]].(map[string]any); ok {
		for k, x := range old {
			child[k] = x
		}
	}
	setPath(child, p[1:], v)
	if len(child) == 0 {
		delete(m, p[0])
		return
	}
	m[p[0]] = child
}

// gridRange resolves a GridRange: a missing sheetId is 0, a missing start
// is 0 and a missing end is the edge of the grid.
func (bc *batchCtx) gridRange(raw map[string]any) (span, *apiError) {
	id, _ := intAt(raw, "sheetId")
	sh := bc.b.byID(id)
	if sh == nil {
		return span{}, badRequest("No grid with id: %d", id)
	}
	sp := sh.all()
	if v, ok := intAt(raw, "startRowIndex"); ok {
		sp.r0 = v
	}
	if v, ok := intAt(raw, "startColumnIndex"); ok {
		sp.c0 = v
	}
	if v, ok := intAt(raw, "endRowIndex"); ok {
		sp.r1 = v
	}
	if v, ok := intAt(raw, "endColumnIndex"); ok {
		sp.c1 = v
	}
	return sp, sp.check()
}

// check fails a span past the grid's edge.
func (sp span) check() *apiError {
	sh := sp.sh
	if sp.r0 < 0 || sp.c0 < 0 || sp.r1 > sh.rowCount() || sp.c1 > sh.colCount() || sp.r0 > sp.r1 || sp.c0 > sp.c1 {
		return badRequest("Range (%s!%s) exceeds grid limits. Max rows: %d, max columns: %d",
			quoteTitle(sh.props.Title), cellsA1(sp.r0, sp.c0, max(sp.r1, sp.r0+1), max(sp.c1, sp.c0+1)), sh.rowCount(), sh.colCount())
	}
	return nil
}

// checkTitle applies the sheet title rules; self is the sheet being
// renamed, if any.
func (b *book) checkTitle(title string, self *sheet) *apiError {
	switch {
	case strings.TrimSpace(title) == "":
		return badRequest(msgTitleEmpty)
	case len([]rune(title)) > maxTitleRunes:
		return badRequest(msgTitleLong)
	}
	if o := b.find(title); o != nil && o != self {
		return badRequest("A sheet with the name \"%s\" already exists. Please enter another name.", title)
	}
	return nil
}

func (b *book) checkLimits() *apiError {
	if b.cellCount() > maxCells {
		return badRequest(msgCellLimit)
	}
	for _, sh := range b.sheets {
		g := sh.props.GridProperties
		switch {
		case sh.colCount() > maxCols:
			return badRequest("The number of columns in a sheet cannot exceed %d.", maxCols)
		case g.FrozenRowCount >= g.RowCount:
			return badRequest(msgFreezeRows)
		case g.FrozenColumnCount >= g.ColumnCount:
			return badRequest(msgFreezeCols)
		}
	}
	return nil
}

func (bc *batchCtx) addSheet() (any, *apiError) {
	b := bc.b
	praw := obj(bc.raw, "properties")
	var props sheets.SheetProperties
	if bc.rq.AddSheet.Properties != nil {
		props = cloneProps(*bc.rq.AddSheet.Properties)
	}
	if id, ok := intAt(praw, "sheetId"); ok {
		if b.byID(id) != nil {
			return nil, badRequest("A sheet with the id %d already exists.", id)
		}
		props.SheetId = id
	} else {
		props.SheetId = bc.s.newID(func(id int64) bool { return b.byID(id) != nil })
	}
	if _, ok := praw["title"]; !ok {
		for n := len(b.sheets) + 1; ; n++ {
			if props.Title = fmt.Sprintf("Sheet%d", n); b.find(props.Title) == nil {
				break
			}
		}
	}
	if e := b.checkTitle(props.Title, nil); e != nil {
		return nil, e
	}
	if props.SheetType == "" {
		props.SheetType = "GRID"
	}
	if props.GridProperties == nil {
		props.GridProperties = &sheets.GridProperties{}
	}
	g := props.GridProperties
	if g.RowCount <= 0 {
		g.RowCount = defaultRows
	}
	if g.ColumnCount <= 0 {
		g.ColumnCount = defaultCols
	}
	at := int64(len(b.sheets))
	if idx, ok := intAt(praw, "index"); ok {
		if idx < 0 || idx > at {
			return nil, badRequest("Invalid index %d: it must be between 0 and %d.", idx, at)
		}
		at = idx
	}
	sh := &sheet{props: props, colMeta: map[int64]map[string]any{}, rowMeta: map[int64]map[string]any{}}
	b.sheets = append(b.sheets[:at], append([]*sheet{sh}, b.sheets[at:]...)...)
	b.reindex()
	if b.firstVisible() == nil {
		return nil, badRequest(msgHideAll)
	}
	if e := b.checkLimits(); e != nil {
		return nil, e
	}
	return map[string]any{"addSheet": map[string]any{"properties": toMap(sh.props)}}, nil
}

func (bc *batchCtx) deleteSheet() *apiError {
	b := bc.b
	id, _ := intAt(bc.raw, "sheetId")
	sh := b.byID(id)
	if sh == nil {
		return badRequest("No grid with id: %d", id)
	}
	if len(b.sheets) == 1 {
		return badRequest(msgRemoveAll)
	}
	if e := b.guard(sh.all()); e != nil {
		return e
	}
	for i, x := range b.sheets {
		if x == sh {
			b.sheets = append(b.sheets[:i], b.sheets[i+1:]...)
			break
		}
	}
	b.reindex()
	if b.firstVisible() == nil {
		return badRequest(msgHideAll)
	}
	return nil
}

func (bc *batchCtx) updateSheetProperties() *apiError {
	b := bc.b
	paths, e := fieldPaths(bc.rq.UpdateSheetProperties.Fields)
	if e != nil {
		return e
	}
	praw := obj(bc.raw, "properties")
	id, _ := intAt(praw, "sheetId")
	sh := b.byID(id)
	if sh == nil {
		return badRequest("No grid with id: %d", id)
	}
	oldIndex := sh.props.Index
	merged := applyFields(toMap(sh.props), praw, paths)
	var props sheets.SheetProperties
	if err := fromMap(merged, &props); err != nil {
		return badRequest("Invalid properties: %v", err)
	}
	props.SheetId = sh.props.SheetId
	if props.GridProperties == nil {
		props.GridProperties = &sheets.GridProperties{}
	}
	if props.GridProperties.RowCount < 1 || props.GridProperties.ColumnCount < 1 {
		return badRequest("A sheet must have at least one row and one column.")
	}
	if e := b.checkTitle(props.Title, sh); e != nil {
		return e
	}
	sh.props = props
	sh.truncate()
	if props.Index != oldIndex {
		b.move(sh, props.Index)
	}
	b.reindex()
	if b.firstVisible() == nil {
		return badRequest(msgHideAll)
	}
	return b.checkLimits()
}

// truncate drops cells outside a shrunken grid.
func (sh *sheet) truncate() {
	if int64(len(sh.rows)) > sh.rowCount() {
		sh.rows = sh.rows[:sh.rowCount()]
	}
	for i, r := range sh.rows {
		if int64(len(r)) > sh.colCount() {
			sh.rows[i] = r[:sh.colCount()]
		}
	}
}

func (b *book) move(sh *sheet, to int64) {
	var rest []*sheet
	for _, x := range b.sheets {
		if x != sh {
			rest = append(rest, x)
		}
	}
	to = min(max(to, 0), int64(len(rest)))
	b.sheets = append(rest[:to:to], append([]*sheet{sh}, rest[to:]...)...)
}

// writeCell applies fields of src to the cell at (r, c).
func writeCell(sh *sheet, r, c int64, src map[string]any, paths [][]string) *apiError {
	if s, ok := getPath(src, []string{"userEnteredValue", "stringValue"}).(string); ok && len([]rune(s)) > maxCellText {
		return badRequest(msgCellText)
	}
	old := sh.get(r, c)
	nc := applyFields(old, src, paths)
	if _, changed := getPath(src, []string{"userEnteredValue"}).(map[string]any); changed || nc["userEnteredValue"] == nil {
		delete(nc, "effectiveValue")
	}
	sh.set(r, c, nc)
	return nil
}

func (bc *batchCtx) updateCells() *apiError {
	paths, e := fieldPaths(bc.rq.UpdateCells.Fields)
	if e != nil {
		return e
	}
	rows, _ := bc.raw["rows"].([]any)
	var sp span
	if start := obj(bc.raw, "start"); start != nil || obj(bc.raw, "range") == nil {
		id, _ := intAt(start, "sheetId")
		sh := bc.b.byID(id)
		if sh == nil {
			return badRequest("No grid with id: %d", id)
		}
		sp = span{sh: sh}
		sp.r0, _ = intAt(start, "rowIndex")
		sp.c0, _ = intAt(start, "columnIndex")
		width := 0
		for _, row := range rows {
			vals, _ := obj(asMap(row))["values"].([]any)
			width = max(width, len(vals))
		}
		sp.r1, sp.c1 = sp.r0+int64(max(len(rows), 1)), sp.c0+int64(max(width, 1))
		if e := sp.check(); e != nil {
			return e
		}
	} else if sp, e = bc.gridRange(obj(bc.raw, "range")); e != nil {
		return e
	}
	if e := bc.b.guard(sp); e != nil {
		return e
	}
	for r := sp.r0; r < sp.r1; r++ {
		var vals []any
		if i := r - sp.r0; i < int64(len(rows)) {
			vals, _ = asMap(rows[i])["values"].([]any)
		}
		for c := sp.c0; c < sp.c1; c++ {
			var src map[string]any
			if j := c - sp.c0; j < int64(len(vals)) {
				src = asMap(vals[j])
			}
			if e := writeCell(sp.sh, r, c, src, paths); e != nil {
				return e
			}
		}
	}
	return nil
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func (bc *batchCtx) repeatCell() *apiError {
	paths, e := fieldPaths(bc.rq.RepeatCell.Fields)
	if e != nil {
		return e
	}
	sp, e := bc.gridRange(obj(bc.raw, "range"))
	if e != nil {
		return e
	}
	if e := bc.b.guard(sp); e != nil {
		return e
	}
	src := obj(bc.raw, "cell")
	for r := sp.r0; r < sp.r1; r++ {
		for c := sp.c0; c < sp.c1; c++ {
			if e := writeCell(sp.sh, r, c, src, paths); e != nil {
				return e
			}
		}
	}
	return nil
}

// dimension resolves a DimensionRange.
func (bc *batchCtx) dimension(raw map[string]any) (sh *sheet, rows bool, from, to int64, e *apiError) {
	id, _ := intAt(raw, "sheetId")
	if sh = bc.b.byID(id); sh == nil {
		return nil, false, 0, 0, badRequest("No grid with id: %d", id)
	}
	rows = raw["dimension"] == "ROWS"
	if !rows && raw["dimension"] != "COLUMNS" {
		return nil, false, 0, 0, badRequest("dimension must be ROWS or COLUMNS.")
	}
	from, _ = intAt(raw, "startIndex")
	to, ok := intAt(raw, "endIndex")
	if !ok {
		to = sh.colCount()
		if rows {
			to = sh.rowCount()
		}
	}
	return sh, rows, from, to, nil
}

func (bc *batchCtx) updateDimensionProperties() *apiError {
	paths, e := fieldPaths(bc.rq.UpdateDimensionProperties.Fields)
	if e != nil {
		return e
	}
	sh, rows, from, to, e := bc.dimension(obj(bc.raw, "range"))
	if e != nil {
		return e
	}
	limit, meta := sh.colCount(), sh.colMeta
	if rows {
		limit, meta = sh.rowCount(), sh.rowMeta
	}
	if from < 0 || to > limit || from >= to {
		return badRequest("Invalid dimension range [%d, %d): the grid has %d.", from, to, limit)
	}
	for i := from; i < to; i++ {
		meta[i] = applyFields(meta[i], obj(bc.raw, "properties"), paths)
	}
	return nil
}

func (bc *batchCtx) insertDimension() *apiError {
	sh, rows, from, to, e := bc.dimension(obj(bc.raw, "range"))
	if e != nil {
		return e
	}
	n := to - from
	if n <= 0 {
		return badRequest("Invalid dimension range: nothing to insert.")
	}
	if rows {
		if from > int64(len(sh.rows)) {
			from = int64(len(sh.rows))
		}
		sh.rows = append(sh.rows[:from], append(make([][]cell, n), sh.rows[from:]...)...)
		sh.props.GridProperties.RowCount += n
		for i, m := range sh.merges {
			if m.StartRowIndex >= from {
				c := *m
				c.StartRowIndex += n
				c.EndRowIndex += n
				sh.merges[i] = &c
			}
		}
	} else {
		for i, r := range sh.rows {
			if from < int64(len(r)) {
				sh.rows[i] = append(r[:from:from], append(make([]cell, n), r[from:]...)...)
			}
		}
		sh.props.GridProperties.ColumnCount += n
	}
	return bc.b.checkLimits()
}

func (bc *batchCtx) mergeCells() *apiError {
	sp, e := bc.gridRange(obj(bc.raw, "range"))
	if e != nil {
		return e
	}
	sp.sh.merges = append(sp.sh.merges, &sheets.GridRange{SheetId: sp.sh.props.SheetId,
		StartRowIndex: sp.r0, EndRowIndex: sp.r1, StartColumnIndex: sp.c0, EndColumnIndex: sp.c1})
	return nil
}

func (bc *batchCtx) setDataValidation() *apiError {
	sp, e := bc.gridRange(obj(bc.raw, "range"))
	if e != nil {
		return e
	}
	if e := bc.b.guard(sp); e != nil {
		return e
	}
	src := map[string]any{}
	if rule := obj(bc.raw, "rule"); rule != nil {
		src["dataValidation"] = rule
	}
	for r := sp.r0; r < sp.r1; r++ {
		for c := sp.c0; c < sp.c1; c++ {
			writeCell(sp.sh, r, c, src, [][]string{{"dataValidation"}})
		}
	}
	return nil
}

func (bc *batchCtx) addConditionalFormatRule() *apiError {
	rule := bc.rq.AddConditionalFormatRule.Rule
	ranges, _ := obj(bc.raw, "rule")["ranges"].([]any)
	if rule == nil || len(ranges) == 0 {
		return badRequest("A conditional format rule needs at least one range.")
	}
	var sh *sheet
	for _, r := range ranges {
		sp, e := bc.gridRange(asMap(r))
		if e != nil {
			return e
		}
		if sh != nil && sp.sh != sh {
			return badRequest("All ranges of a conditional format rule must be on one sheet.")
		}
		sh = sp.sh
	}
	if rule.BooleanRule == nil && rule.GradientRule == nil {
		return badRequest("A conditional format rule needs a booleanRule or a gradientRule.")
	}
	at := bc.rq.AddConditionalFormatRule.Index
	if at < 0 || at > int64(len(sh.rules)) {
		return badRequest("Invalid index %d.", at)
	}
	sh.rules = append(sh.rules[:at:at], append([]*sheets.ConditionalFormatRule{rule}, sh.rules[at:]...)...)
	return nil
}

func (bc *batchCtx) chartIDUsed(id int64) bool {
	for _, sh := range bc.b.sheets {
		for _, c := range sh.charts {
			if c.ChartId == id {
				return true
			}
		}
	}
	return false
}

func (bc *batchCtx) addChart() (any, *apiError) {
	ch := bc.rq.AddChart.Chart
	craw := obj(bc.raw, "chart")
	if ch == nil || ch.Spec == nil {
		return nil, badRequest("A chart needs a spec.")
	}
	if id, ok := intAt(craw, "chartId"); ok {
		if bc.chartIDUsed(id) {
			return nil, badRequest("A chart with the id %d already exists.", id)
		}
	} else {
		ch.ChartId = bc.s.newID(bc.chartIDUsed)
	}
	anchor := obj(craw, "position", "overlayPosition", "anchorCell")
	if anchor == nil {
		return nil, badRequest("sheetstest supports overlay charts only.")
	}
	id, _ := intAt(anchor, "sheetId")
	host := bc.b.byID(id)
	if host == nil {
		return nil, badRequest("No grid with id: %d", id)
	}
	r, _ := intAt(anchor, "rowIndex")
	c, _ := intAt(anchor, "columnIndex")
	if e := (span{sh: host, r0: r, c0: c, r1: r + 1, c1: c + 1}).check(); e != nil {
		return nil, e
	}
	if e := bc.chartSources(obj(craw, "spec", "basicChart")); e != nil {
		return nil, e
	}
	host.charts = append(host.charts, ch)
	return map[string]any{"addChart": map[string]any{"chart": toMap(ch)}}, nil
}

// chartSources checks every source range of a basic chart.
func (bc *batchCtx) chartSources(basic map[string]any) *apiError {
	var srcs []any
	for _, key := range []string{"domains", "series"} {
		list, _ := basic[key].([]any)
		for _, d := range list {
			inner := obj(asMap(d), strings.TrimSuffix(key, "s"))
			if key == "series" {
				inner = obj(asMap(d), "series")
			}
			rs, _ := obj(inner, "sourceRange")["sources"].([]any)
			srcs = append(srcs, rs...)
		}
	}
	for _, s := range srcs {
		if _, e := bc.gridRange(asMap(s)); e != nil {
			return e
		}
	}
	return nil
}

func (bc *batchCtx) metaIDUsed(id int64) bool {
	for _, m := range bc.b.meta {
		if m.MetadataId == id {
			return true
		}
	}
	for _, sh := range bc.b.sheets {
		for _, m := range sh.meta {
			if m.MetadataId == id {
				return true
			}
		}
	}
	return false
}

func (bc *batchCtx) createDeveloperMetadata() (any, *apiError) {
	dm := bc.rq.CreateDeveloperMetadata.DeveloperMetadata
	draw := obj(bc.raw, "developerMetadata")
	switch {
	case dm == nil || dm.MetadataKey == "":
		return nil, badRequest("Developer metadata must have a metadataKey.")
	case dm.Visibility == "":
		return nil, badRequest("Developer metadata must have a visibility.")
	case dm.Location == nil:
		return nil, badRequest("Developer metadata must have a location.")
	}
	c := *dm
	loc := *dm.Location
	c.Location = &loc
	if id, ok := intAt(draw, "metadataId"); ok {
		if bc.metaIDUsed(id) {
			return nil, badRequest("Developer metadata with the id %d already exists.", id)
		}
	} else {
		c.MetadataId = bc.s.newID(bc.metaIDUsed)
	}
	lraw := obj(draw, "location")
	switch {
	case loc.Spreadsheet:
		loc.LocationType = "SPREADSHEET"
		bc.b.meta = append(bc.b.meta, &c)
	case lraw["sheetId"] != nil:
		id, _ := intAt(lraw, "sheetId")
		sh := bc.b.byID(id)
		if sh == nil {
			return nil, badRequest("No grid with id: %d", id)
		}
		loc.LocationType = "SHEET"
		sh.meta = append(sh.meta, &c)
	default:
		return nil, badRequest("sheetstest supports spreadsheet and sheet metadata locations only.")
	}
	return map[string]any{"createDeveloperMetadata": map[string]any{"developerMetadata": toMap(&c)}}, nil
}
