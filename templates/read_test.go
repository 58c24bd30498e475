package templates_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/auxon-planner/auxon/templates"
	"github.com/auxon-planner/auxon/workbook"
	"github.com/auxon-planner/auxon/workbook/memwb"
)

// Read matches tab names case-insensitively and never reads auxon's own
// output tabs as intent.
func TestReadFromMemory(t *testing.T) {
	sheets := templates.ExampleSheets()
	sheets[0].Name = " resources " // as a user might type it
	wb := memwb.Open(sheets...)
	ctx := context.Background()
	out := &workbook.OutputTab{Sheet: workbook.Sheet{Name: "Services", Rows: [][]workbook.Cell{{workbook.Str("junk")}}}, Kind: "Plan"}
	if err := wb.AddTabs(ctx, []*workbook.OutputTab{out}); err == nil {
		t.Fatal("AddTabs over the Services input tab succeeded")
	}
	in, ps, err := templates.Read(ctx, wb)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) > 0 {
		t.Fatalf("problems:\n%v", ps)
	}
	if !reflect.DeepEqual(in, templates.Example()) {
		t.Error("intent read from memwb differs from Example()")
	}
}
