package scheduler_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/auxon-planner/auxon/pipeline"
	"github.com/auxon-planner/auxon/scheduler"
	"github.com/auxon-planner/auxon/scheduler/history"
	"github.com/auxon-planner/auxon/templates"
	"github.com/auxon-planner/auxon/xlsx"
)

func auxonTabs(t *testing.T, path string) int {
	t.Helper()
	wb, err := xlsx.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	tabs, err := wb.AuxonTabs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return len(tabs)
}

// An XLSX glob plans every matching file (lock files skipped), in place
// or into output_dir, and writes plan.json under the plan dir.
func TestXLSXGlob(t *testing.T) {
	tests := []struct {
		name      string
		outputDir bool
	}{
		{"in place", false},
		{"output dir", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range []string{"a.xlsx", "b.xlsx", "~$a.xlsx"} {
				if err := xlsx.Create(filepath.Join(dir, f), templates.ExampleSheets()); err != nil {
					t.Fatal(err)
				}
			}
			job := scheduler.Job{Name: "files", XLSX: filepath.Join(dir, "*.xlsx"), Solver: pipeline.SolverGreedy}
			if tt.outputDir {
				job.OutputDir = filepath.Join(dir, "out")
			}
			plans := filepath.Join(dir, "plans")
			h := newHarness(t, scheduler.WithOpener(scheduler.OpenXLSX), scheduler.WithPlanDir(plans))
			h.setJobs(job)
			runs := h.trigger("files", false)
			if len(runs) != 2 {
				t.Fatalf("%d runs, want 2 (a and b)", len(runs))
			}
			for _, r := range runs {
				if r.Outcome != history.OK {
					t.Errorf("%s: %s %s", r.Source, r.Outcome, r.Error)
				}
			}
			for _, f := range []string{"a", "b"} {
				in, out := filepath.Join(dir, f+".xlsx"), filepath.Join(dir, f+".xlsx")
				if tt.outputDir {
					out = filepath.Join(dir, "out", f+".xlsx")
					if n := auxonTabs(t, in); n != 0 {
						t.Errorf("input %s got %d auxon tabs", in, n)
					}
				}
				if n := auxonTabs(t, out); n == 0 {
					t.Errorf("%s has no auxon tabs", out)
				}
				if _, err := os.Stat(filepath.Join(plans, "files", f+".plan.json")); err != nil {
					t.Error(err)
				}
			}
			for _, r := range h.trigger("files", false) {
				if r.Outcome != history.Skipped {
					t.Errorf("second run of %s: %s", r.Source, r.Outcome)
				}
			}
		})
	}
}

func TestXLSXGlobMatchingNothingFails(t *testing.T) {
	h := newHarness(t, scheduler.WithOpener(scheduler.OpenXLSX))
	h.setJobs(scheduler.Job{Name: "none", XLSX: filepath.Join(t.TempDir(), "*.xlsx")})
	if r := h.trigger("none", false); len(r) != 1 || r[0].Outcome != history.Failed {
		t.Errorf("runs %+v", r)
	}
}
