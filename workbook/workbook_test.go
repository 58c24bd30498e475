package workbook_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/auxon-planner/auxon/workbook"
	"github.com/auxon-planner/auxon/workbook/memwb"
)

func TestAuxonTabsOldestFirst(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	wb := workbook.New(memwb.NewDriver(&workbook.Sheet{Name: "Input"}), &workbook.Options{Now: func() time.Time { return now }})
	ctx := context.Background()
	add := func(name, run string) {
		t.Helper()
		if err := wb.AddTabs(ctx, []*workbook.OutputTab{{Sheet: workbook.Sheet{Name: name}, Kind: "Plan", RunID: run}}); err != nil {
			t.Fatal(err)
		}
	}
	add("late", "r2")
	now = now.Add(-time.Hour) // a clock that went back: order is by time, not position
	add("early", "r1")
	tabs, err := wb.AuxonTabs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(tabs) != 2 || tabs[0].Name != "early" || tabs[1].Name != "late" || tabs[0].Tag.Created != now {
		t.Errorf("AuxonTabs = %+v", tabs)
	}
}

func TestClosed(t *testing.T) {
	wb := memwb.Open()
	if err := wb.Close(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	errs := []error{wb.Close(), wb.DeleteTabs(ctx, "x"), wb.AddTabs(ctx, nil)}
	_, err := wb.Tabs(ctx)
	errs = append(errs, err)
	_, err = wb.ReadTabs(ctx, "x")
	errs = append(errs, err)
	for i, err := range errs {
		if !errors.Is(err, workbook.ErrClosed) {
			t.Errorf("call %d after Close: err = %v, want ErrClosed", i, err)
		}
	}
}

func TestCellHelpers(t *testing.T) {
	tests := []struct {
		c    workbook.Cell
		text string
	}{
		{workbook.Num(0.1), "0.1"},
		{workbook.Num(1e21), "1e+21"},
		{workbook.Str("x"), "x"},
		{workbook.Str(""), ""},
		{workbook.BoolCell(false), "FALSE"},
		{workbook.Cell{Kind: workbook.Error, Str: "#REF!"}, "#REF!"},
	}
	for _, tc := range tests {
		if got := tc.c.Text(); got != tc.text {
			t.Errorf("Text(%+v) = %q, want %q", tc.c, got, tc.text)
		}
	}
	if !workbook.Str("").IsEmpty() || workbook.Num(0).IsEmpty() {
		t.Error("IsEmpty: Str(\"\") must be empty and Num(0) not")
	}
	g := &workbook.Grid{Rows: [][]workbook.Cell{{workbook.Num(1), {}}, {}, {}}}
	g.Trim()
	if len(g.Rows) != 1 || len(g.Rows[0]) != 1 || g.At(5, 5).Kind != workbook.Empty {
		t.Errorf("Trim/At: %+v", g.Rows)
	}
}
