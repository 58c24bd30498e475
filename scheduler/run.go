package scheduler

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/auxon-planner/auxon/pipeline"
	"github.com/auxon-planner/auxon/planner"
	"github.com/auxon-planner/auxon/scheduler/history"
	"github.com/auxon-planner/auxon/templates"
	"github.com/auxon-planner/auxon/workbook"
	"github.com/auxon-planner/auxon/xlsx"
)

// ErrNoSheetsDriver is returned by OpenXLSX for a Sheets source.
var ErrNoSheetsDriver = errors.New("no Google Sheets driver is configured")

// OpenXLSX is the default Opener: it opens an XLSX file to be written in
// place (atomically), or into OutputDir/NAME.xlsx when OutputDir is set.
func OpenXLSX(ctx context.Context, src Source) (*workbook.Workbook, error) {
	if src.XLSX == "" {
		return nil, fmt.Errorf("sheet %s: %w", src.Sheet, ErrNoSheetsDriver)
	}
	opts := &xlsx.Options{InPlace: true}
	if src.OutputDir != "" {
		if err := os.MkdirAll(src.OutputDir, 0o755); err != nil {
			return nil, fmt.Errorf("output dir: %w", err)
		}
		opts = &xlsx.Options{Output: filepath.Join(src.OutputDir, filepath.Base(src.XLSX))}
	}
	return xlsx.Open(src.XLSX, opts)
}

// expand turns a source into one source per file its glob matches
// (sorted; Excel lock files "~$..." and hidden files skipped).
func expand(src Source) ([]Source, error) {
	if src.XLSX == "" {
		return []Source{src}, nil
	}
	files, err := filepath.Glob(src.XLSX)
	if err != nil {
		return nil, fmt.Errorf("xlsx %s: %w", src.XLSX, err)
	}
	sort.Strings(files)
	var out []Source
	for _, f := range files {
		base := filepath.Base(f)
		if strings.HasPrefix(base, "~$") || strings.HasPrefix(base, ".") {
			continue
		}
		out = append(out, Source{XLSX: f, OutputDir: src.OutputDir})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("xlsx %s: no file matches", src.XLSX)
	}
	return out, nil
}

// name is how a source appears in the history: its file or sheet id.
func (src Source) name() string {
	if src.XLSX != "" {
		return src.XLSX
	}
	return src.Sheet
}

// runOne plans one source and records the run from start to end.
func (s *Scheduler) runOne(job Job, src Source, trigger string) (run history.Run) {
	start := s.clock.Now()
	r := &history.Run{ID: pipeline.NewRunID(start), Job: job.Name, Source: src.name(), Trigger: trigger,
		Start: start.UTC(), Stage: "reading"}
	if err := s.store.Begin(r); err != nil {
		s.log.Error("run not recorded", "job", job.Name, "err", err.Error())
	}
	s.metrics.started()
	log := s.log.With("job", job.Name, "run", r.ID, "source", r.Source)
	log.Info("run started", "trigger", trigger)
	defer func() {
		if p := recover(); p != nil {
			r.Outcome, r.Error = history.Failed, fmt.Sprintf("internal error: %v", p)
			log.Error("run panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
		r.End = s.clock.Now().UTC()
		if err := s.store.Finish(r); err != nil {
			log.Error("run end not recorded", "err", err.Error())
		}
		s.metrics.ended(r)
		level := slog.LevelInfo
		if r.Outcome != history.OK && r.Outcome != history.Skipped {
			level = slog.LevelWarn
		}
		log.Log(context.Background(), level, "run ended", "outcome", string(r.Outcome), "status", r.Status,
			"cost", r.Cost, "unmet", r.Unmet, "tabs", len(r.Tabs), "err", r.Error)
		run = *r
		if s.hook != nil {
			s.hook(run)
		}
	}()
	s.plan(job, src, r, trigger == TriggerForced)
	return *r
}

// plan does the work of a run and fills r with what happened.
func (s *Scheduler) plan(job Job, src Source, r *history.Run, force bool) {
	timeout := s.runTimeout
	if job.Timeout > 0 {
		timeout = job.Timeout.D()
	}
	ctx, cancel := context.WithTimeout(s.runCtx, timeout)
	defer cancel()
	wb, err := s.open(ctx, src)
	if err != nil {
		s.fail(ctx, r, err)
		return
	}
	defer wb.Close()
	in, problems, err := templates.Read(ctx, wb)
	if err != nil {
		s.fail(ctx, r, err)
		return
	}
	if problems.Err() != nil {
		r.Outcome, r.Error = history.Invalid, problems.Err().Error()
		return
	}
	r.Fingerprint = planner.Fingerprint(in)
	r.InputKey = inputKey(r.Fingerprint, job)
	if !force && s.unchanged(job, r) {
		return
	}
	r.Stage = "solving"
	if err := s.store.Update(r); err != nil {
		s.log.Warn("run stage not recorded", "run", r.ID, "err", err.Error())
	}
	out, err := s.run(ctx, s.pipelineJob(job, src, wb, r.ID))
	if out != nil && out.Report != nil {
		fillReport(r, out.Report)
	}
	if err != nil {
		s.fail(ctx, r, err)
		return
	}
	r.Outcome, r.Tabs = history.OK, out.Tabs
	if job.KeepLast > 0 {
		deleted, err := prune(ctx, wb, job.KeepLast)
		r.Deleted = deleted
		if err != nil {
			r.Error = fmt.Sprintf("retention: %v", err)
		}
	}
}

// unchanged records r as skipped if its input equals that of the last
// successful run over the same source.
func (s *Scheduler) unchanged(job Job, r *history.Run) bool {
	key, id, ok, err := s.store.LastOK(job.Name, r.Source)
	if err != nil {
		s.log.Warn("last run unknown; planning", "job", job.Name, "err", err.Error())
		return false
	}
	if !ok || key != r.InputKey {
		return false
	}
	r.Outcome, r.SkippedFor = history.Skipped, id
	return true
}

// pipelineJob is the pipeline's view of a run.
func (s *Scheduler) pipelineJob(job Job, src Source, wb *workbook.Workbook, runID string) pipeline.Job {
	pj := pipeline.Job{Workbook: wb, Prefix: job.Prefix, RunID: runID, Now: s.clock.Now, Solver: job.Solver,
		Solve: planner.Options{TimeLimit: job.TimeLimit.D(), MIPGap: job.MIPGap, Threads: job.Threads}}
	if s.planDir != "" {
		dir := filepath.Join(s.planDir, job.Name)
		if err := os.MkdirAll(dir, 0o755); err == nil {
			pj.JSONPath = filepath.Join(dir, planFileName(src)+".plan.json")
		}
	}
	return pj
}

// planFileName names a source's plan.json.
func planFileName(src Source) string {
	if src.XLSX != "" {
		return strings.TrimSuffix(filepath.Base(src.XLSX), filepath.Ext(src.XLSX))
	}
	return src.Sheet
}

// fillReport copies the figures of a report into a run.
func fillReport(r *history.Run, rep *planner.Report) {
	r.Status, r.Interrupted, r.Cost, r.Gap = string(rep.Status), rep.Interrupted, rep.Cost.Total, rep.Gap
	r.SolveSecs = rep.SolveSeconds
	r.UnmetDemands = len(rep.Unmet)
	r.Unmet = 0
	for _, u := range rep.Unmet {
		r.Unmet += u.Shortfall
	}
}

// fail classifies the error that ended a run.
func (s *Scheduler) fail(ctx context.Context, r *history.Run, err error) {
	r.Error = err.Error()
	switch {
	case errors.Is(err, pipeline.ErrInvalid):
		r.Outcome = history.Invalid
	case s.runCtx.Err() != nil:
		r.Outcome = history.Cancelled
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		r.Outcome = history.TimedOut
	default:
		r.Outcome = history.Failed
	}
}

// failedRun records a run that failed before it had a source.
func (s *Scheduler) failedRun(job Job, trigger, source string, err error) history.Run {
	now := s.clock.Now().UTC()
	r := &history.Run{ID: pipeline.NewRunID(now), Job: job.Name, Source: source, Trigger: trigger, Start: now}
	if err := s.store.Begin(r); err != nil {
		s.log.Error("run not recorded", "job", job.Name, "err", err.Error())
	}
	s.metrics.started()
	r.Outcome, r.Error, r.End = history.Failed, err.Error(), now
	if err := s.store.Finish(r); err != nil {
		s.log.Error("run end not recorded", "job", job.Name, "err", err.Error())
	}
	s.metrics.ended(r)
	s.log.Error("run failed", "job", job.Name, "err", err.Error())
	if s.hook != nil {
		s.hook(*r)
	}
	return *r
}

// inputKey is what must change for a run not to be skipped: the intent
// and the job's settings that shape the plan.
func inputKey(fingerprint string, j Job) string {
	settings := fmt.Sprintf("%s|%d|%g|%d|%s|%s", fingerprint, time.Duration(j.TimeLimit), j.MIPGap, j.Threads, j.Solver, j.Prefix)
	sum := sha256.Sum256([]byte(settings))
	return fingerprint + "/" + hex.EncodeToString(sum[:8])
}

// prune deletes the tabs of all but the last keep runs auxon wrote in
// the workbook, and returns their names.
func prune(ctx context.Context, wb *workbook.Workbook, keep int) ([]string, error) {
	tabs, err := wb.AuxonTabs(ctx)
	if err != nil {
		return nil, err
	}
	var order []string
	byRun := map[string][]string{}
	for _, t := range tabs {
		if byRun[t.Tag.RunID] == nil {
			order = append(order, t.Tag.RunID)
		}
		byRun[t.Tag.RunID] = append(byRun[t.Tag.RunID], t.Name)
	}
	if len(order) <= keep {
		return nil, nil
	}
	var del []string
	for _, id := range order[:len(order)-keep] {
		del = append(del, byRun[id]...)
	}
	if err := wb.DeleteTabs(ctx, del...); err != nil {
		return nil, err
	}
	return del, nil
}
