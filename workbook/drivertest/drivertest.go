// Package drivertest is the conformance suite every workbook backend
// passes, so that behaviour cannot drift between backends. A backend's
// test implements Harness in a few dozen lines and calls RunConformanceTests.
// A feature a backend lacks is skipped, never faked.
package drivertest

import (
	"context"
	"errors"
	"testing"

	"github.com/auxon-planner/auxon/workbook/driver"
)

// ErrNotSupported is returned by optional Harness methods a backend does
// not support; the tests that need them are skipped.
var ErrNotSupported = errors.New("not supported by this backend")

// Harness makes workbooks of one backend for the suite.
type Harness interface {
	// MakeWorkbook returns a writable workbook holding the seed sheets
	// (untagged, in order).
	MakeWorkbook(ctx context.Context, seed []*driver.Sheet) (driver.Workbook, error)
	// Reopen returns a new driver over what wb has persisted, as a later
	// process would see it, or ErrNotSupported for a backend that
	// persists nothing. The suite closes both.
	Reopen(ctx context.Context, wb driver.Workbook) (driver.Workbook, error)
	// Close releases the harness.
	Close()
}

// HarnessMaker makes a Harness for one test.
type HarnessMaker func(ctx context.Context, t *testing.T) (Harness, error)

// RunConformanceTests runs the suite against the backend newHarness makes.
func RunConformanceTests(t *testing.T, newHarness HarnessMaker) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, h Harness)
	}{
		{"ReadTypedCells", testReadTypedCells},
		{"ReadMissingTabs", testReadMissingTabs},
		{"TabsOrderAndHidden", testTabsOrderAndHidden},
		{"EmptyTab", testEmptyTab},
		{"AddTabsTagged", testAddTabsTagged},
		{"AddTabsAllOrNothing", testAddTabsAllOrNothing},
		{"UpdateAllOrNothing", testUpdateAllOrNothing},
		{"DeleteOnlyAuxonTabs", testDeleteOnlyAuxonTabs},
		{"FormattedSheet", testFormattedSheet},
		{"ManyRows", testManyRows},
		{"Persistence", testPersistence},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			h, err := newHarness(ctx, t)
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close()
			tc.fn(t, h)
		})
	}
}
