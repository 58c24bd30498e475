package xlsx_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/auxon-planner/auxon/planner"
	"github.com/auxon-planner/auxon/templates"
	"github.com/auxon-planner/auxon/xlsx"
)

func readIntent(t *testing.T, path string) (*planner.Intent, planner.Problems) {
	t.Helper()
	wb, err := xlsx.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	in, ps, err := templates.Read(context.Background(), wb)
	if err != nil {
		t.Fatal(err)
	}
	return in, ps
}

// The example workbook as saved by LibreOffice Calc 7 (soffice --headless
// --convert-to xlsx templates/example.xlsx) reads back as the example.
func TestLibreOfficeFixture(t *testing.T) {
	in, ps := readIntent(t, "testdata/libreoffice-example.xlsx")
	if len(ps) > 0 {
		t.Fatalf("problems:\n%v", ps)
	}
	if want := templates.Example(); !reflect.DeepEqual(in, want) {
		t.Errorf("LibreOffice copy parses differently from the example")
	}
}

// libreoffice-formulas.xlsx is the example with every Demand cell a
// formula (=D2*E2 over two extra columns), recalculated and saved by
// LibreOffice; the cached values are read.
func TestFormulaFixture(t *testing.T) {
	in, ps := readIntent(t, "testdata/libreoffice-formulas.xlsx")
	if len(ps) > 0 {
		t.Fatalf("problems:\n%v", ps)
	}
	want := templates.Example()
	if !reflect.DeepEqual(in.Demand, want.Demand) {
		t.Errorf("demand from formulas differs from the example's")
	}
	if got := in.Columns[planner.TabDemand]; got["demand"] != 2 {
		t.Errorf("demand column = %d, want 2 (C); extra columns must be ignored", got["demand"])
	}
}

// libreoffice-tagged.xlsx is the example plus an auxon Utilization tab
// (chart, conditional format, tag) written by this package, then opened
// and saved by LibreOffice: the tag survives, so the tab is still auxon's.
func TestTagSurvivesLibreOffice(t *testing.T) {
	wb, err := xlsx.Open("testdata/libreoffice-tagged.xlsx", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	tabs, err := wb.AuxonTabs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(tabs) != 1 || tabs[0].Name != "auxon Utilization 1840" || tabs[0].Tag.Kind != "Utilization" || tabs[0].Tag.RunID != "r1" {
		t.Errorf("AuxonTabs = %+v", tabs)
	}
	grids, err := wb.ReadTabs(context.Background(), "auxon Utilization 1840")
	if err != nil {
		t.Fatal(err)
	}
	if got := grids["auxon Utilization 1840"].String(); got != "Cluster\tcpu %\tram %\nuse1-a\t0.5\t0.95\nuse1-b\t0.99\t0.2\n" {
		t.Errorf("utilization tab:\n%s", got)
	}
}
