package sheets_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/auxon-planner/auxon/sheets"
	"github.com/auxon-planner/auxon/sheets/sheetstest"
	"github.com/auxon-planner/auxon/workbook/driver"
)

// TestReadValues checks what reads return for the cells a human leaves:
// formulas read as their values, errors as their text, dates as serial
// numbers, merged ranges filled with their top-left value, hidden tabs
// and ragged rows.
func TestReadValues(t *testing.T) {
	srv := sheetstest.NewServer(&sheetstest.Options{})
	defer srv.Close()
	id, err := srv.AddSpreadsheet(sheetstest.Spreadsheet{Locale: "de_DE", Sheets: []sheetstest.Sheet{
		{Title: "Input", Data: [][]any{
			{"Region", "Demand", "Since"},
			{"eu", sheetstest.Formula{Expr: "=10*2", Value: 20}, 45658}, // 2025-01-01 as a serial
			{"us", sheetstest.Formula{Expr: "=1/0", Value: sheetstest.Error("#DIV/0!")}},
			nil,
			{"merged", nil, nil},
			{"", "", "=not a formula"},
		}, Merges: []string{"A5:C5"}},
		{Title: "Hidden", Hidden: true, Data: [][]any{{true}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, srv, id, nil)
	got, err := d.ReadTabs(context.Background(), []string{"Input", "Hidden", "input"})
	if err != nil {
		t.Fatal(err)
	}
	s := func(v string) driver.Cell { return driver.Cell{Kind: driver.String, Str: v} }
	n := func(v float64) driver.Cell { return driver.Cell{Kind: driver.Number, Num: v} }
	tests := []struct {
		tab  string
		want [][]driver.Cell
	}{
		{"Input", [][]driver.Cell{
			{s("Region"), s("Demand"), s("Since")},
			{s("eu"), n(20), n(45658)},
			{s("us"), {Kind: driver.Error, Str: "#DIV/0!"}},
			nil,
			{s("merged"), s("merged"), s("merged")},
			{{}, {}, s("=not a formula")},
		}},
		{"Hidden", [][]driver.Cell{{{Kind: driver.Bool, Bool: true}}}},
	}
	for _, tc := range tests {
		g := got[tc.tab]
		if g == nil {
			t.Fatalf("%s missing", tc.tab)
		}
		for i := range tc.want {
			if len(g.Rows) <= i || !reflect.DeepEqual(norm(g.Rows[i]), norm(tc.want[i])) {
				t.Errorf("%s row %d = %v, want %v", tc.tab, i+1, g.Rows, tc.want[i])
				break
			}
		}
	}
	if _, ok := got["input"]; ok {
		t.Error("ReadTabs matched a name case-insensitively; the workbook layer does that")
	}
	if n := d.Calls(); n != 1 {
		t.Errorf("%d calls, want 1", n)
	}
}

func norm(r []driver.Cell) []driver.Cell {
	if len(r) == 0 {
		return nil
	}
	return r
}

func TestOnCallSeesRetries(t *testing.T) {
	srv := sheetstest.NewServer(nil)
	defer srv.Close()
	id := faultSeed(t, srv)
	srv.Inject(sheetstest.Fault{Method: methodWrite, Status: 429, Times: 2})
	type call struct {
		method  string
		attempt int
	}
	var calls []call
	d := newDriver(t, srv, id, &sheets.Options{OnCall: func(m string, a int) { calls = append(calls, call{m, a}) }})
	if err := runBatch(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	want := []call{{"get", 1}, {"batchUpdate", 1}, {"batchUpdate", 2}, {"batchUpdate", 3}}
	if !reflect.DeepEqual(calls, want) {
		t.Errorf("OnCall saw %v, want %v", calls, want)
	}
}
