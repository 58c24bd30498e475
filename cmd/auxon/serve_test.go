package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/auxon-planner/auxon/scheduler/history"
	"github.com/auxon-planner/auxon/templates"
	"github.com/auxon-planner/auxon/workbook"
	"github.com/auxon-planner/auxon/xlsx"
)

const e2eToken = "e2e-token"

// buildAuxon builds the real binary.
func buildAuxon(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the auxon binary")
	}
	bin := filepath.Join(t.TempDir(), "auxon")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// serveProc is a running auxon serve.
type serveProc struct {
	t    *testing.T
	cmd  *exec.Cmd
	url  string
	done chan error
	mu   sync.Mutex
	logs bytes.Buffer
}

// startServe starts bin serve with the config and waits until it
// listens.
func startServe(t *testing.T, bin, config string) *serveProc {
	t.Helper()
	p := &serveProc{t: t, cmd: exec.Command(bin, "serve", "--config", config, "--log-format", "json"), done: make(chan error, 1)}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.logs.WriteString(line + "\n")
			p.mu.Unlock()
			var rec struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "listening" {
				addr <- rec.Addr
			}
		}
		p.done <- p.cmd.Wait()
	}()
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	select {
	case a := <-addr:
		p.url = "http://" + a
	case err := <-p.done:
		t.Fatalf("auxon serve exited: %v\n%s", err, p.log())
	case <-time.After(30 * time.Second):
		t.Fatalf("auxon serve did not listen\n%s", p.log())
	}
	return p
}

func (p *serveProc) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.String()
}

// call makes an API request and decodes its JSON answer into out.
func (p *serveProc) call(method, path string, out any) int {
	p.t.Helper()
	req, _ := http.NewRequest(method, p.url+path, nil)
	req.Header.Set("Authorization", "Bearer "+e2eToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			p.t.Fatalf("%s %s: %v\n%s", method, path, err, b)
		}
	}
	return resp.StatusCode
}

// trigger runs the job and waits for its one run.
func (p *serveProc) trigger(job string) history.Run {
	p.t.Helper()
	var res struct{ Runs []history.Run }
	if code := p.call("POST", "/api/jobs/"+job+"/run?wait=1", &res); code != http.StatusOK || len(res.Runs) != 1 {
		p.t.Fatalf("trigger %s: %d %+v\n%s", job, code, res, p.log())
	}
	return res.Runs[0]
}

// metric reads one sample of /metrics, e.g. `auxon_runs_total{job="x",outcome="ok"}`.
func (p *serveProc) metric(series string) float64 {
	p.t.Helper()
	b := p.metricsText()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindSubmatch(b)
	if m == nil {
		p.t.Fatalf("no %s in /metrics", series)
	}
	v, _ := strconv.ParseFloat(string(m[1]), 64)
	return v
}

// metricsText fetches /metrics.
func (p *serveProc) metricsText() []byte {
	p.t.Helper()
	resp, err := http.Get(p.url + "/metrics")
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return b
}

// stop sends SIGTERM and waits for a clean exit within bound.
func (p *serveProc) stop(bound time.Duration) time.Duration {
	p.t.Helper()
	start := time.Now()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		if err != nil {
			p.t.Errorf("auxon serve exited with %v\n%s", err, p.log())
		}
	case <-time.After(bound):
		p.t.Fatalf("auxon serve did not exit within %v of SIGTERM", bound)
	}
	return time.Since(start)
}

// writeServeConfig writes a config with one XLSX job over dir/intents.
func writeServeConfig(t *testing.T, dir, extraJobs string, timeLimit string, gap float64) string {
	t.Helper()
	cfg := fmt.Sprintf(`listen: 127.0.0.1:0
state_dir: state
shutdown_timeout: 20s
api:
  token: %s
jobs:
  - name: example
    xlsx: intents/*.xlsx
    schedule: "0 3 * * *"
    time_zone: Europe/Paris
    time_limit: %s
    mip_gap: %g
    keep_last: 5
%s`, e2eToken, timeLimit, gap, extraJobs)
	path := filepath.Join(dir, "auxon.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// newIntentDir writes the worked example to dir/intents/example.xlsx.
func newIntentDir(t *testing.T) (dir, book string) {
	t.Helper()
	dir = t.TempDir()
	book = filepath.Join(dir, "intents", "example.xlsx")
	os.MkdirAll(filepath.Dir(book), 0o755)
	if err := xlsx.Create(book, templates.ExampleSheets()); err != nil {
		t.Fatal(err)
	}
	return dir, book
}

// auxonTabNames lists the auxon tabs of an XLSX file.
func auxonTabNames(t *testing.T, path string) []string {
	t.Helper()
	var out []string
	for _, tab := range auxonTabs(t, path) {
		out = append(out, tab.Name)
	}
	return out
}

// auxonTabs lists the tabs auxon wrote into the workbook at path.
func auxonTabs(t *testing.T, path string) []workbook.TabInfo {
	t.Helper()
	wb, err := xlsx.Open(path, nil)
	if err != nil {
		t.Fatalf("%s does not open: %v", path, err)
	}
	defer wb.Close()
	tabs, err := wb.AuxonTabs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return tabs
}

// noLeftovers fails if a temporary file was left beside the workbook.
func noLeftovers(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "example.xlsx" {
			t.Errorf("leftover file %s in %s", e.Name(), dir)
		}
	}
}

// bumpDemand changes the first demand of the workbook, as a planner
// editing the sheet would.
func bumpDemand(t *testing.T, path string) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, err := f.GetCellValue("Demand", "C2")
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.ParseFloat(v, 64)
	if err := f.SetCellValue("Demand", "C2", n+25); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
}

// The real binary against an XLSX folder: a triggered run writes the
// tabs, the identical next run is skipped, a changed input replans, and
// /metrics counts all three; SIGHUP reloads the jobs; SIGTERM exits
// cleanly.
func TestServeEndToEnd(t *testing.T) {
	bin := buildAuxon(t)
	dir, book := newIntentDir(t)
	p := startServe(t, bin, writeServeConfig(t, dir, "", "2s", 0.1))

	first := p.trigger("example")
	if first.Outcome != history.OK || len(first.Tabs) == 0 {
		t.Fatalf("first run: %+v\n%s", first, p.log())
	}
	if got := auxonTabNames(t, book); strings.Join(got, ",") != strings.Join(first.Tabs, ",") {
		t.Errorf("workbook has auxon tabs %v, the run wrote %v", got, first.Tabs)
	}
	second := p.trigger("example")
	if second.Outcome != history.Skipped || second.SkippedFor != first.ID {
		t.Errorf("identical second run: %+v", second)
	}
	bumpDemand(t, book)
	third := p.trigger("example")
	if third.Outcome != history.OK || third.Fingerprint == first.Fingerprint {
		t.Errorf("run after a changed input: %+v", third)
	}
	if n := len(auxonTabNames(t, book)); n != len(first.Tabs)+len(third.Tabs) {
		t.Errorf("%d auxon tabs after two plans, want %d", n, len(first.Tabs)+len(third.Tabs))
	}
	want := map[string]float64{
		`auxon_runs_total{job="example",outcome="ok"}`:      2,
		`auxon_runs_total{job="example",outcome="skipped"}`: 1,
		`auxon_runs_total{job="example",outcome="failed"}`:  0,
		`auxon_solve_seconds_count{job="example"}`:          2,
		`auxon_runs_in_progress`:                            0,
	}
	for series, v := range want {
		if got := p.metric(series); got != v {
			t.Errorf("%s = %v, want %v", series, got, v)
		}
	}
	if gap := p.metric(`auxon_plan_gap{job="example"}`); gap < 0 || gap > 1 {
		t.Errorf("gap %v", gap)
	}
	t.Logf("runs: ok %s cost %.2f gap %v; skipped; ok %s cost %.2f; solve %.2fs and %.2fs",
		first.ID, first.Cost, deref(first.Gap), third.ID, third.Cost, first.SolveSecs, third.SolveSecs)

	// SIGHUP: a second job appears.
	writeServeConfig(t, dir, "  - name: added\n    xlsx: intents/*.xlsx\n    solver: greedy\n", "2s", 0.1)
	p.cmd.Process.Signal(syscall.SIGHUP)
	deadline := time.Now().Add(10 * time.Second)
	for {
		var jobs struct{ Jobs []struct{ Name string } }
		p.call("GET", "/api/jobs", &jobs)
		if len(jobs.Jobs) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("config not reloaded after SIGHUP\n%s", p.log())
		}
		time.Sleep(20 * time.Millisecond) // polling the process, not a schedule
	}
	if r := p.trigger("added"); r.Outcome != history.OK {
		t.Errorf("run of the reloaded job: %+v", r)
	}
	// SIGHUP with a broken config keeps the running one.
	os.WriteFile(filepath.Join(dir, "auxon.yaml"), []byte("jobs:\n  - name: x\n    sheet: y\n    bogus: 1\n"), 0o644)
	p.cmd.Process.Signal(syscall.SIGHUP)
	for !strings.Contains(p.log(), "config not reloaded") {
		if time.Now().After(deadline.Add(10 * time.Second)) {
			t.Fatalf("no reload error logged\n%s", p.log())
		}
		time.Sleep(20 * time.Millisecond) // polling the process, not a schedule
	}
	if !strings.Contains(p.log(), "line 4: field bogus not found") {
		t.Errorf("reload error does not name the line:\n%s", p.log())
	}
	var jobs struct{ Jobs []struct{ Name string } }
	if p.call("GET", "/api/jobs", &jobs); len(jobs.Jobs) != 2 {
		t.Errorf("jobs after a bad reload: %+v", jobs)
	}
	took := p.stop(20 * time.Second)
	t.Logf("SIGTERM to exit: %v", took)
	noLeftovers(t, filepath.Dir(book))
}

func deref(p *float64) float64 {
	if p == nil {
		return -1
	}
	return *p
}

// waitSolving waits until the job's latest run is solving.
func (p *serveProc) waitSolving(job string) history.Run {
	p.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var res struct{ Runs []history.Run }
		p.call("GET", "/api/runs?job="+job+"&limit=1", &res)
		if len(res.Runs) == 1 && res.Runs[0].Stage == "solving" {
			return res.Runs[0]
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("no run of %s reached solving\n%s", job, p.log())
		}
		time.Sleep(20 * time.Millisecond) // polling the process, not a schedule
	}
}

// kill -9 during a solve: on restart the history marks the run
// interrupted, nothing half-written is left, and the next run succeeds.
func TestServeKill9DuringSolve(t *testing.T) {
	bin := buildAuxon(t)
	dir, book := newIntentDir(t)
	// A 60 s solve to a 1e-6 gap: the kill lands inside it.
	p := startServe(t, bin, writeServeConfig(t, dir, "", "60s", 1e-6))
	var accepted map[string]any
	if code := p.call("POST", "/api/jobs/example/run", &accepted); code != http.StatusAccepted {
		t.Fatalf("trigger: %d %v", code, accepted)
	}
	killed := p.waitSolving("example")
	time.Sleep(time.Second) // let HiGHS get going; the solve lasts 60 s
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-p.done
	if tabs := auxonTabNames(t, book); len(tabs) != 0 {
		t.Errorf("auxon tabs %v after a kill during the solve", tabs)
	}
	noLeftovers(t, filepath.Dir(book))

	p = startServe(t, bin, writeServeConfig(t, dir, "", "2s", 0.1))
	var res struct{ Runs []history.Run }
	p.call("GET", "/api/runs?job=example", &res)
	if len(res.Runs) != 1 || res.Runs[0].ID != killed.ID || res.Runs[0].Outcome != history.Interrupted || res.Runs[0].End.IsZero() {
		t.Fatalf("history after restart: %+v", res.Runs)
	}
	if n := p.metric(`auxon_runs_total{job="example",outcome="interrupted"}`); n != 1 {
		t.Errorf("interrupted runs metric %v, want 1", n)
	}
	next := p.trigger("example")
	if next.Outcome != history.OK {
		t.Fatalf("run after restart: %+v\n%s", next, p.log())
	}
	if got := auxonTabNames(t, book); strings.Join(got, ",") != strings.Join(next.Tabs, ",") {
		t.Errorf("auxon tabs %v, want exactly the new run's %v", got, next.Tabs)
	}
	p.stop(20 * time.Second)
	noLeftovers(t, filepath.Dir(book))
}

// SIGTERM during a solve: the solve is cancelled, the run recorded as
// cancelled (or its best plan kept), and the process exits well within
// its bound.
func TestServeSIGTERMDuringSolve(t *testing.T) {
	bin := buildAuxon(t)
	dir, book := newIntentDir(t)
	p := startServe(t, bin, writeServeConfig(t, dir, "", "60s", 1e-6))
	var accepted map[string]any
	p.call("POST", "/api/jobs/example/run", &accepted)
	id := p.waitSolving("example").ID
	time.Sleep(time.Second) // let HiGHS get going; the solve lasts 60 s
	took := p.stop(20 * time.Second)
	t.Logf("SIGTERM during a 60 s solve: exited after %v", took)
	if took > 10*time.Second {
		t.Errorf("exit took %v", took)
	}
	store, marked, err := history.Open(filepath.Join(dir, "state", "history.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	runs, _ := store.Runs("example", 0)
	if len(marked) != 0 || len(runs) != 1 || runs[0].ID != id {
		t.Fatalf("runs %+v, marked %+v", runs, marked)
	}
	r := runs[0]
	switch r.Outcome {
	case history.Cancelled:
		if tabs := auxonTabNames(t, book); len(tabs) != 0 {
			t.Errorf("cancelled run left tabs %v", tabs)
		}
	case history.OK:
		if !r.Interrupted {
			t.Errorf("ok run not marked interrupted: %+v", r)
		}
	default:
		t.Errorf("outcome %s: %s", r.Outcome, r.Error)
	}
	t.Logf("outcome after SIGTERM: %s (%s)", r.Outcome, r.Error)
	noLeftovers(t, filepath.Dir(book))
}

// Bad configs stop serve before it starts, naming the line.
func TestServeConfigErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.yaml")
	os.WriteFile(path, []byte("listen: 127.0.0.1:0\njobs:\n  - name: a\n    xlsx: x.xlsx\n    cron: daily\n"), 0o644)
	var stdout, stderr bytes.Buffer
	code := run([]string{"serve", "--config", path}, &stdout, &stderr)
	if code != exitUsage || !strings.Contains(stderr.String(), "c.yaml: line 5: field cron not found") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
	if code := run([]string{"serve"}, &stdout, &stderr); code != exitUsage {
		t.Errorf("serve without --config: exit %d", code)
	}
}
