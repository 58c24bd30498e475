package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auxon-planner/auxon/templates"
	"github.com/auxon-planner/auxon/workbook"
	"github.com/auxon-planner/auxon/xlsx"
)

// brokenExample writes the example with three errors and a warning.
func brokenExample(t *testing.T) string {
	t.Helper()
	sheets := templates.ExampleSheets()
	for _, s := range sheets {
		switch s.Name {
		case "Services":
			s.Rows[2][8] = workbook.Str("N+x") // Services!I3
		case "Demand":
			s.Rows[4][2] = workbook.Str("lots")    // Demand!C5
			s.Rows[6][1] = workbook.Str("us-eats") // Demand!B7
		case "Settings":
			s.Rows = append(s.Rows, []workbook.Cell{workbook.Str("colour"), workbook.Str("blue")})
		}
	}
	name := filepath.Join(t.TempDir(), "broken.xlsx")
	if err := xlsx.Create(name, sheets); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestValidateText(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"validate", brokenExample(t)}, &out, &errb)
	if code != exitInvalid {
		t.Fatalf("exit %d, want %d; stderr: %s", code, exitInvalid, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []string{
		`Services!I3: error: redundancy: "N+x" is not N, N+k or an integer [bad-value]`,
		`Demand!C5: error: demand: "lots" is not a number [bad-number]`,
		`Demand!B7: error: unknown region "us-eats": no cluster is in it and Latency does not mention it (did you mean "us-east"?) [unknown-name]`,
		`Settings!A7: warning: unknown setting "colour" is ignored`,
	}
	if len(lines) != len(want)+1 {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want)+1, out.String())
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d:\n got %s\nwant %s", i+1, lines[i], w)
		}
	}
	if !strings.Contains(lines[len(lines)-1], "INVALID (3 errors, 1 warnings)") {
		t.Errorf("summary line = %q", lines[len(lines)-1])
	}
	if errb.Len() != 0 {
		t.Errorf("stderr = %q, want nothing (problems go to stdout)", errb.String())
	}
}

func TestValidateJSON(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"validate", "--json", brokenExample(t)}, &out, &errb); code != exitInvalid {
		t.Fatalf("exit %d, want %d", code, exitInvalid)
	}
	var rep validateReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Valid || rep.Errors != 3 || rep.Warnings != 1 || len(rep.Problems) != 4 {
		t.Fatalf("report = %+v", rep)
	}
	p := rep.Problems[1]
	if p.Cell != "Demand!C5" || p.Tab != "Demand" || p.Row != 5 || p.Column != "C" || p.Code != "bad-number" || p.Severity != "error" {
		t.Errorf("problem = %+v", p)
	}
}

func TestValidateExitCodes(t *testing.T) {
	tests := []struct {
		args []string
		code int
	}{
		{[]string{"validate", "../../templates/example.xlsx"}, exitOK},
		{[]string{"validate", "../../templates/blank.xlsx", "../../xlsx/testdata/libreoffice-example.xlsx"}, exitOK},
		{[]string{"validate", "../../templates/example.xlsx", brokenExample(t)}, exitInvalid},
		{[]string{"validate", "missing.xlsx"}, exitFailure},
		{[]string{"validate"}, exitUsage},
		{[]string{"validate", "--bogus", "x.xlsx"}, exitUsage},
		{[]string{"validate", "-h"}, exitOK},
	}
	for _, tc := range tests {
		var out, errb bytes.Buffer
		if code := run(tc.args, &out, &errb); code != tc.code {
			t.Errorf("auxon %s: exit %d, want %d\n%s%s", strings.Join(tc.args, " "), code, tc.code, out.String(), errb.String())
		}
	}
}

func TestValidateHelpDocumentsExitCodes(t *testing.T) {
	var out, errb bytes.Buffer
	run([]string{"validate", "--help"}, &out, &errb)
	if !strings.Contains(errb.String(), "3 some workbook has errors") || !strings.Contains(errb.String(), "-json") {
		t.Errorf("help does not document exit codes and --json:\n%s", errb.String())
	}
}
