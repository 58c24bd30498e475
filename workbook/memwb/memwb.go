// Package memwb is an in-memory workbook backend. Tests above the
// backends (templates, planner, the CLI) use it to need no file at all.
//
// It stores the formatting hints of written sheets without rendering them;
// Sheets returns them for inspection.
package memwb

import (
	"context"
	"fmt"
	"sync"

	"github.com/auxon-planner/auxon/workbook"
	"github.com/auxon-planner/auxon/workbook/driver"
)

// Open returns a Workbook holding copies of the seed sheets (untagged, in
// order).
func Open(seed ...*driver.Sheet) *workbook.Workbook {
	return workbook.New(NewDriver(seed...), nil)
}

// Driver is the in-memory driver.Workbook. Its zero value is an empty
// workbook.
type Driver struct {
	mu   sync.Mutex
	tabs []tab
}

type tab struct {
	sheet driver.Sheet
	tag   *driver.Tag
}

// NewDriver returns a driver holding copies of the seed sheets.
func NewDriver(seed ...*driver.Sheet) *Driver {
	d := &Driver{}
	for _, s := range seed {
		d.tabs = append(d.tabs, tab{sheet: copySheet(s)})
	}
	return d
}

// Tabs implements driver.Workbook.
func (d *Driver) Tabs(ctx context.Context) ([]driver.TabInfo, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]driver.TabInfo, len(d.tabs))
	for i, t := range d.tabs {
		out[i] = driver.TabInfo{Name: t.sheet.Name, Hidden: t.sheet.Hidden, Tag: copyTag(t.tag)}
	}
	return out, nil
}

// ReadTabs implements driver.Workbook.
func (d *Driver) ReadTabs(ctx context.Context, names []string) (map[string]*driver.Grid, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := map[string]*driver.Grid{}
	for _, n := range names {
		if i := d.find(n); i >= 0 {
			g := &driver.Grid{Name: n, Rows: copyRows(d.tabs[i].sheet.Rows)}
			g.Trim()
			out[n] = g
		}
	}
	return out, nil
}

// Update implements driver.Workbook: every change is checked before any is
// made.
func (d *Driver) Update(ctx context.Context, b *driver.Batch) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	gone := map[string]bool{}
	for _, n := range b.Delete {
		if d.find(n) < 0 || gone[n] {
			return fmt.Errorf("memwb: delete %q: no such tab", n)
		}
		gone[n] = true
	}
	added := map[string]bool{}
	for _, a := range b.Add {
		if (d.find(a.Sheet.Name) >= 0 && !gone[a.Sheet.Name]) || added[a.Sheet.Name] || a.Sheet.Name == "" {
			return fmt.Errorf("memwb: add %q: name taken or empty", a.Sheet.Name)
		}
		added[a.Sheet.Name] = true
	}
	kept := d.tabs[:0:0]
	for _, t := range d.tabs {
		if !gone[t.sheet.Name] {
			kept = append(kept, t)
		}
	}
	for _, a := range b.Add {
		kept = append(kept, tab{sheet: copySheet(a.Sheet), tag: copyTag(a.Tag)})
	}
	d.tabs = kept
	return nil
}

// Close implements driver.Workbook.
func (d *Driver) Close() error { return nil }

// Sheets returns copies of every tab as written, formatting included.
func (d *Driver) Sheets() []driver.Sheet {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]driver.Sheet, len(d.tabs))
	for i, t := range d.tabs {
		out[i] = copySheet(&t.sheet)
	}
	return out
}

func (d *Driver) find(name string) int {
	for i, t := range d.tabs {
		if t.sheet.Name == name {
			return i
		}
	}
	return -1
}

func copySheet(s *driver.Sheet) driver.Sheet {
	c := *s
	c.Rows = copyRows(s.Rows)
	return c
}

func copyRows(rows [][]driver.Cell) [][]driver.Cell {
	out := make([][]driver.Cell, len(rows))
	for i, r := range rows {
		out[i] = append([]driver.Cell(nil), r...)
	}
	return out
}

func copyTag(t *driver.Tag) *driver.Tag {
	if t == nil {
		return nil
	}
	c := *t
	return &c
}
