package xlsx

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/auxon-planner/auxon/workbook"
	"github.com/auxon-planner/auxon/workbook/driver"
)

// ErrReadOnly is returned by writes to a workbook opened with neither
// Options.Output nor Options.InPlace.
var ErrReadOnly = errors.New("xlsx: opened read-only: set Options.Output or Options.InPlace to write")

// Options configure Open. A nil *Options opens read-only.
type Options struct {
	// Output is the file writes go to: a copy of the input plus the new
	// tabs. It is replaced atomically on every write; after the first
	// write, reads see it. Empty means no output.
	Output string
	// InPlace makes writes replace the input file itself (atomically).
	// It is an error to set both InPlace and Output.
	InPlace bool
	// Now is the clock that stamps tags (default time.Now).
	Now func() time.Time
}

// Open opens the XLSX file at path.
func Open(path string, opts *Options) (*workbook.Workbook, error) {
	d, err := NewDriver(path, opts)
	if err != nil {
		return nil, err
	}
	var wopts *workbook.Options
	if opts != nil {
		wopts = &workbook.Options{Now: opts.Now}
	}
	return workbook.New(d, wopts), nil
}

// Driver is the XLSX driver.Workbook. It keeps no file open between
// calls: each call opens the current version of the file.
type Driver struct {
	mu     sync.Mutex
	cur    string // the file reads come from
	output string // where writes go ("" = read-only)
}

// NewDriver checks that path is a readable workbook and returns its
// driver. Most callers want Open.
func NewDriver(path string, opts *Options) (*Driver, error) {
	if opts == nil {
		opts = &Options{}
	}
	if opts.InPlace && opts.Output != "" {
		return nil, fmt.Errorf("xlsx: open %s: both InPlace and Output are set", path)
	}
	a, err := openArchive(path)
	if err != nil {
		return nil, fmt.Errorf("xlsx: open %s: %w", path, err)
	}
	a.close()
	d := &Driver{cur: path, output: opts.Output}
	if opts.InPlace {
		d.output = path
	}
	if d.output != "" {
		if abs, err := filepath.Abs(d.output); err == nil {
			d.output = abs
		}
	}
	return d, nil
}

// Path is the file reads currently come from: the input, or the output
// once something was written.
func (d *Driver) Path() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.cur
}

// Tabs implements driver.Workbook.
func (d *Driver) Tabs(ctx context.Context) ([]driver.TabInfo, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	a, err := openArchive(d.cur)
	if err != nil {
		return nil, fmt.Errorf("xlsx: %s: %w", d.cur, err)
	}
	defer a.close()
	tags, err := a.tags()
	if err != nil {
		return nil, fmt.Errorf("xlsx: %s: %w", d.cur, err)
	}
	out := make([]driver.TabInfo, len(a.sheets))
	for i, s := range a.sheets {
		out[i] = driver.TabInfo{Name: s.name, Hidden: s.hidden, Tag: tags[s.name]}
	}
	return out, nil
}

// ReadTabs implements driver.Workbook.
func (d *Driver) ReadTabs(ctx context.Context, names []string) (map[string]*driver.Grid, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	a, err := openArchive(d.cur)
	if err != nil {
		return nil, fmt.Errorf("xlsx: %s: %w", d.cur, err)
	}
	defer a.close()
	out := map[string]*driver.Grid{}
	for _, n := range names {
		for _, s := range a.sheets {
			if s.name != n {
				continue
			}
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			g, err := a.readSheet(s)
			if err != nil {
				return nil, fmt.Errorf("xlsx: %s: %w", d.cur, err)
			}
			out[n] = g
		}
	}
	return out, nil
}

// Close implements driver.Workbook.
func (d *Driver) Close() error { return nil }
