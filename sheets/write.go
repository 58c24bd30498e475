package sheets

import (
	"context"
	"fmt"
	"strings"

	"google.golang.org/api/sheets/v4"

	"github.com/auxon-planner/auxon/workbook"
	"github.com/auxon-planner/auxon/workbook/driver"
)

// maxTitle is the longest sheet title the API accepts, in characters.
const maxTitle = 100

// change is a batch resolved against the last read: the tabs it deletes
// and the fresh ids of the tabs it adds.
type change struct {
	deletes []*tab
	adds    []int64
}

// Update implements driver.Workbook with one spreadsheets.batchUpdate.
func (d *Driver) Update(ctx context.Context, b *driver.Batch) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.opts.ReadOnly {
		return ErrReadOnly
	}
	snap, err := d.snapshot(ctx)
	if err != nil {
		return err
	}
	ch, err := d.resolve(snap, b)
	if err != nil {
		return fmt.Errorf("sheets: write: %w", err)
	}
	reqs := ch.requests(b, d.opts.NewID)
	d.snap = nil // whatever happens, the next read must see the server
	return d.write(ctx, reqs, ch)
}

// resolve checks a batch against the last read and picks fresh ids.
func (d *Driver) resolve(snap *snapshot, b *driver.Batch) (*change, error) {
	ch := &change{}
	gone := map[string]bool{}
	for _, n := range b.Delete {
		t := snap.find(n)
		switch {
		case t == nil || gone[n]:
			return nil, fmt.Errorf("delete %q: %w", n, workbook.ErrNotFound)
		case t.tag == nil:
			return nil, fmt.Errorf("delete %q: %w", n, workbook.ErrNotAuxon)
		}
		gone[n] = true
		ch.deletes = append(ch.deletes, t)
	}
	taken := map[string]bool{}
	used := map[int64]bool{}
	for _, t := range snap.tabs {
		used[t.id] = true
		if !gone[t.title] {
			taken[strings.ToLower(t.title)] = true
		}
	}
	for _, a := range b.Add {
		n := a.Sheet.Name
		switch {
		case strings.TrimSpace(n) == "" || len([]rune(n)) > maxTitle:
			return nil, fmt.Errorf("add %q: %w: Sheets titles are 1 to %d characters", n, workbook.ErrBadName, maxTitle)
		case taken[strings.ToLower(n)]:
			return nil, fmt.Errorf("add %q: %w (Sheets titles are case-insensitive)", n, workbook.ErrExists)
		}
		taken[strings.ToLower(n)] = true
		ch.adds = append(ch.adds, freshID(used, d.opts.NewID))
	}
	return ch, nil
}

func freshID(used map[int64]bool, newID func() int64) int64 {
	for {
		if id := newID(); id > 0 && !used[id] {
			used[id] = true
			return id
		}
	}
}

// requests builds the batch: deletions first, then each new tab.
func (ch *change) requests(b *driver.Batch, newID func() int64) []*sheets.Request {
	var reqs []*sheets.Request
	for _, t := range ch.deletes {
		reqs = append(reqs, &sheets.Request{DeleteSheet: &sheets.DeleteSheetRequest{SheetId: t.id}})
	}
	used := map[int64]bool{}
	for i, a := range b.Add {
		reqs = append(reqs, sheetRequests(ch.adds[i], a, func() int64 { return freshID(used, newID) })...)
	}
	return reqs
}

// write sends the batch, retrying what is safe to retry. After an
// ambiguous failure it reads the tab list: if the change is there the
// write succeeded, if none of it is the write is retried.
func (d *Driver) write(ctx context.Context, reqs []*sheets.Request, ch *change) error {
	body := &sheets.BatchUpdateSpreadsheetRequest{Requests: reqs}
	maybeApplied := false // an earlier attempt failed ambiguously
	for n := 0; ; n++ {
		err := d.attempt(ctx, "batchUpdate", n, func(ctx context.Context) error {
			_, err := d.svc.Spreadsheets.BatchUpdate(d.id, body).Context(ctx).Do()
			return err
		})
		if err == nil {
			return nil
		}
		switch classify(ctx, err) {
		case permanent:
			// A retry refused (the ids or titles are taken) may be the
			// earlier attempt having landed after all.
			if maybeApplied {
				if landed, lerr := d.landed(ctx, ch); lerr == nil && landed == all {
					return nil
				}
			}
			return d.explain("write", err)
		case ambiguous:
			maybeApplied = true
			landed, lerr := d.landed(ctx, ch)
			if lerr != nil {
				return fmt.Errorf("sheets: write: after %v, checking whether it landed: %w", err, lerr)
			}
			switch landed {
			case all:
				return nil
			case some:
				return fmt.Errorf("sheets: write: after %v: %w", err, ErrInconsistent)
			}
		}
		if n+1 >= d.retry.Attempts {
			return d.explain("write", err)
		}
		if err := d.retry.Sleep(ctx, d.retry.Backoff(n)); err != nil {
			return fmt.Errorf("sheets: write: %w", err)
		}
	}
}

type outcome int

const (
	none outcome = iota
	some
	all
)

// landed reads the tab list and reports how much of ch it shows: every
// added id present and every deleted id gone (all), nothing of it (none),
// or a mix (some). Ids are random and never reused, so an added id that is
// present is this write's tab even if a human renamed it since.
func (d *Driver) landed(ctx context.Context, ch *change) (outcome, error) {
	var ss *sheets.Spreadsheet
	err := d.call(ctx, "check write", func(ctx context.Context) error {
		var err error
		ss, err = d.svc.Spreadsheets.Get(d.id).Fields(metaFields).Context(ctx).Do()
		return err
	})
	if err != nil {
		return none, err
	}
	present := map[int64]bool{}
	for _, sh := range ss.Sheets {
		if sh.Properties != nil {
			present[sh.Properties.SheetId] = true
		}
	}
	done, total := 0, len(ch.adds)+len(ch.deletes)
	for _, id := range ch.adds {
		if present[id] {
			done++
		}
	}
	for _, t := range ch.deletes {
		if !present[t.id] {
			done++
		}
	}
	switch done {
	case total:
		return all, nil
	case 0:
		return none, nil
	}
	return some, nil
}
