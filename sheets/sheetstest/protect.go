package sheetstest

import (
	"slices"

	"google.golang.org/api/sheets/v4"
)

const msgProtected = "You are trying to edit a protected cell or object. Please contact the spreadsheet owner to remove protection if you need to edit."

// guard fails an edit of sp by b.actor that touches a protected range the
// actor may not edit. The owner and a range's editors may; a warningOnly
// range blocks nobody.
func (b *book) guard(sp span) *apiError {
	if b.actor == b.owner {
		return nil
	}
	for _, p := range sp.sh.protected {
		if p.WarningOnly || (p.Editors != nil && slices.Contains(p.Editors.Users, b.actor)) {
			continue
		}
		if overlaps(sp, p.Range, sp.sh) {
			return newError(400, msgProtected)
		}
	}
	return nil
}

// overlaps reports whether a span meets a GridRange of the same sheet
// (missing ends are the grid's edges).
func overlaps(sp span, g *sheets.GridRange, sh *sheet) bool {
	r1, c1 := g.EndRowIndex, g.EndColumnIndex
	if r1 == 0 {
		r1 = sh.rowCount()
	}
	if c1 == 0 {
		c1 = sh.colCount()
	}
	return sp.r0 < r1 && g.StartRowIndex < sp.r1 && sp.c0 < c1 && g.StartColumnIndex < sp.c1
}

func (bc *batchCtx) protectedIDUsed(id int64) bool {
	for _, sh := range bc.b.sheets {
		for _, p := range sh.protected {
			if p.ProtectedRangeId == id {
				return true
			}
		}
	}
	return false
}

func (bc *batchCtx) addProtectedRange() (any, *apiError) {
	pr := bc.rq.AddProtectedRange.ProtectedRange
	if pr == nil {
		return nil, badRequest("A protected range is required.")
	}
	sp, e := bc.gridRange(obj(bc.raw, "protectedRange", "range"))
	if e != nil {
		return nil, e
	}
	c := *pr
	c.Range = &sheets.GridRange{SheetId: sp.sh.props.SheetId, StartRowIndex: sp.r0, EndRowIndex: sp.r1, StartColumnIndex: sp.c0, EndColumnIndex: sp.c1}
	if id, ok := intAt(obj(bc.raw, "protectedRange"), "protectedRangeId"); ok {
		if bc.protectedIDUsed(id) {
			return nil, badRequest("A protected range with the id %d already exists.", id)
		}
	} else {
		c.ProtectedRangeId = bc.s.newID(bc.protectedIDUsed)
	}
	sp.sh.protected = append(sp.sh.protected, &c)
	return map[string]any{"addProtectedRange": map[string]any{"protectedRange": toMap(&c)}}, nil
}

// Protect protects a range (A1 with its sheet, e.g. "Demand!A1:C") so
// that only the spreadsheet's Owner may edit it, as a human owner would.
func (e *Editor) Protect(a1 string) error {
	sp, ae := e.b.resolve(a1)
	if ae != nil {
		return errorf(ae)
	}
	bc := &batchCtx{s: e.s, b: e.b}
	sp.sh.protected = append(sp.sh.protected, &sheets.ProtectedRange{
		ProtectedRangeId: e.s.newID(bc.protectedIDUsed),
		Range: &sheets.GridRange{SheetId: sp.sh.props.SheetId, StartRowIndex: sp.r0, EndRowIndex: sp.r1,
			StartColumnIndex: sp.c0, EndColumnIndex: sp.c1}})
	return nil
}
