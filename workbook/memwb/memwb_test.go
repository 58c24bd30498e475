package memwb_test

import (
	"context"
	"testing"

	"github.com/auxon-planner/auxon/workbook/driver"
	"github.com/auxon-planner/auxon/workbook/drivertest"
	"github.com/auxon-planner/auxon/workbook/memwb"
)

type harness struct{}

func (harness) MakeWorkbook(_ context.Context, seed []*driver.Sheet) (driver.Workbook, error) {
	return memwb.NewDriver(seed...), nil
}

func (harness) Reopen(context.Context, driver.Workbook) (driver.Workbook, error) {
	return nil, drivertest.ErrNotSupported
}

func (harness) Close() {}

func TestConformance(t *testing.T) {
	drivertest.RunConformanceTests(t, func(context.Context, *testing.T) (drivertest.Harness, error) {
		return harness{}, nil
	})
}

func TestSheetsKeepsFormat(t *testing.T) {
	d := memwb.NewDriver()
	s := &driver.Sheet{Name: "U", Format: driver.Format{Chart: &driver.Chart{Kind: driver.BarChart}}}
	err := d.Update(context.Background(), &driver.Batch{Add: []driver.TaggedSheet{{Sheet: s}}})
	if err != nil {
		t.Fatal(err)
	}
	got := d.Sheets()
	if len(got) != 1 || got[0].Format.Chart == nil || got[0].Format.Chart.Kind != driver.BarChart {
		t.Fatalf("Sheets() = %+v, want the chart kept", got)
	}
}
