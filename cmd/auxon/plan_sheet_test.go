package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestPlanSheet plans the example in a fake Google Sheet through the real
// client and a service-account key: the tabs land in the sheet, tagged,
// and validate --sheet reads it with the read-only scope.
func TestPlanSheet(t *testing.T) {
	srv, id, keyFile := sheetFake(t)
	var stdout, stderr bytes.Buffer
	code := run([]string{"plan", "--sheet", id, "--credentials", keyFile, "--time-limit", "3s", "--mip-gap", "0.05"}, &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "wrote sheet "+id) {
		t.Errorf("stdout %q", stdout.String())
	}
	sp, err := srv.Spreadsheet(id)
	if err != nil {
		t.Fatal(err)
	}
	var auxon []string
	for _, s := range sp.Sheets {
		if strings.HasPrefix(s.Properties.Title, "auxon ") {
			auxon = append(auxon, s.Properties.Title)
		}
	}
	if len(auxon) != 4 {
		t.Errorf("auxon tabs in the sheet: %q, want Summary, Plan, Utilization and Capacity Value", auxon)
	}
	wb, err := openSheet(context.Background(), &sheetFlags{sheet: id, credentials: keyFile}, true)
	if err != nil {
		t.Fatal(err)
	}
	tagged, err := wb.AuxonTabs(context.Background())
	if err != nil || len(tagged) != 4 {
		t.Errorf("tagged tabs %v (%v), want 4", tagged, err)
	}

	stdout.Reset()
	if code := run([]string{"validate", "--sheet", id, "--credentials", keyFile}, &stdout, &stderr); code != exitOK {
		t.Errorf("validate --sheet: exit %d: %s %s", code, stdout.String(), stderr.String())
	}
	if code := run([]string{"plan", "--sheet", id, "extra.xlsx"}, &stdout, &stderr); code != exitUsage {
		t.Errorf("plan --sheet with a file: exit %d, want %d", code, exitUsage)
	}
}
