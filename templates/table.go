package templates

import (
	"errors"
	"strings"

	"github.com/auxon-planner/auxon/planner"
	"github.com/auxon-planner/auxon/workbook"
)

// table is one tab bound to its schema: which column holds which key.
type table struct {
	p    *parser
	spec Tab
	grid *workbook.Grid
	cols map[string]int
}

// table binds the grid of tab t, reporting a missing tab (if required),
// missing required columns and duplicate columns. It returns nil when the
// tab is absent.
func (p *parser) table(t Tab) *table {
	g := p.grids[t.Name]
	if g == nil {
		if t.Required {
			p.add(planner.Cell{Tab: t.Name}, CodeMissingTab, "missing tab %q", t.Name)
			p.structural = true
		}
		return nil
	}
	tb := &table{p: p, spec: t, grid: g, cols: map[string]int{}}
	match := map[string]string{}
	for _, c := range t.Columns {
		for _, h := range append([]string{c.Key, c.Title()}, c.Aliases...) {
			match[squash(h)] = c.Key
		}
	}
	var header []workbook.Cell
	if len(g.Rows) > 0 {
		header = g.Rows[0]
	}
	for j, h := range header {
		key, ok := match[squash(h.Text())]
		if !ok || h.Kind == workbook.Empty {
			continue
		}
		if first, dup := tb.cols[key]; dup {
			p.add(planner.Cell{Tab: t.Name, Row: 1, Col: j}, CodeDuplicateColumn,
				"column %q is already in %s1", h.Text(), planner.ColumnName(first))
			continue
		}
		tb.cols[key] = j
	}
	for _, c := range t.Columns {
		if _, ok := tb.cols[c.Key]; !ok && c.Required {
			p.add(planner.Cell{Tab: t.Name, Row: 1, Col: -1}, CodeMissingColumn, "missing column %q", c.Title())
			p.structural = true
		}
	}
	p.in.Columns[t.Name] = tb.cols
	return tb
}

// each calls fn for every non-blank data row.
func (tb *table) each(fn func(r *row)) {
	if tb == nil {
		return
	}
	for i := 1; i < len(tb.grid.Rows); i++ {
		cells := tb.grid.Rows[i]
		if blankRow(cells) {
			continue
		}
		fn(&row{t: tb, n: i + 1, cells: cells})
	}
}

func blankRow(cells []workbook.Cell) bool {
	for _, c := range cells {
		if c.Kind != workbook.Empty && (c.Kind != workbook.String || strings.TrimSpace(c.Str) != "") {
			return false
		}
	}
	return true
}

// row reads the typed values of one data row, reporting each unreadable
// value at its cell.
type row struct {
	t     *table
	n     int // 1-based sheet row
	cells []workbook.Cell
}

func (r *row) at(key string) workbook.Cell {
	j, ok := r.t.cols[key]
	if !ok || j >= len(r.cells) {
		return workbook.Cell{}
	}
	return r.cells[j]
}

func (r *row) cell(key string) planner.Cell {
	if j, ok := r.t.cols[key]; ok {
		return planner.Cell{Tab: r.t.spec.Name, Row: r.n, Col: j}
	}
	return planner.Cell{Tab: r.t.spec.Name, Row: r.n, Col: -1}
}

// fail reports err at key's cell.
func (r *row) fail(key string, err error) {
	var ve *valueError
	if errors.As(err, &ve) {
		r.t.p.add(r.cell(key), ve.code, "%s: %s", key, ve.msg)
		return
	}
	r.t.p.add(r.cell(key), CodeBadValue, "%s: %v", key, err)
}

// text is the trimmed text of key's cell.
func (r *row) text(key string) string {
	s, err := cellText(r.at(key))
	if err != nil {
		r.fail(key, err)
	}
	return s
}

// number reads key's cell; blank gives def, or a problem when required.
func (r *row) number(key string, def float64, required bool) (v float64, present bool) {
	v, err := ParseNumber(r.at(key))
	return r.settle(key, v, def, required, err)
}

// integer is number for whole numbers.
func (r *row) integer(key string, def int, required bool) (int, bool) {
	v, err := ParseInt(r.at(key))
	f, ok := r.settle(key, float64(v), float64(def), required, err)
	return int(f), ok
}

// with reads key's cell with parse; blank gives def.
func with[T any](r *row, key string, def T, parse func(workbook.Cell) (T, error)) T {
	v, err := parse(r.at(key))
	switch {
	case errors.Is(err, errBlank):
		return def
	case err != nil:
		r.fail(key, err)
		return def
	}
	return v
}

func (r *row) settle(key string, v, def float64, required bool, err error) (float64, bool) {
	switch {
	case errors.Is(err, errBlank):
		if required {
			r.t.p.add(r.cell(key), CodeRequired, "%s is blank", key)
		}
		return def, false
	case err != nil:
		r.fail(key, err)
		return def, false
	}
	return v, true
}
