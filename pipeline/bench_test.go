package pipeline

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/auxon-planner/auxon/xlsx"
)

// BenchmarkExampleEndToEnd plans the bundled example as `auxon plan`
// does: open templates/example.xlsx, read and validate the intent, greedy
// baseline, solve with the example's own Settings (1% gap), verify, write
// the output workbook.
//
//	go test ./pipeline -run '^$' -bench ExampleEndToEnd -benchtime 3x
func BenchmarkExampleEndToEnd(b *testing.B) {
	out := filepath.Join(b.TempDir(), "out.xlsx")
	for i := 0; i < b.N; i++ {
		wb, err := xlsx.Open(filepath.Join("..", "templates", "example.xlsx"), &xlsx.Options{Output: out})
		if err != nil {
			b.Fatal(err)
		}
		res, err := Run(context.Background(), Job{Workbook: wb})
		if err != nil {
			b.Fatal(err)
		}
		wb.Close()
		if i == 0 {
			b.ReportMetric(100*deref(res.Report.Gap), "gap-%")
			b.ReportMetric(res.Report.Cost.Total, "cost")
		}
	}
}

func deref(p *float64) float64 {
	if p == nil {
		return -1
	}
	return *p
}
