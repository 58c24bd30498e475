package xlsx_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/auxon-planner/auxon/workbook"
	"github.com/auxon-planner/auxon/workbook/driver"
	"github.com/auxon-planner/auxon/xlsx"
)

// excelizeFile writes a workbook built by fn straight with excelize, as
// another program would.
func excelizeFile(t *testing.T, fn func(f *excelize.File)) string {
	t.Helper()
	f := excelize.NewFile()
	fn(f)
	name := filepath.Join(t.TempDir(), "in.xlsx")
	if err := f.SaveAs(name); err != nil {
		t.Fatal(err)
	}
	return name
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestMergedHiddenAndFormulas(t *testing.T) {
	name := excelizeFile(t, func(f *excelize.File) {
		must(t, f.SetSheetRow("Sheet1", "A1", &[]any{"Service", "Region", "Demand"}))
		must(t, f.SetSheetRow("Sheet1", "A2", &[]any{"web", "eu", 10}))
		must(t, f.SetSheetRow("Sheet1", "B3", &[]any{"us", 20}))
		must(t, f.MergeCell("Sheet1", "A2", "A3"))
		must(t, f.SetRowVisible("Sheet1", 3, false))
		must(t, f.SetCellFormula("Sheet1", "C4", "C2+C3")) // never calculated: no cached value
		must(t, f.SetCellValue("Sheet1", "A4", "api"))
		must(t, f.SetCellValue("Sheet1", "B4", "ap"))
		_, err := f.NewSheet("Secret")
		must(t, err)
		must(t, f.SetCellValue("Secret", "A1", true))
		must(t, f.SetSheetVisible("Secret", false))
	})
	wb, err := xlsx.Open(name, nil)
	must(t, err)
	defer wb.Close()
	ctx := context.Background()
	grids, err := wb.ReadTabs(ctx, "Sheet1", "Secret")
	must(t, err)
	want := "Service\tRegion\tDemand\nweb\teu\t10\nweb\tus\t20\napi\tap\n"
	if got := grids["Sheet1"].String(); got != want {
		t.Errorf("Sheet1:\n%s\nwant:\n%s", got, want)
	}
	if c := grids["Secret"].At(0, 0); c.Kind != workbook.Bool || !c.Bool {
		t.Errorf("hidden tab A1 = %+v, want TRUE", c)
	}
	tabs, err := wb.Tabs(ctx)
	must(t, err)
	if want := []workbook.TabInfo{{Name: "Sheet1"}, {Name: "Secret", Hidden: true}}; !reflect.DeepEqual(tabs, want) {
		t.Errorf("Tabs = %+v, want %+v", tabs, want)
	}
}

func TestInputNeverModified(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.xlsx")
	must(t, xlsx.Create(in, []*driver.Sheet{{Name: "Services", Rows: [][]driver.Cell{{workbook.Str("Service")}}}}))
	before, err := os.ReadFile(in)
	must(t, err)
	out := filepath.Join(dir, "out.xlsx")
	wb, err := xlsx.Open(in, &xlsx.Options{Output: out})
	must(t, err)
	tab := &workbook.OutputTab{Sheet: workbook.Sheet{Name: "auxon Plan", Rows: [][]workbook.Cell{{workbook.Num(1)}}}, Kind: "Plan", RunID: "r1"}
	must(t, wb.AddTabs(context.Background(), []*workbook.OutputTab{tab}))
	after, err := os.ReadFile(in)
	must(t, err)
	if !bytes.Equal(before, after) {
		t.Error("the input file changed")
	}
	re, err := xlsx.Open(out, nil)
	must(t, err)
	tabs, err := re.AuxonTabs(context.Background())
	must(t, err)
	if len(tabs) != 1 || tabs[0].Name != "auxon Plan" || tabs[0].Tag.RunID != "r1" {
		t.Errorf("output AuxonTabs = %+v", tabs)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %q", leftovers)
	}
}

func TestInPlace(t *testing.T) {
	in := filepath.Join(t.TempDir(), "in.xlsx")
	must(t, xlsx.Create(in, []*driver.Sheet{{Name: "Services"}}))
	wb, err := xlsx.Open(in, &xlsx.Options{InPlace: true})
	must(t, err)
	tab := &workbook.OutputTab{Sheet: workbook.Sheet{Name: "Out"}, Kind: "Plan", RunID: "r"}
	must(t, wb.AddTabs(context.Background(), []*workbook.OutputTab{tab}))
	re, err := xlsx.Open(in, nil)
	must(t, err)
	tabs, err := re.Tabs(context.Background())
	must(t, err)
	if len(tabs) != 2 || tabs[1].Tag == nil {
		t.Errorf("in-place write: tabs = %+v", tabs)
	}
	if _, err := xlsx.Open(in, &xlsx.Options{InPlace: true, Output: in + "2"}); err == nil {
		t.Error("InPlace with Output accepted")
	}
}

func TestWriteRefusals(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.xlsx")
	must(t, xlsx.Create(in, []*driver.Sheet{{Name: "Services"}}))
	ro, err := xlsx.Open(in, nil)
	must(t, err)
	tab := func(name string) []*workbook.OutputTab {
		return []*workbook.OutputTab{{Sheet: workbook.Sheet{Name: name}, Kind: "Plan"}}
	}
	if err := ro.AddTabs(context.Background(), tab("x")); !errors.Is(err, xlsx.ErrReadOnly) {
		t.Errorf("read-only AddTabs: err = %v, want ErrReadOnly", err)
	}
	out := filepath.Join(dir, "out.xlsx")
	wb, err := xlsx.Open(in, &xlsx.Options{Output: out})
	must(t, err)
	for _, name := range []string{"auxon Utilization 2026-11-25 1840", "a:b", "services", "'q'"} {
		if err := wb.AddTabs(context.Background(), tab(name)); err == nil {
			t.Errorf("AddTabs(%q) succeeded", name)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("refused writes created the output: %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.xlsx")
	must(t, os.WriteFile(bad, []byte("not a zip"), 0o644))
	for _, name := range []string{bad, filepath.Join(t.TempDir(), "missing.xlsx")} {
		if _, err := xlsx.Open(name, nil); err == nil {
			t.Errorf("Open(%s) succeeded", name)
		}
	}
}
