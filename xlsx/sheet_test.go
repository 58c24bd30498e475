package xlsx

import (
	"strings"
	"testing"

	"github.com/auxon-planner/auxon/workbook/driver"
)

func TestStreamSheet(t *testing.T) {
	const xml = `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><r><t>in</t></r><r><t>line</t></r></is></c><c t="b"><v>1</v></c></row>
<row r="3"><c r="A3" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="B3" t="str"><f>"a"&amp;"b"</f><v>ab</v></c><c r="C3" t="d"><v>2024-01-01</v></c><c r="D3" s="1"/></row>
<row r="4"><c r="A4"><f>A1</f></c><c r="B4"><v> 12.5 </v></c></row>
</sheetData><mergeCells><mergeCell ref="B4:C5"/><mergeCell ref="D1:XFD1048576"/></mergeCells></worksheet>`
	g := &driver.Grid{}
	if err := streamSheet(strings.NewReader(xml), []string{"shared ✓"}, g); err != nil {
		t.Fatal(err)
	}
	g.Trim()
	want := "shared ✓\tinline\tTRUE\n\n#DIV/0!\tab\t45292\n\t12.5\t12.5\n"
	if got := g.String(); got != want {
		t.Errorf("got:\n%q\nwant:\n%q", got, want)
	}
	if c := g.At(2, 0); c.Kind != driver.Error {
		t.Errorf("A3 kind = %v, want error", c.Kind)
	}
	if len(g.Rows) != 4 {
		t.Errorf("rows = %d; a huge merge must not grow the grid", len(g.Rows))
	}
}

func TestStreamSheetErrors(t *testing.T) {
	for _, xml := range []string{
		`<worksheet><sheetData><row r="x"/></sheetData></worksheet>`,
		`<worksheet><sheetData><row><c r="1A"><v>1</v></c></row></sheetData></worksheet>`,
		`<worksheet><sheetData><row><c r="A1" t="s"><v>7</v></c></row></sheetData></worksheet>`,
		`<worksheet><sheetData><row><c r="A99999999"><v>1</v></c></row></sheetData></worksheet>`,
		`<worksheet><sheetData><row>`,
	} {
		if err := streamSheet(strings.NewReader(xml), nil, &driver.Grid{}); err == nil {
			t.Errorf("no error for %s", xml)
		}
	}
}

func TestReadSST(t *testing.T) {
	const xml = `<sst><si><t>plain</t></si><si><r><t>ri</t></r><r><t>ch</t></r><rPh><t>ignored</t></rPh></si><si><t/></si></sst>`
	got, err := readSST(strings.NewReader(xml))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, "|") != "plain|rich|" {
		t.Errorf("sst = %q", got)
	}
}
