package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auxon-planner/auxon/planner"
	"github.com/auxon-planner/auxon/templates"
	"github.com/auxon-planner/auxon/xlsx"
)

// exampleCopy writes the bundled example into a temporary folder.
func exampleCopy(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := xlsx.Create(path, templates.ExampleSheets()); err != nil {
		t.Fatal(err)
	}
	return path
}

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func TestPlanWritesOutputAndLeavesInput(t *testing.T) {
	in := exampleCopy(t, "example.xlsx")
	before := fileHash(t, in)
	dir := filepath.Dir(in)
	out, jsonPath := filepath.Join(dir, "out.xlsx"), filepath.Join(dir, "plan.json")
	var stdout, stderr bytes.Buffer
	code := run([]string{"plan", in, "-o", out, "--json", jsonPath, "--time-limit", "3s", "--mip-gap", "0.05"}, &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if fileHash(t, in) != before {
		t.Error("the input workbook changed")
	}
	if stderr.Len() != 0 {
		t.Errorf("progress or noise on a non-terminal stderr: %q", stderr.String())
	}
	wb, err := xlsx.Open(out, nil)
	if err != nil {
		t.Fatal(err)
	}
	tabs, err := wb.AuxonTabs(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(tabs) != 4 {
		t.Errorf("auxon tabs %v, want Summary, Plan, Utilization, Capacity Value", tabs)
	}
	// The output still holds the intent, and it plans the same.
	intent, problems, err := templates.Read(t.Context(), wb)
	if err != nil || problems.Err() != nil {
		t.Fatalf("output workbook no longer reads: %v %v", err, problems.Err())
	}
	var rep planner.Report
	b, _ := os.ReadFile(jsonPath)
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Fingerprint != planner.Fingerprint(intent) {
		t.Error("the output's intent differs from what was planned")
	}
	if !strings.Contains(stdout.String(), "wrote "+out) {
		t.Errorf("stdout %q", stdout.String())
	}
}

func TestPlanExitCodes(t *testing.T) {
	valid := exampleCopy(t, "good.xlsx")
	broken := brokenExample(t)
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"no input", []string{"plan"}, exitUsage},
		{"two inputs without --out-dir", []string{"plan", valid, broken}, exitUsage},
		{"output is the input", []string{"plan", valid, "-o", valid}, exitUsage},
		{"invalid intent", []string{"plan", broken, "--solver", "greedy"}, exitInvalid},
		{"missing file", []string{"plan", filepath.Join(t.TempDir(), "none.xlsx")}, exitFailure},
		{"greedy preview", []string{"plan", valid, "--solver", "greedy", "--dry-run"}, exitOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(tc.args, &stdout, &stderr); code != tc.code {
				t.Errorf("exit %d, want %d; stderr %s", code, tc.code, stderr.String())
			}
		})
	}
}

func TestPlanBatchOneBadFile(t *testing.T) {
	a, b := exampleCopy(t, "a.xlsx"), brokenExample(t)
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := run([]string{"plan", "--out-dir", dir, "--jobs", "2", "--time-limit", "2s", "--mip-gap", "0.1", a, b}, &stdout, &stderr)
	if code != exitPartial {
		t.Fatalf("exit %d, want %d: %s", code, exitPartial, stderr.String())
	}
	table := stdout.String()
	if !strings.Contains(table, "invalid") || !strings.Contains(table, "Services!I3") {
		t.Errorf("summary does not show the bad file's problem:\n%s", table)
	}
	if _, err := os.Stat(filepath.Join(dir, "a.xlsx")); err != nil {
		t.Errorf("the good file was not planned: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "a.plan.json")); err != nil {
		t.Errorf("no plan.json for the good file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "broken.xlsx")); err == nil {
		t.Error("the bad file produced an output")
	}
}
