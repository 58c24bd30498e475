// Package driver defines the interface a workbook backend implements and
// the value types it exchanges with package workbook.
//
// Users call package workbook; backends (package xlsx, memwb, a Google
// Sheets adapter) implement Workbook. The interface is shaped for a remote
// API: one batched read of many tabs and one batched, atomic write that
// adds and deletes tabs together.
package driver

import (
	"context"
	"time"
)

// Workbook is a spreadsheet document made of named tabs.
//
// Implementations need not be safe for concurrent use; package workbook
// serialises calls.
type Workbook interface {
	// Tabs lists every tab in workbook order, hidden ones included, with
	// the tag of the tabs auxon wrote.
	Tabs(ctx context.Context) ([]TabInfo, error)

	// ReadTabs reads the named tabs in one batch. Tabs that do not exist
	// are absent from the result; that is not an error. Hidden rows and
	// hidden tabs are read like any other; formulas read as their cached
	// values; every cell of a merged range carries its top-left value.
	ReadTabs(ctx context.Context, names []string) (map[string]*Grid, error)

	// Update applies a batch of changes atomically: either every tab is
	// added and every deletion done, or the workbook is unchanged and an
	// error is returned. Adding a tab whose name exists, or deleting one
	// that does not, is an error.
	Update(ctx context.Context, b *Batch) error

	// Close releases the workbook's resources.
	Close() error
}

// TabInfo describes one tab.
type TabInfo struct {
	Name   string
	Hidden bool
	// Tag is non-nil for tabs auxon wrote.
	Tag *Tag
}

// Tag marks a tab as written by auxon.
type Tag struct {
	// RunID identifies the run that wrote the tab.
	RunID string
	// Kind is what the tab holds: "Plan", "Utilization", "Summary", ...
	Kind string
	// Created is when the tab was written, to the second, in UTC.
	Created time.Time
}

// Batch is one atomic change to a workbook.
type Batch struct {
	// Add lists the tabs to add, in order, after the existing ones.
	Add []TaggedSheet
	// Delete names tabs to remove.
	Delete []string
}

// TaggedSheet is a sheet to add with the tag that marks it as auxon's. A
// nil Tag adds an untagged sheet (used when creating a template).
type TaggedSheet struct {
	Sheet *Sheet
	Tag   *Tag
}
