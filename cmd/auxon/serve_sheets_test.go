package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/auxon-planner/auxon/scheduler/history"
)

// TestServeSheetsJob runs the real binary with a job on a Google Sheet
// served by the in-process fake (through the real client and a
// service-account JWT exchange): a triggered run writes the tabs into the
// sheet, the identical next run is skipped, and /metrics counts the Sheets
// API calls.
func TestServeSheetsJob(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	srv, id, keyFile := sheetFake(t)
	bin := buildAuxon(t)
	dir := t.TempDir()
	cfg := fmt.Sprintf(`listen: 127.0.0.1:0
state_dir: state
api:
  token: %s
credentials:
  google: %s
jobs:
  - name: sheet
    sheet: %s
    schedule: "0 3 * * *"
    time_limit: 2s
    mip_gap: 0.1
`, e2eToken, keyFile, id)
	path := filepath.Join(dir, "auxon.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	p := startServe(t, bin, path)
	srv.ResetCalls()
	first := p.trigger("sheet")
	if first.Outcome != history.OK || len(first.Tabs) == 0 {
		t.Fatalf("first run: %+v\n%s", first, p.log())
	}
	sp, err := srv.Spreadsheet(id)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, s := range sp.Sheets {
		if strings.HasPrefix(s.Properties.Title, "auxon ") {
			titles = append(titles, s.Properties.Title)
		}
	}
	if strings.Join(titles, ",") != strings.Join(first.Tabs, ",") {
		t.Errorf("sheet has auxon tabs %q, the run wrote %q", titles, first.Tabs)
	}
	_, calls := srv.Calls()
	second := p.trigger("sheet")
	if second.Outcome != history.Skipped {
		t.Errorf("identical second run: %+v", second)
	}
	if got := p.metric(`auxon_runs_total{job="sheet",outcome="ok"}`); got != 1 {
		t.Errorf("ok runs %v", got)
	}
	total := p.sum("auxon_sheets_api_calls_total")
	t.Logf("first run: %d API calls seen by the fake; metrics count %v calls over both runs", calls, total)
	if total < 2 {
		t.Errorf("auxon_sheets_api_calls_total counts %v calls, want at least a read and a write", total)
	}
	p.stop(20 * time.Second)
}

// sum adds up every series of a metric family in /metrics.
func (p *serveProc) sum(family string) float64 {
	p.t.Helper()
	total := 0.0
	for _, m := range regexp.MustCompile(`(?m)^`+regexp.QuoteMeta(family)+`\{[^}]*\} (\S+)$`).FindAllSubmatch(p.metricsText(), -1) {
		v, _ := strconv.ParseFloat(string(m[1]), 64)
		total += v
	}
	return total
}
