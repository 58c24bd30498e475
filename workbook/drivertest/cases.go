package drivertest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/auxon-planner/auxon/workbook"
	"github.com/auxon-planner/auxon/workbook/driver"
)

var fixedNow = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

func num(v float64) driver.Cell { return driver.Cell{Kind: driver.Number, Num: v} }
func str(s string) driver.Cell  { return driver.Cell{Kind: driver.String, Str: s} }
func boolean(b bool) driver.Cell {
	return driver.Cell{Kind: driver.Bool, Bool: b}
}

// typedRows covers every writable kind, a gap row and a gap cell.
func typedRows() [][]driver.Cell {
	return [][]driver.Cell{
		{str("Name"), str("Value"), str("Flag")},
		{str("pi"), num(3.141592653589793), boolean(true)},
		{str("  spaced  "), num(-0.1), boolean(false)},
		{str("Zürich ✓"), num(1e15), {}, str("after gap")},
		nil,
		{str("1,234.5"), num(45658), str("TRUE")},
	}
}

func open(t *testing.T, h Harness, seed ...*driver.Sheet) (driver.Workbook, *workbook.Workbook) {
	t.Helper()
	dw, err := h.MakeWorkbook(context.Background(), seed)
	if err != nil {
		t.Fatal(err)
	}
	return dw, workbook.New(dw, &workbook.Options{Now: func() time.Time { return fixedNow }})
}

func read(t *testing.T, dw driver.Workbook, names ...string) map[string]*driver.Grid {
	t.Helper()
	g, err := dw.ReadTabs(context.Background(), names)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func wantRows(t *testing.T, g *driver.Grid, want [][]driver.Cell) {
	t.Helper()
	if g == nil {
		t.Fatal("tab missing")
	}
	w := &driver.Grid{Name: g.Name, Rows: want}
	w.Trim()
	if len(g.Rows) != len(w.Rows) {
		t.Fatalf("got %d rows, want %d:\n%s", len(g.Rows), len(w.Rows), g)
	}
	for i := range w.Rows {
		if !reflect.DeepEqual(normalize(g.Rows[i]), normalize(w.Rows[i])) {
			t.Errorf("row %d: got %v, want %v", i+1, g.Rows[i], w.Rows[i])
		}
	}
}

// normalize makes empty rows compare equal whether nil or empty.
func normalize(r []driver.Cell) []driver.Cell {
	if len(r) == 0 {
		return nil
	}
	return r
}

func testReadTypedCells(t *testing.T, h Harness) {
	dw, _ := open(t, h, &driver.Sheet{Name: "Data", Rows: typedRows()})
	defer dw.Close()
	wantRows(t, read(t, dw, "Data")["Data"], typedRows())
}

func testReadMissingTabs(t *testing.T, h Harness) {
	dw, _ := open(t, h, &driver.Sheet{Name: "Data", Rows: typedRows()})
	defer dw.Close()
	got := read(t, dw, "Nope", "Data")
	if _, ok := got["Nope"]; ok || len(got) != 1 || got["Data"] == nil {
		t.Fatalf("got tabs %v, want only Data", keys(got))
	}
}

func testTabsOrderAndHidden(t *testing.T, h Harness) {
	dw, _ := open(t, h,
		&driver.Sheet{Name: "B", Rows: [][]driver.Cell{{str("b")}}},
		&driver.Sheet{Name: "Secret", Rows: [][]driver.Cell{{str("hidden but read")}}, Hidden: true},
		&driver.Sheet{Name: "A", Rows: [][]driver.Cell{{num(1)}}},
	)
	defer dw.Close()
	tabs, err := dw.Tabs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []driver.TabInfo{{Name: "B"}, {Name: "Secret", Hidden: true}, {Name: "A"}}
	if !reflect.DeepEqual(tabs, want) {
		t.Fatalf("Tabs = %+v, want %+v", tabs, want)
	}
	wantRows(t, read(t, dw, "Secret")["Secret"], [][]driver.Cell{{str("hidden but read")}})
}

func testEmptyTab(t *testing.T, h Harness) {
	dw, _ := open(t, h, &driver.Sheet{Name: "Empty"})
	defer dw.Close()
	g := read(t, dw, "Empty")["Empty"]
	if g == nil || len(g.Rows) != 0 {
		t.Fatalf("got %v, want an empty grid", g)
	}
}

func outTab(name, kind string, rows [][]driver.Cell) *workbook.OutputTab {
	return &workbook.OutputTab{Sheet: driver.Sheet{Name: name, Rows: rows}, Kind: kind, RunID: "run-1"}
}

func testAddTabsTagged(t *testing.T, h Harness) {
	dw, wb := open(t, h, &driver.Sheet{Name: "Input", Rows: typedRows()})
	defer dw.Close()
	ctx := context.Background()
	rows := [][]driver.Cell{{str("Service"), str("Replicas")}, {str("web"), num(3)}}
	err := wb.AddTabs(ctx, []*workbook.OutputTab{outTab("auxon Plan", "Plan", rows), outTab("auxon Summary", "Summary", rows[:1])})
	if err != nil {
		t.Fatal(err)
	}
	aux, err := wb.AuxonTabs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []driver.TabInfo{
		{Name: "auxon Plan", Tag: &driver.Tag{RunID: "run-1", Kind: "Plan", Created: fixedNow}},
		{Name: "auxon Summary", Tag: &driver.Tag{RunID: "run-1", Kind: "Summary", Created: fixedNow}},
	}
	if !reflect.DeepEqual(aux, want) {
		t.Fatalf("AuxonTabs = %s, want %s", infos(aux), infos(want))
	}
	got := read(t, dw, "auxon Plan", "Input")
	wantRows(t, got["auxon Plan"], rows)
	wantRows(t, got["Input"], typedRows())
}

func testAddTabsAllOrNothing(t *testing.T, h Harness) {
	dw, wb := open(t, h, &driver.Sheet{Name: "Input", Rows: typedRows()})
	defer dw.Close()
	ctx := context.Background()
	rows := [][]driver.Cell{{str("x")}}
	for _, bad := range [][]*workbook.OutputTab{
		{outTab("New", "Plan", rows), outTab("Input", "Plan", rows)},
		{outTab("New", "Plan", rows), outTab("New", "Plan", rows)},
		{outTab("New", "Plan", rows), outTab("", "Plan", rows)},
	} {
		if err := wb.AddTabs(ctx, bad); err == nil {
			t.Errorf("AddTabs(%s, %s) succeeded, want an error", bad[0].Name, bad[1].Name)
		}
	}
	if err := wb.AddTabs(ctx, []*workbook.OutputTab{outTab("Input", "Plan", rows)}); !errors.Is(err, workbook.ErrExists) {
		t.Errorf("AddTabs over an input tab: err = %v, want ErrExists", err)
	}
	assertTabs(t, dw, "Input")
}

func testUpdateAllOrNothing(t *testing.T, h Harness) {
	dw, _ := open(t, h, &driver.Sheet{Name: "Input", Rows: typedRows()})
	defer dw.Close()
	rows := [][]driver.Cell{{str("x")}}
	b := &driver.Batch{Add: []driver.TaggedSheet{
		{Sheet: &driver.Sheet{Name: "Fresh", Rows: rows}, Tag: &driver.Tag{RunID: "r"}},
		{Sheet: &driver.Sheet{Name: "Input", Rows: rows}, Tag: &driver.Tag{RunID: "r"}},
	}}
	if err := dw.Update(context.Background(), b); err == nil {
		t.Fatal("driver Update with a taken name succeeded")
	}
	if err := dw.Update(context.Background(), &driver.Batch{Delete: []string{"Nope"}}); err == nil {
		t.Fatal("driver Update deleting a missing tab succeeded")
	}
	assertTabs(t, dw, "Input")
	wantRows(t, read(t, dw, "Input")["Input"], typedRows())
}

func testDeleteOnlyAuxonTabs(t *testing.T, h Harness) {
	dw, wb := open(t, h, &driver.Sheet{Name: "Input", Rows: typedRows()})
	defer dw.Close()
	ctx := context.Background()
	rows := [][]driver.Cell{{str("x")}}
	if err := wb.AddTabs(ctx, []*workbook.OutputTab{outTab("Out1", "Plan", rows), outTab("Out2", "Plan", rows)}); err != nil {
		t.Fatal(err)
	}
	if err := wb.DeleteTabs(ctx, "Out1", "Input"); !errors.Is(err, workbook.ErrNotAuxon) {
		t.Fatalf("DeleteTabs(Out1, Input): err = %v, want ErrNotAuxon", err)
	}
	if err := wb.DeleteTabs(ctx, "Out1", "Missing"); !errors.Is(err, workbook.ErrNotFound) {
		t.Fatalf("DeleteTabs(Out1, Missing): err = %v, want ErrNotFound", err)
	}
	assertTabs(t, dw, "Input", "Out1", "Out2")
	if err := wb.DeleteTabs(ctx, "Out1"); err != nil {
		t.Fatal(err)
	}
	assertTabs(t, dw, "Input", "Out2")
	wantRows(t, read(t, dw, "Input")["Input"], typedRows())
}

func testFormattedSheet(t *testing.T, h Harness) {
	dw, wb := open(t, h, &driver.Sheet{Name: "Clusters", Rows: [][]driver.Cell{{str("Cluster")}, {str("a")}, {str("b")}}})
	defer dw.Close()
	rows := [][]driver.Cell{{str("Cluster"), str("cpu %"), str("ram %")}, {str("a"), num(0.5), num(0.95)}, {str("b"), num(0.99), num(0.2)}}
	tab := outTab("Utilization", "Utilization", rows)
	tab.Format = driver.Format{
		HeaderRows: 1, BoldHeader: true, FreezeHeader: true,
		ColumnWidths:  []float64{20, 10, 10},
		NumberFormats: map[int]string{1: "0.0%", 2: "0.0%"},
		Notes:         map[int]string{0: "cluster name"},
		Lists:         []driver.ListValidation{{Col: 0, SourceTab: "Clusters", SourceCol: 0}},
		Highlights:    []driver.Highlight{{FromCol: 1, ToCol: 2, Above: 0.9}},
		Chart:         &driver.Chart{Kind: driver.BarChart, Title: "Utilization", CategoryCol: 0, ValueCols: []int{1, 2}},
	}
	if err := wb.AddTabs(context.Background(), []*workbook.OutputTab{tab}); err != nil {
		t.Fatal(err)
	}
	wantRows(t, read(t, dw, "Utilization")["Utilization"], rows)
}

func testManyRows(t *testing.T, h Harness) {
	rows := [][]driver.Cell{{str("Service"), str("Region"), str("Demand")}}
	for i := range 5000 {
		rows = append(rows, []driver.Cell{str(fmt.Sprintf("svc-%d", i%50)), str(fmt.Sprintf("r%d", i%7)), num(float64(i) * 1.5)})
	}
	dw, _ := open(t, h, &driver.Sheet{Name: "Demand", Rows: rows})
	defer dw.Close()
	wantRows(t, read(t, dw, "Demand")["Demand"], rows)
}

func testPersistence(t *testing.T, h Harness) {
	dw, wb := open(t, h, &driver.Sheet{Name: "Input", Rows: typedRows()})
	defer dw.Close()
	ctx := context.Background()
	rows := [][]driver.Cell{{str("k"), str("v")}, {str("cost"), num(12.25)}}
	if err := wb.AddTabs(ctx, []*workbook.OutputTab{outTab("Run Summary", "Summary", rows)}); err != nil {
		t.Fatal(err)
	}
	re, err := h.Reopen(ctx, dw)
	if errors.Is(err, ErrNotSupported) {
		t.Skip("backend does not persist")
	}
	if err != nil {
		t.Fatal(err)
	}
	defer re.Close()
	tabs, err := re.Tabs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []driver.TabInfo{{Name: "Input"}, {Name: "Run Summary", Tag: &driver.Tag{RunID: "run-1", Kind: "Summary", Created: fixedNow}}}
	if !reflect.DeepEqual(tabs, want) {
		t.Fatalf("after reopen Tabs = %s, want %s", infos(tabs), infos(want))
	}
	got := read(t, re, "Input", "Run Summary")
	wantRows(t, got["Input"], typedRows())
	wantRows(t, got["Run Summary"], rows)
}

func assertTabs(t *testing.T, dw driver.Workbook, want ...string) {
	t.Helper()
	tabs, err := dw.Tabs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tab := range tabs {
		got = append(got, tab.Name)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("tabs = %q, want %q", got, want)
	}
}

func keys(m map[string]*driver.Grid) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func infos(tabs []driver.TabInfo) string {
	s := ""
	for _, t := range tabs {
		s += fmt.Sprintf("{%s hidden=%v tag=%+v} ", t.Name, t.Hidden, t.Tag)
	}
	return s
}
