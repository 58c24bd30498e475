package workbook

import (
	"context"
	"fmt"
	"time"

	"github.com/auxon-planner/auxon/workbook/driver"
)

// AddTabs adds tabs in one atomic step, each tagged as auxon's with its
// kind, run id and the current time. If any name is empty, repeated or
// already taken, nothing is written.
func (w *Workbook) AddTabs(ctx context.Context, tabs []*OutputTab) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return ErrClosed
	}
	existing, err := w.names(ctx)
	if err != nil {
		return fmt.Errorf("workbook: add tabs: %w", err)
	}
	created := w.now().UTC().Truncate(time.Second)
	b := &driver.Batch{}
	seen := map[string]bool{}
	for _, t := range tabs {
		if err := checkNew(t.Name, seen, existing); err != nil {
			return fmt.Errorf("workbook: add tabs: %w", err)
		}
		sheet := t.Sheet
		tag := &driver.Tag{RunID: t.RunID, Kind: t.Kind, Created: created}
		b.Add = append(b.Add, driver.TaggedSheet{Sheet: &sheet, Tag: tag})
	}
	if err := w.d.Update(ctx, b); err != nil {
		return fmt.Errorf("workbook: add tabs: %w", err)
	}
	return nil
}

// checkNew validates one name to add.
func checkNew(name string, seen map[string]bool, existing map[string]*driver.TabInfo) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: empty", ErrBadName)
	case seen[name]:
		return fmt.Errorf("%w: %q given twice", ErrBadName, name)
	case existing[name] != nil:
		return fmt.Errorf("%q: %w", name, ErrExists)
	}
	seen[name] = true
	return nil
}

// DeleteTabs deletes the named tabs in one atomic step. It refuses, and
// deletes nothing, if any of them does not exist or was not written by
// auxon.
func (w *Workbook) DeleteTabs(ctx context.Context, names ...string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return ErrClosed
	}
	existing, err := w.names(ctx)
	if err != nil {
		return fmt.Errorf("workbook: delete tabs: %w", err)
	}
	seen := map[string]bool{}
	for _, n := range names {
		t := existing[n]
		switch {
		case seen[n]:
			return fmt.Errorf("workbook: delete tabs: %w: %q given twice", ErrBadName, n)
		case t == nil:
			return fmt.Errorf("workbook: delete tabs: %q: %w", n, ErrNotFound)
		case t.Tag == nil:
			return fmt.Errorf("workbook: delete tabs: %q: %w", n, ErrNotAuxon)
		}
		seen[n] = true
	}
	if len(names) == 0 {
		return nil
	}
	if err := w.d.Update(ctx, &driver.Batch{Delete: names}); err != nil {
		return fmt.Errorf("workbook: delete tabs: %w", err)
	}
	return nil
}

// names maps every existing tab name to its info.
func (w *Workbook) names(ctx context.Context) (map[string]*driver.TabInfo, error) {
	tabs, err := w.d.Tabs(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]*driver.TabInfo, len(tabs))
	for i := range tabs {
		m[tabs[i].Name] = &tabs[i]
	}
	return m, nil
}
