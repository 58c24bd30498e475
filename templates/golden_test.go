package templates_test

import (
	"bytes"
	"flag"
	"os"
	"testing"

	"github.com/auxon-planner/auxon/templates"
	"github.com/auxon-planner/auxon/workbook"
	"github.com/auxon-planner/auxon/xlsx"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestCommittedWorkbooks keeps templates/blank.xlsx and example.xlsx
// byte-identical to what `auxon template` generates.
func TestCommittedWorkbooks(t *testing.T) {
	for file, sheets := range map[string]func() []*workbook.Sheet{
		"blank.xlsx":   templates.Blank,
		"example.xlsx": templates.ExampleSheets,
	} {
		t.Run(file, func(t *testing.T) {
			var a, b bytes.Buffer
			if err := xlsx.Write(&a, sheets()); err != nil {
				t.Fatal(err)
			}
			if err := xlsx.Write(&b, sheets()); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Fatal("two writes of the same sheets differ: output is not deterministic")
			}
			if *update {
				if err := os.WriteFile(file, a.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test ./templates -run TestCommittedWorkbooks -update)", err)
			}
			if !bytes.Equal(a.Bytes(), want) {
				t.Errorf("%s differs from the generated workbook; run go test ./templates -run TestCommittedWorkbooks -update", file)
			}
		})
	}
}
