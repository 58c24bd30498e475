package xlsx_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/auxon-planner/auxon/templates"
	"github.com/auxon-planner/auxon/workbook"
	"github.com/auxon-planner/auxon/xlsx"
)

// bigXLSX keeps the benchmark's workbook at a path, so that peak RSS can
// be measured for reading alone: a first run writes it, later runs only
// read it.
var bigXLSX = flag.String("bigxlsx", "", "path of the 100k-row benchmark workbook (written if missing)")

// bigWorkbook writes a valid intent whose Demand tab has 100,000 rows:
// 1,000 services × 100 regions, one cluster per region.
func bigWorkbook(b *testing.B) string {
	b.Helper()
	name := *bigXLSX
	if name == "" {
		name = filepath.Join(b.TempDir(), "big.xlsx")
	} else if _, err := os.Stat(name); err == nil {
		return name
	}
	res := templates.Schema([]templates.Resource{{Name: "cpu", Unit: "cores"}})
	header := func(i int) []workbook.Cell {
		var h []workbook.Cell
		for _, c := range res[i].Columns {
			h = append(h, workbook.Str(c.Title()))
		}
		return h
	}
	sheet := func(i int, rows [][]workbook.Cell) *workbook.Sheet {
		return &workbook.Sheet{Name: res[i].Name, Rows: append([][]workbook.Cell{header(i)}, rows...)}
	}
	var clusters, services, demand [][]workbook.Cell
	for r := range 100 {
		clusters = append(clusters, []workbook.Cell{workbook.Str(fmt.Sprintf("c%03d", r)), workbook.Str(fmt.Sprintf("r%03d", r)),
			workbook.Str(fmt.Sprintf("k%d", r%3)), workbook.Num(1e6), workbook.Num(1)})
	}
	for s := range 1000 {
		services = append(services, []workbook.Cell{workbook.Str(fmt.Sprintf("svc-%04d", s)), workbook.Num(float64(s % 4)),
			workbook.Str("QPS"), workbook.Num(100), workbook.Num(1)})
		for r := range 100 {
			demand = append(demand, []workbook.Cell{workbook.Str(fmt.Sprintf("svc-%04d", s)), workbook.Str(fmt.Sprintf("r%03d", r)),
				workbook.Num(float64((s*7+r*13)%5000) + 0.5)})
		}
	}
	sheets := []*workbook.Sheet{
		sheet(0, [][]workbook.Cell{{workbook.Str("cpu"), workbook.Str("cores")}}),
		sheet(1, clusters), sheet(2, nil), sheet(3, services), sheet(4, demand), sheet(5, nil),
	}
	if err := xlsx.Create(name, sheets); err != nil {
		b.Fatal(err)
	}
	return name
}

// BenchmarkParseDemand100k opens an XLSX file whose Demand tab has
// 100,000 rows, reads every intent tab and parses and validates them.
func BenchmarkParseDemand100k(b *testing.B) {
	name := bigWorkbook(b)
	b.ReportAllocs()
	for b.Loop() {
		wb, err := xlsx.Open(name, nil)
		if err != nil {
			b.Fatal(err)
		}
		in, ps, err := templates.Read(context.Background(), wb)
		if err != nil {
			b.Fatal(err)
		}
		if len(ps) > 0 || len(in.Demand) != 100000 {
			b.Fatalf("%d demand rows, problems:\n%v", len(in.Demand), ps[:min(len(ps), 5)])
		}
		wb.Close()
	}
}
