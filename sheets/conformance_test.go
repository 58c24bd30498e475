package sheets_test

import (
	"context"
	"testing"
	"time"

	"github.com/auxon-planner/auxon/sheets"
	"github.com/auxon-planner/auxon/sheets/sheetstest"
	"github.com/auxon-planner/auxon/workbook/driver"
	"github.com/auxon-planner/auxon/workbook/drivertest"
)

// harness runs the shared conformance suite against the fake.
type harness struct {
	t   *testing.T
	srv *sheetstest.Server
	id  string
}

func (h *harness) MakeWorkbook(ctx context.Context, seed []*driver.Sheet) (driver.Workbook, error) {
	id, err := h.srv.AddSpreadsheet(sheetstest.FromSheets(seed...))
	if err != nil {
		return nil, err
	}
	h.id = id
	return newDriver(h.t, h.srv, id, nil), nil
}

func (h *harness) Reopen(ctx context.Context, _ driver.Workbook) (driver.Workbook, error) {
	return newDriver(h.t, h.srv, h.id, nil), nil
}

func (h *harness) Close() { h.srv.Close() }

// newDriver opens a driver on the fake with a retry policy that never
// sleeps.
func newDriver(t *testing.T, srv *sheetstest.Server, id string, opts *sheets.Options) *sheets.Driver {
	t.Helper()
	svc, err := srv.Service(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if opts == nil {
		opts = &sheets.Options{}
	}
	if opts.Retry == nil {
		opts.Retry = noSleep(nil)
	}
	d, err := sheets.NewDriver(svc, id, opts)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// noSleep is a retry policy whose waits return at once, recording them.
func noSleep(waits *[]time.Duration) *sheets.Retry {
	return &sheets.Retry{Jitter: func() float64 { return 0.5 }, Sleep: func(_ context.Context, d time.Duration) error {
		if waits != nil {
			*waits = append(*waits, d)
		}
		return nil
	}}
}

func TestConformance(t *testing.T) {
	drivertest.RunConformanceTests(t, func(ctx context.Context, t *testing.T) (drivertest.Harness, error) {
		return &harness{t: t, srv: sheetstest.NewServer(nil)}, nil
	})
}
