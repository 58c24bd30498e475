package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auxon-planner/auxon/templates"
	"github.com/auxon-planner/auxon/workbook"
	"github.com/auxon-planner/auxon/xlsx"
)

// conflictingExample pins one service in two clusters while its Max
// Clusters is 1: valid cell by cell, but no plan can hold it.
func conflictingExample(t *testing.T) string {
	t.Helper()
	sheets := templates.ExampleSheets()
	byName := map[string]*workbook.Sheet{}
	for _, s := range sheets {
		byName[s.Name] = s
	}
	col := func(s *workbook.Sheet, header string) int {
		for j, c := range s.Rows[0] {
			if templates.NormalizeHeader(c.Text()) == header {
				return j
			}
		}
		t.Fatalf("%s has no %q column", s.Name, header)
		return -1
	}
	// A service without redundancy (so Max Clusters 1 is valid by itself)
	// that runs in two clusters today.
	services, cur := byName["Services"], byName["Current"]
	plain := map[string]bool{}
	for _, r := range services.Rows[1:] {
		red := strings.TrimSpace(r[col(services, "redundancy")].Text())
		if red == "" || red == "N" || red == "0" {
			plain[r[col(services, "service")].Str] = true
		}
	}
	where := map[string][]string{}
	svc := ""
	for _, r := range cur.Rows[1:] {
		name := r[col(cur, "service")].Str
		where[name] = append(where[name], r[col(cur, "cluster")].Str)
		if svc == "" && plain[name] && len(where[name]) == 2 {
			svc = name
		}
	}
	if svc == "" {
		t.Fatal("no service without redundancy runs in two clusters in the example")
	}
	clusters := where[svc]
	for _, r := range services.Rows[1:] {
		if r[col(services, "service")].Str == svc {
			for len(r) <= col(services, "max clusters") {
				r = append(r, workbook.Cell{})
			}
			r[col(services, "max clusters")] = workbook.Num(1)
			services.Rows[indexOfRow(services, svc, col(services, "service"))] = r
		}
	}
	res := byName["Reservations"]
	width := len(res.Rows[0])
	for _, c := range clusters[:2] {
		row := make([]workbook.Cell, width)
		row[col(res, "service")], row[col(res, "cluster")], row[col(res, "min replicas")] = workbook.Str(svc), workbook.Str(c), workbook.Num(1)
		res.Rows = append(res.Rows, row)
	}
	path := filepath.Join(t.TempDir(), "conflict.xlsx")
	if err := xlsx.Create(path, sheets); err != nil {
		t.Fatal(err)
	}
	return path
}

func indexOfRow(s *workbook.Sheet, name string, col int) int {
	for i, r := range s.Rows {
		if i > 0 && len(r) > col && r[col].Str == name {
			return i
		}
	}
	return -1
}

func TestPlanConflictExitCode(t *testing.T) {
	in := conflictingExample(t)
	out := filepath.Join(t.TempDir(), "out.xlsx")
	var stdout, stderr bytes.Buffer
	code := run([]string{"plan", in, "-o", out, "--time-limit", "10s"}, &stdout, &stderr)
	if code != exitConflict {
		t.Fatalf("exit %d, want %d\nstdout %s\nstderr %s", code, exitConflict, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "no plan satisfies the hard requirements") || !strings.Contains(stdout.String(), "Reservations!") {
		t.Errorf("stdout does not name the conflict and its cells:\n%s", stdout.String())
	}
	kinds := map[string]bool{}
	for _, tab := range auxonTabs(t, out) {
		kinds[tab.Tag.Kind] = true
	}
	if !kinds[templates.KindSummary] || !kinds[templates.KindConflicts] || kinds[templates.KindPlan] {
		t.Errorf("tab kinds %v, want Summary and Conflicts only", kinds)
	}
}
