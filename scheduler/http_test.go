package scheduler_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/auxon-planner/auxon/pipeline"
	"github.com/auxon-planner/auxon/scheduler"
)

func do(t *testing.T, method, url, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestAPI(t *testing.T) {
	started := make(chan string, 1)
	hold := make(chan struct{})
	h := newHarness(t, scheduler.WithRunFunc(func(ctx context.Context, j pipeline.Job) (*pipeline.Outcome, error) {
		if j.Prefix == "hold" {
			started <- j.RunID
			<-hold
		}
		return fakeOutcome(j), nil
	}))
	api := scheduler.NewAPI(h.s, "tok")
	srv := httptest.NewServer(api)
	defer srv.Close()
	if code, _ := do(t, "GET", srv.URL+"/readyz", ""); code != http.StatusServiceUnavailable {
		t.Errorf("readyz before start: %d", code)
	}
	h.setJobs(scheduler.Job{Name: "eu", Sheet: "sheet-eu", Schedule: "0 3 * * *", TimeZone: "Europe/Paris"},
		scheduler.Job{Name: "slow", Sheet: "s", Prefix: "hold"})
	tests := []struct {
		name, method, path, token string
		code                      int
		body                      string
	}{
		{"health", "GET", "/healthz", "", 200, "ok"},
		{"ready", "GET", "/readyz", "", 200, "ok"},
		{"no token", "POST", "/api/jobs/eu/run", "", 401, "bearer token"},
		{"wrong token", "POST", "/api/jobs/eu/run", "nope", 401, "bearer token"},
		{"unknown job", "POST", "/api/jobs/xx/run?wait=1", "tok", 404, "no such job"},
		{"GET on trigger", "GET", "/api/jobs/eu/run", "tok", 405, ""},
		{"trigger and wait", "POST", "/api/jobs/eu/run?wait=1", "tok", 200, `"outcome": "ok"`},
		{"unchanged is skipped", "POST", "/api/jobs/eu/run?wait=true", "tok", 200, `"outcome": "skipped"`},
		{"forced", "POST", "/api/jobs/eu/run?wait=1&force=1", "tok", 200, `"trigger": "forced"`},
		{"async", "POST", "/api/jobs/slow/run", "tok", 202, `"started": true`},
		{"busy", "POST", "/api/jobs/slow/run", "tok", 409, "already running"},
		{"jobs", "GET", "/api/jobs", "", 200, `"link": "https://docs.google.com/spreadsheets/d/sheet-eu/edit"`},
		{"runs of a job", "GET", "/api/runs?job=eu&limit=1", "", 200, `"trigger": "forced"`},
		{"bad limit", "GET", "/api/runs?limit=x", "", 400, "limit"},
		{"metrics", "GET", "/metrics", "", 200, `auxon_runs_total{job="eu",outcome="skipped"} 1`},
		{"status page", "GET", "/", "", 200, "sheet-eu</a>"},
		{"not found", "GET", "/nope", "", 404, ""},
	}
	for _, tt := range tests {
		code, body := do(t, tt.method, srv.URL+tt.path, tt.token)
		if code != tt.code || !strings.Contains(body, tt.body) {
			t.Errorf("%s: %d %s\nwant %d and %q", tt.name, code, body, tt.code, tt.body)
		}
		if tt.name == "async" {
			<-started
		}
	}
	close(hold)
	h.waitRun()

	var jobs struct{ Jobs []scheduler.JobStatus }
	_, body := do(t, "GET", srv.URL+"/api/jobs", "")
	if err := json.Unmarshal([]byte(body), &jobs); err != nil {
		t.Fatal(err)
	}
	if len(jobs.Jobs) != 2 || jobs.Jobs[0].Next == nil || jobs.Jobs[0].Last == nil || jobs.Jobs[0].Last.Trigger != "forced" {
		t.Errorf("jobs: %s", body)
	}

	api.SetToken("")
	if code, _ := do(t, "POST", srv.URL+"/api/jobs/eu/run", "tok"); code != http.StatusForbidden {
		t.Errorf("trigger with no token configured: %d, want 403", code)
	}
}
