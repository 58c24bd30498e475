// Package workbook is auxon's view of a spreadsheet: named tabs read as
// grids of typed cells, and new tabs added in one atomic step and tagged
// as auxon's own, so that auxon only ever lists or deletes tabs it wrote.
//
// A Workbook wraps a driver.Workbook (package xlsx for files, package memwb
// in memory, a Google Sheets adapter); the checks that keep the planner's
// data safe live here, once, for every backend.
//
// Hidden rows and hidden tabs are read like any other, formulas read as
// their cached values, and every cell of a merged range carries the value
// of its top-left cell.
package workbook

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/auxon-planner/auxon/workbook/driver"
)

// The value types are the driver's, so backends and users share them.
type (
	// Cell is one typed cell value.
	Cell = driver.Cell
	// Kind is the type of a cell's value.
	Kind = driver.Kind
	// Grid is the content of one tab.
	Grid = driver.Grid
	// Sheet is a tab to write, with formatting hints.
	Sheet = driver.Sheet
	// Format holds presentation hints for a Sheet.
	Format = driver.Format
	// ListValidation restricts a column to a dropdown list.
	ListValidation = driver.ListValidation
	// Highlight colours cells above a threshold.
	Highlight = driver.Highlight
	// Chart draws sheet data.
	Chart = driver.Chart
	// TabInfo describes one tab.
	TabInfo = driver.TabInfo
	// Tag marks a tab as written by auxon.
	Tag = driver.Tag
)

// Cell kinds, re-exported from package driver.
const (
	Empty  = driver.Empty
	Number = driver.Number
	String = driver.String
	Bool   = driver.Bool
	Error  = driver.Error
)

// Errors the public layer returns; test them with errors.Is.
var (
	// ErrExists: a tab to add has the name of an existing tab.
	ErrExists = errors.New("tab already exists")
	// ErrNotFound: a tab to delete does not exist.
	ErrNotFound = errors.New("tab not found")
	// ErrNotAuxon: a tab to delete was not written by auxon.
	ErrNotAuxon = errors.New("tab was not written by auxon")
	// ErrBadName: a tab name is empty or given twice in one call.
	ErrBadName = errors.New("bad tab name")
	// ErrClosed: the workbook was closed.
	ErrClosed = errors.New("workbook is closed")
)

// Num returns a number cell.
func Num(v float64) Cell { return Cell{Kind: Number, Num: v} }

// Str returns a string cell; "" gives an empty cell.
func Str(s string) Cell {
	if s == "" {
		return Cell{}
	}
	return Cell{Kind: String, Str: s}
}

// BoolCell returns a boolean cell.
func BoolCell(b bool) Cell { return Cell{Kind: Bool, Bool: b} }

// OutputTab is a tab auxon writes as the result of a run.
type OutputTab struct {
	Sheet
	// Kind is what the tab holds: "Plan", "Utilization", "Summary", ...
	Kind string
	// RunID identifies the run.
	RunID string
}

// Workbook is a spreadsheet opened through a driver. It is safe for
// concurrent use.
type Workbook struct {
	mu     sync.Mutex
	d      driver.Workbook
	now    func() time.Time
	closed bool
}

// Options configure New. A nil *Options takes every default.
type Options struct {
	// Now is the clock that stamps tags (default time.Now).
	Now func() time.Time
}

// New returns a Workbook backed by d. Backends call it from their own
// constructors; users rarely need it.
func New(d driver.Workbook, opts *Options) *Workbook {
	w := &Workbook{d: d, now: time.Now}
	if opts != nil && opts.Now != nil {
		w.now = opts.Now
	}
	return w
}

// Tabs lists every tab in workbook order.
func (w *Workbook) Tabs(ctx context.Context) ([]TabInfo, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil, ErrClosed
	}
	tabs, err := w.d.Tabs(ctx)
	if err != nil {
		return nil, fmt.Errorf("workbook: list tabs: %w", err)
	}
	return tabs, nil
}

// ReadTabs reads the named tabs in one batch. Tabs that do not exist are
// absent from the map, so callers can report each missing tab themselves.
func (w *Workbook) ReadTabs(ctx context.Context, names ...string) (map[string]*Grid, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil, ErrClosed
	}
	grids, err := w.d.ReadTabs(ctx, names)
	if err != nil {
		return nil, fmt.Errorf("workbook: read tabs: %w", err)
	}
	return grids, nil
}

// AuxonTabs lists the tabs auxon wrote, oldest first (by creation time,
// then workbook order).
func (w *Workbook) AuxonTabs(ctx context.Context) ([]TabInfo, error) {
	tabs, err := w.Tabs(ctx)
	if err != nil {
		return nil, err
	}
	var out []TabInfo
	for _, t := range tabs {
		if t.Tag != nil {
			out = append(out, t)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Tag.Created.Before(out[j].Tag.Created) })
	return out, nil
}

// Close releases the backend. Further calls fail with ErrClosed.
func (w *Workbook) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return ErrClosed
	}
	w.closed = true
	if err := w.d.Close(); err != nil {
		return fmt.Errorf("workbook: close: %w", err)
	}
	return nil
}
