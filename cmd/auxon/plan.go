package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/auxon-planner/auxon/pipeline"
	"github.com/auxon-planner/auxon/planner"
	"github.com/auxon-planner/auxon/xlsx"
)

// planOptions are the flags of auxon plan.
type planOptions struct {
	output    string
	inPlace   bool
	jsonPath  string
	outDir    string
	jobs      int
	timeLimit time.Duration
	mipGap    float64
	threads   int
	seed      int
	prefix    string
	dryRun    bool
	quiet     bool
	solver    string
	sheet     sheetFlags
}

func (o *planOptions) addFlags(fs interface {
	StringVar(*string, string, string, string)
	BoolVar(*bool, string, bool, string)
	IntVar(*int, string, int, string)
	DurationVar(*time.Duration, string, time.Duration, string)
	Float64Var(*float64, string, float64, string)
}) {
	fs.StringVar(&o.output, "o", "", "output workbook (default: IN-plan.xlsx beside the input); the input is never modified")
	fs.BoolVar(&o.inPlace, "in-place", false, "add the tabs to the input workbook itself (atomically)")
	fs.StringVar(&o.jsonPath, "json", "", "also write the plan as JSON to this file")
	fs.StringVar(&o.outDir, "out-dir", "", "batch mode: write DIR/NAME.xlsx and DIR/NAME.plan.json for every input")
	fs.IntVar(&o.jobs, "jobs", 0, "batch mode: files planned at once (default: number of CPUs)")
	fs.DurationVar(&o.timeLimit, "time-limit", 0, "solver time limit (default: the Settings tab, else 60s)")
	fs.Float64Var(&o.mipGap, "mip-gap", 0, "relative MIP gap to stop at (default: the Settings tab, else 0.0001)")
	fs.IntVar(&o.threads, "threads", 0, "solver threads (default: HiGHS's choice)")
	fs.IntVar(&o.seed, "seed", 0, "random seed of the solver and its neighbourhood search; with the same seed and threads, a solve that ends by its gap gives the same plan")
	fs.StringVar(&o.prefix, "prefix", "", "output tab prefix (default: the Settings tab, else \"auxon\")")
	fs.BoolVar(&o.dryRun, "dry-run", false, "solve and report, write no workbook")
	fs.BoolVar(&o.quiet, "q", false, "print nothing but errors")
	fs.StringVar(&o.solver, "solver", pipeline.SolverHiGHS, "highs (the optimum, started from the greedy plan) or greedy (an instant preview)")
}

const planUsage = `plan [flags] IN.xlsx
       auxon plan [flags] --out-dir DIR A.xlsx B.xlsx ...
       auxon plan [flags] --sheet SPREADSHEET_ID

Reads the intent tabs, solves, verifies the plan and writes new tabs
(Summary, Plan, Utilization, Unmet) into a copy of the workbook. On a
terminal it shows the solver's progress; Ctrl-C stops the solve and keeps
the best plan found. Exit codes: 0 ok, 1 failure, 2 usage, 3 invalid
intent, 4 some files of a batch failed.`

func runPlan(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o planOptions
	fs := newFlagSet("plan", planUsage, stderr)
	o.addFlags(fs)
	o.sheet.addFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	files := fs.Args()
	if o.sheet.sheet != "" {
		return runPlanSheet(ctx, &o, files, stdout, stderr)
	}
	switch {
	case len(files) == 0:
		return fmt.Errorf("%w: plan needs an input workbook", errUsage)
	case len(files) > 1 && o.outDir == "":
		return fmt.Errorf("%w: several inputs need --out-dir", errUsage)
	case o.outDir != "" && (o.output != "" || o.jsonPath != "" || o.inPlace):
		return fmt.Errorf("%w: --out-dir excludes -o, --json and --in-place", errUsage)
	case o.inPlace && o.output != "":
		return fmt.Errorf("%w: -o and --in-place exclude each other", errUsage)
	}
	if o.outDir != "" {
		return runBatch(ctx, &o, files, stdout, stderr)
	}
	var progress *progressLine
	if !o.quiet && isTerminal(stderr) {
		progress = newProgressLine(stderr)
	}
	out, err := planFile(ctx, &o, files[0], o.output, o.jsonPath, progress)
	if err != nil {
		if errors.Is(err, pipeline.ErrInvalid) {
			return withCode(exitInvalid, fmt.Errorf("%s: %w", files[0], err))
		}
		if errors.Is(err, planner.ErrInfeasible) && out != nil && out.Report != nil {
			if !o.quiet {
				printConflicts(stdout, out)
			}
			return withCode(exitConflict, fmt.Errorf("%s: %w", files[0], err))
		}
		return err
	}
	if !o.quiet {
		printOutcome(stdout, out)
	}
	return nil
}

// runPlanSheet plans a Google Sheet: the new tabs go into the same
// spreadsheet, in one batchUpdate.
func runPlanSheet(ctx context.Context, o *planOptions, files []string, stdout, stderr io.Writer) error {
	if len(files) > 0 || o.outDir != "" || o.output != "" || o.inPlace {
		return fmt.Errorf("%w: --sheet takes no files, -o, --out-dir or --in-place: the tabs go into the sheet", errUsage)
	}
	wb, err := openSheet(ctx, &o.sheet, o.dryRun)
	if err != nil {
		return err
	}
	defer wb.Close()
	job := pipeline.Job{Workbook: wb, JSONPath: o.jsonPath, Prefix: o.prefix, DryRun: o.dryRun, Solver: o.solver,
		Solve: planner.Options{TimeLimit: o.timeLimit, MIPGap: o.mipGap, Threads: o.threads, Seed: o.seed}}
	if !o.quiet && isTerminal(stderr) {
		progress := newProgressLine(stderr)
		job.Solve.Progress = progress.update
		defer progress.done()
	}
	name := "sheet " + o.sheet.sheet
	out, err := pipeline.Run(ctx, job)
	if err != nil {
		if errors.Is(err, pipeline.ErrInvalid) {
			return withCode(exitInvalid, fmt.Errorf("%s: %w", name, err))
		}
		return err
	}
	if !o.quiet {
		output := ""
		if !o.dryRun {
			output = name
		}
		printOutcome(stdout, &fileOutcome{input: name, output: output, json: o.jsonPath, Outcome: out})
	}
	return nil
}

// fileOutcome is what planning one file did.
type fileOutcome struct {
	input, output, json string
	*pipeline.Outcome
}

// planFile plans one workbook.
func planFile(ctx context.Context, o *planOptions, input, output, jsonPath string, progress *progressLine) (*fileOutcome, error) {
	opts := &xlsx.Options{InPlace: o.inPlace}
	if !o.inPlace && !o.dryRun {
		if output == "" {
			output = strings.TrimSuffix(input, filepath.Ext(input)) + "-plan.xlsx"
		}
		if abs(output) == abs(input) {
			return nil, fmt.Errorf("%w: output %s is the input; use --in-place to write into it", errUsage, output)
		}
		opts.Output = output
	}
	if o.inPlace {
		output = input
	}
	wb, err := xlsx.Open(input, opts)
	if err != nil {
		return nil, err
	}
	defer wb.Close()
	job := pipeline.Job{Workbook: wb, JSONPath: jsonPath, Prefix: o.prefix, DryRun: o.dryRun, Solver: o.solver,
		Solve: planner.Options{TimeLimit: o.timeLimit, MIPGap: o.mipGap, Threads: o.threads, Seed: o.seed}}
	if progress != nil {
		job.Solve.Progress = progress.update
		defer progress.done()
	}
	out, err := pipeline.Run(ctx, job)
	if errors.Is(err, planner.ErrInfeasible) && !o.dryRun {
		return &fileOutcome{input: input, output: output, json: jsonPath, Outcome: out}, err
	}
	if err != nil {
		return &fileOutcome{input: input, Outcome: out}, err
	}
	if o.dryRun {
		output = ""
	}
	return &fileOutcome{input: input, output: output, json: jsonPath, Outcome: out}, nil
}

func abs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}

// printOutcome tells what one run did.
func printOutcome(w io.Writer, f *fileOutcome) {
	r := f.Report
	fmt.Fprintf(w, "%s: %s, cost %.2f", f.input, r.Status, r.Cost.Total)
	if r.LowerBound != nil {
		fmt.Fprintf(w, ", bound %.2f", *r.LowerBound)
	}
	if r.Gap != nil {
		fmt.Fprintf(w, ", gap %.3f%%", 100**r.Gap)
	}
	fmt.Fprintf(w, ", %d replicas in %d placements, solved in %.2fs by %s\n",
		totalReplicas(r), placements(r), r.SolveSeconds, r.Solver)
	if r.Baseline != nil && r.Solver != "greedy" {
		fmt.Fprintf(w, "  greedy baseline %.2f: optimisation saved %.2f (%.1f%%)\n", r.Baseline.Total, r.Saving, 100*r.Saving/math.Max(r.Baseline.Total, 1e-9))
	}
	if r.Interrupted {
		fmt.Fprintln(w, "  interrupted: this is the best plan found before the stop")
	}
	if len(r.Unmet) > 0 {
		fmt.Fprintf(w, "  %d demands not fully met (%.2f units); see the Unmet tab\n", len(r.Unmet), r.Cost.UnmetDemand)
	}
	if f.output != "" {
		fmt.Fprintf(w, "  wrote %s: %s\n", f.output, strings.Join(f.Tabs, ", "))
	}
	if f.json != "" {
		fmt.Fprintf(w, "  wrote %s\n", f.json)
	}
}

func totalReplicas(r *planner.Report) int {
	n := 0
	for _, p := range r.Plan {
		n += p.Replicas
	}
	return n
}

func placements(r *planner.Report) int {
	n := 0
	for _, p := range r.Plan {
		if p.Replicas > 0 {
			n++
		}
	}
	return n
}

// runBatch plans many files with a bounded pool; one failure does not
// stop the others.
func runBatch(ctx context.Context, o *planOptions, files []string, stdout, stderr io.Writer) error {
	jobs := o.jobs
	if jobs <= 0 {
		jobs = runtime.NumCPU()
	}
	type result struct {
		out *fileOutcome
		err error
	}
	results := make([]result, len(files))
	sem := make(chan struct{}, jobs)
	var wg sync.WaitGroup
	for i, f := range files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			defer func() {
				if r := recover(); r != nil {
					results[i] = result{err: fmt.Errorf("internal error: %v", r)}
				}
			}()
			base := strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))
			out, err := planFile(ctx, o, f, filepath.Join(o.outDir, base+".xlsx"), filepath.Join(o.outDir, base+".plan.json"), nil)
			results[i] = result{out, err}
		}()
	}
	wg.Wait()
	failed := 0
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FILE\tSTATUS\tCOST\tGAP\tUNMET\tSECONDS\tERROR")
	for i, r := range results {
		status, cost, gap, unmet, secs, msg := "failed", "", "", "", "", ""
		if r.err != nil {
			failed++
			msg = firstLine(r.err.Error())
			if errors.Is(r.err, pipeline.ErrInvalid) {
				status = "invalid"
				if r.out != nil {
					msg = fmt.Sprintf("%d problems, first: %s", len(r.out.Problems.Errors()), r.out.Problems.Errors()[0].Error())
				}
			}
		} else {
			rep := r.out.Report
			status, cost, secs = string(rep.Status), fmt.Sprintf("%.2f", rep.Cost.Total), fmt.Sprintf("%.2f", rep.SolveSeconds)
			unmet = fmt.Sprintf("%.2f", rep.Cost.UnmetDemand)
			if rep.Gap != nil {
				gap = fmt.Sprintf("%.3f%%", 100**rep.Gap)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", files[i], status, cost, gap, unmet, secs, msg)
	}
	tw.Flush()
	if failed > 0 {
		return withCode(exitPartial, fmt.Errorf("%d of %d files failed", failed, len(files)))
	}
	return nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// printConflicts tells which hard requirements conflict, with their
// cells, and where the tabs went.
func printConflicts(w io.Writer, f *fileOutcome) {
	fmt.Fprintf(w, "%s: no plan satisfies the hard requirements\n", f.input)
	if c := f.Report.Conflicts; c != nil {
		for _, row := range c.Rows {
			fmt.Fprintf(w, "  %s: %s [%s]\n", row.Requirement, row.Message, strings.Join(row.Cells, "; "))
		}
		if c.Stopped != "" {
			fmt.Fprintf(w, "  (the search stopped early: %s)\n", c.Stopped)
		}
	}
	if f.output != "" && len(f.Tabs) > 0 {
		fmt.Fprintf(w, "  wrote %s: %s\n", f.output, strings.Join(f.Tabs, ", "))
	}
}
