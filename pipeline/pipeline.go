// Package pipeline runs one planning job end to end, whatever the
// spreadsheet behind it: read the intent tabs, validate them, solve, verify,
// and write the output tabs (one atomic step) and plan.json. The CLI's
// plan command and the scheduler both call Run.
package pipeline

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/auxon-planner/auxon/planner"
	"github.com/auxon-planner/auxon/planner/greedy"
	"github.com/auxon-planner/auxon/templates"
	"github.com/auxon-planner/auxon/workbook"
)

// ErrInvalid marks an intent with errors; the problems are in
// Outcome.Problems.
var ErrInvalid = errors.New("the intent has errors")

// Job is one run to make.
type Job struct {
	// Workbook is read for intent and receives the output tabs.
	Workbook *workbook.Workbook
	// Solve tunes the solver; its zero value takes the intent's Settings.
	Solve planner.Options
	// Prefix overrides the intent's output prefix when set.
	Prefix string
	// JSONPath, when set, receives plan.json (written atomically).
	JSONPath string
	// RunID names the run; empty makes one from the clock and 4 random
	// bytes.
	RunID string
	// Now is the clock (default time.Now).
	Now func() time.Time
	// DryRun solves and reports but writes no tabs.
	DryRun bool
	// Solver is SolverHiGHS (default: the MILP, started from the greedy
	// plan) or SolverGreedy (the greedy plan alone: an instant preview).
	Solver string
}

// Solvers.
const (
	SolverHiGHS  = "highs"
	SolverGreedy = "greedy"
)

// Outcome is what a run did.
type Outcome struct {
	Intent   *planner.Intent
	Problems planner.Problems
	Result   *planner.Result
	Report   *planner.Report
	// Tabs are the names of the tabs written.
	Tabs []string
}

// Run reads, plans and writes. An intent with errors returns ErrInvalid
// (wrapped) and the problems in the outcome; nothing is written. A plan
// that fails verification returns planner.ErrVerification and nothing is
// written either. An intent whose hard requirements conflict (no plan even
// with demand left unmet) writes plan.json and the Summary and Conflicts
// tabs, then returns planner.ErrInfeasible (wrapped).
func Run(ctx context.Context, job Job) (*Outcome, error) {
	now := job.Now
	if now == nil {
		now = time.Now
	}
	in, problems, err := templates.Read(ctx, job.Workbook)
	if err != nil {
		return nil, err
	}
	out := &Outcome{Intent: in, Problems: problems}
	if problems.Err() != nil {
		return out, fmt.Errorf("%w:\n%v", ErrInvalid, problems.Err())
	}
	created := now()
	runID := job.RunID
	if runID == "" {
		runID = NewRunID(created)
	}
	greedyStart := time.Now()
	baseline := greedy.Plan(in)
	greedyTime := time.Since(greedyStart)
	var res *planner.Result
	switch job.Solver {
	case "", SolverHiGHS:
		opts := job.Solve
		if opts.Start == nil {
			opts.Start = baseline
		}
		if opts.Previous == nil {
			// The last run's plan, a warm start for tonight's replan; a
			// tab that cannot be read only costs the warm start.
			opts.Previous, _ = templates.PreviousPlan(ctx, job.Workbook)
		}
		res, err = planner.Solve(ctx, in, opts)
		if err == nil && res.Plan != nil && opts.Start == baseline {
			// The first plan was the greedy one: count its time too.
			res.FirstPlan += greedyTime
			res.FinalPlan += greedyTime
		}
	case SolverGreedy:
		res, err = greedyResult(in, baseline, greedyTime)
	default:
		err = fmt.Errorf("unknown solver %q (want %s or %s)", job.Solver, SolverHiGHS, SolverGreedy)
	}
	if err != nil {
		return out, err
	}
	out.Result = res
	out.Report = planner.NewReport(in, res, runID, created)
	if res.Plan != nil {
		out.Report.SetBaseline(in, baseline)
	}
	// --- Diagnosis (issue 5): why demand went unmet, what capacity is
	// worth, and, when the hard requirements conflict, which ones. With
	// conflicts the run writes Summary and Conflicts (and plan.json) and
	// returns planner.ErrInfeasible.
	planner.Diagnose(ctx, in, res, out.Report, planner.DiagnoseOptions{})
	infeasible := res.Status == planner.StatusInfeasible
	if res.Plan == nil && !infeasible {
		return out, fmt.Errorf("no plan: %s", res.Status)
	}
	// --- end of diagnosis
	if job.JSONPath != "" {
		if err := WriteJSON(job.JSONPath, out.Report); err != nil {
			return out, err
		}
	}
	if job.DryRun {
		return out, infeasibleErr(infeasible)
	}
	prefix := job.Prefix
	if prefix == "" {
		prefix = in.Settings.OutputPrefix
	}
	// A cancelled context stopped the solve, not the run: the best plan
	// found is written all the same (one atomic step, bounded by the
	// backend's own timeouts).
	wctx := context.WithoutCancel(ctx)
	tabs, err := freeNames(wctx, job.Workbook, out.Report, prefix)
	if err != nil {
		return out, err
	}
	if err := job.Workbook.AddTabs(wctx, tabs); err != nil {
		return out, err
	}
	for _, t := range tabs {
		out.Tabs = append(out.Tabs, t.Name)
	}
	return out, infeasibleErr(infeasible)
}

// infeasibleErr is planner.ErrInfeasible, wrapped, for a run whose hard
// requirements conflict; nil otherwise.
func infeasibleErr(infeasible bool) error {
	if !infeasible {
		return nil
	}
	return fmt.Errorf("%w; see the Conflicts tab", planner.ErrInfeasible)
}

// greedyResult reports the greedy plan as the run's plan, verified like
// any other.
func greedyResult(in *planner.Intent, p *planner.Plan, took time.Duration) (*planner.Result, error) {
	if v := planner.Verify(in, p); v.Err() != nil {
		return nil, fmt.Errorf("%w: greedy plan: %v", planner.ErrVerification, v.Err())
	}
	return &planner.Result{Status: planner.StatusFeasible, Plan: p, Objective: planner.PlanCost(in, p).Total,
		Bound: math.NaN(), Gap: math.NaN(), Solver: "greedy", SolveTime: took, FirstPlan: took, FinalPlan: took}, nil
}

// freeNames renders the report's tabs under names no existing tab has,
// adding " (2)", " (3)", ... when a run in the same minute took them.
func freeNames(ctx context.Context, wb *workbook.Workbook, r *planner.Report, prefix string) ([]*workbook.OutputTab, error) {
	infos, err := wb.Tabs(ctx)
	if err != nil {
		return nil, err
	}
	// Google Sheets titles are unique regardless of case: compare folded.
	taken := map[string]bool{}
	for _, t := range infos {
		taken[strings.ToLower(t.Name)] = true
	}
	for n := 1; ; n++ {
		suffix := ""
		if n > 1 {
			suffix = fmt.Sprintf(" (%d)", n)
		}
		tabs := templates.Render(r, prefix, suffix, wb.MaxTabName())
		clash := false
		for _, t := range tabs {
			clash = clash || taken[strings.ToLower(t.Name)]
		}
		if !clash {
			return tabs, nil
		}
	}
}

// NewRunID makes a run id such as "20261125T183600Z-3f9ab2c1".
func NewRunID(t time.Time) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return t.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

// WriteJSON writes the report as indented JSON to path atomically: a
// temporary file beside it, synced, then renamed over it.
func WriteJSON(path string, r *planner.Report) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("plan.json: %w", err)
	}
	return WriteFileAtomic(path, append(b, '\n'))
}

// WriteFileAtomic writes data to path through a temporary file in the same
// directory, so readers see the old file or the new one, never half.
func WriteFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
