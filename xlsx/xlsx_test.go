package xlsx_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/auxon-planner/auxon/workbook/driver"
	"github.com/auxon-planner/auxon/workbook/drivertest"
	"github.com/auxon-planner/auxon/xlsx"
)

// harness makes each workbook as an input file written by xlsx.Create,
// opened with a separate output file.
type harness struct{ dir string }

func (h *harness) MakeWorkbook(_ context.Context, seed []*driver.Sheet) (driver.Workbook, error) {
	in := filepath.Join(h.dir, "input.xlsx")
	if err := xlsx.Create(in, seed); err != nil {
		return nil, err
	}
	return xlsx.NewDriver(in, &xlsx.Options{Output: filepath.Join(h.dir, "output.xlsx")})
}

func (h *harness) Reopen(_ context.Context, wb driver.Workbook) (driver.Workbook, error) {
	return xlsx.NewDriver(wb.(*xlsx.Driver).Path(), nil)
}

func (h *harness) Close() {}

func TestConformance(t *testing.T) {
	drivertest.RunConformanceTests(t, func(_ context.Context, t *testing.T) (drivertest.Harness, error) {
		return &harness{dir: t.TempDir()}, nil
	})
}
