package sheets

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"google.golang.org/api/sheets/v4"

	"github.com/auxon-planner/auxon/workbook"
	"github.com/auxon-planner/auxon/workbook/driver"
)

// DefaultMaxCalls is the default per-Driver budget of API calls: a run
// needs 2, retries and the check after an ambiguous write a few more.
const DefaultMaxCalls = 30

// Options configure NewDriver and Open. A nil *Options takes every
// default.
type Options struct {
	// ReadOnly refuses every write with ErrReadOnly (validate).
	ReadOnly bool
	// Account is the identity the spreadsheet must be shared with, named
	// in ErrNotShared messages (e.g. a service account's email).
	Account string
	// MaxCalls is the budget of API calls, retries included (default
	// DefaultMaxCalls).
	MaxCalls int
	// Retry tunes retries; nil takes DefaultRetry.
	Retry *Retry
	// NewID returns candidate sheet and chart ids (default: random
	// positive 31-bit numbers from crypto/rand).
	NewID func() int64
	// Now is the clock that stamps tags (default time.Now).
	Now func() time.Time
	// OnCall, if set, is told of every API call attempt: the method
	// ("get" or "batchUpdate") and the attempt number from 1 (metrics).
	OnCall func(method string, attempt int)
}

// Driver is the Google Sheets driver.Workbook for one spreadsheet.
type Driver struct {
	mu    sync.Mutex
	svc   *sheets.Service
	id    string
	opts  Options
	retry Retry
	snap  *snapshot
	calls int
}

// Open returns a Workbook over the spreadsheet with id spreadsheetID,
// reached through svc (see NewService). Nothing is read until first use.
func Open(svc *sheets.Service, spreadsheetID string, opts *Options) (*workbook.Workbook, error) {
	d, err := NewDriver(svc, spreadsheetID, opts)
	if err != nil {
		return nil, err
	}
	return workbook.New(d, &workbook.Options{Now: d.opts.Now}), nil
}

// NewDriver returns the driver behind Open.
func NewDriver(svc *sheets.Service, spreadsheetID string, opts *Options) (*Driver, error) {
	if svc == nil || spreadsheetID == "" {
		return nil, errors.New("sheets: a service and a spreadsheet id are required")
	}
	d := &Driver{svc: svc, id: spreadsheetID, retry: DefaultRetry}
	if opts != nil {
		d.opts = *opts
	}
	if d.opts.Retry != nil {
		d.retry = d.opts.Retry.withDefaults()
	}
	if d.opts.MaxCalls <= 0 {
		d.opts.MaxCalls = DefaultMaxCalls
	}
	if d.opts.NewID == nil {
		d.opts.NewID = randomID
	}
	if d.opts.Now == nil {
		d.opts.Now = time.Now
	}
	return d, nil
}

// randomID is a random positive 31-bit id.
func randomID() int64 {
	var b [4]byte
	rand.Read(b[:])
	return int64(binary.BigEndian.Uint32(b[:])&(1<<31-1)) | 1
}

// Calls is how many API calls the driver made, retries included.
func (d *Driver) Calls() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.calls
}

// Refresh drops the cached read, so the next Tabs or ReadTabs reads the
// spreadsheet again.
func (d *Driver) Refresh() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.snap = nil
}

// Tabs implements driver.Workbook.
func (d *Driver) Tabs(ctx context.Context) ([]driver.TabInfo, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	snap, err := d.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]driver.TabInfo, len(snap.tabs))
	for i, t := range snap.tabs {
		out[i] = driver.TabInfo{Name: t.title, Hidden: t.hidden, Tag: copyTag(t.tag)}
	}
	return out, nil
}

// ReadTabs implements driver.Workbook.
func (d *Driver) ReadTabs(ctx context.Context, names []string) (map[string]*driver.Grid, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	snap, err := d.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]*driver.Grid{}
	for _, n := range names {
		if t := snap.find(n); t != nil {
			out[n] = &driver.Grid{Name: n, Rows: copyRows(t.rows)}
		}
	}
	return out, nil
}

// Close implements driver.Workbook.
func (d *Driver) Close() error { return nil }

func copyTag(t *driver.Tag) *driver.Tag {
	if t == nil {
		return nil
	}
	c := *t
	return &c
}

func copyRows(rows [][]driver.Cell) [][]driver.Cell {
	out := make([][]driver.Cell, len(rows))
	for i, r := range rows {
		out[i] = append([]driver.Cell(nil), r...)
	}
	return out
}

// snapshot returns the cached read, reading the spreadsheet if needed.
// d.mu is held.
func (d *Driver) snapshot(ctx context.Context) (*snapshot, error) {
	if d.snap != nil {
		return d.snap, nil
	}
	var ss *sheets.Spreadsheet
	err := d.call(ctx, "read spreadsheet", func(ctx context.Context) error {
		var err error
		ss, err = d.svc.Spreadsheets.Get(d.id).IncludeGridData(true).Fields(readFields).Context(ctx).Do()
		return err
	})
	if err != nil {
		return nil, err
	}
	snap, err := newSnapshot(ss)
	if err != nil {
		return nil, fmt.Errorf("sheets: read spreadsheet %s: %w", d.id, err)
	}
	d.snap = snap
	return snap, nil
}
