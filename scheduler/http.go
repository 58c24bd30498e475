package scheduler

import (
	"crypto/subtle"
	"embed"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/auxon-planner/auxon/scheduler/history"
)

// API serves auxon serve's HTTP endpoints:
//
//	GET  /                        HTML status page: jobs, next run, last outcome, links
//	GET  /healthz                 200 while the process is up
//	GET  /readyz                  200 while runs are taken, 503 once stopping
//	GET  /metrics                 Prometheus metrics
//	GET  /api/jobs                jobs as JSON
//	GET  /api/runs?job=&limit=    run history as JSON, newest first (limit default 100)
//	POST /api/jobs/{name}/run     start a run; ?force=1 plans an unchanged input,
//	                              ?wait=1 answers when the run ends, with its runs
//
// The trigger needs "Authorization: Bearer TOKEN"; without a token it is
// off (403).
type API struct {
	s     *Scheduler
	mu    sync.Mutex
	token string
	mux   *http.ServeMux
}

// NewAPI returns the HTTP API of s, guarded by token.
func NewAPI(s *Scheduler, token string) *API {
	a := &API{s: s, token: token, mux: http.NewServeMux()}
	a.mux.HandleFunc("GET /{$}", a.status)
	a.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	a.mux.HandleFunc("GET /readyz", a.ready)
	a.mux.Handle("GET /metrics", s.metrics.Handler())
	a.mux.HandleFunc("GET /api/jobs", a.jobs)
	a.mux.HandleFunc("GET /api/runs", a.runs)
	a.mux.HandleFunc("POST /api/jobs/{name}/run", a.trigger)
	return a
}

// SetToken replaces the bearer token (on a config reload).
func (a *API) SetToken(token string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.token = token
}

// ServeHTTP implements http.Handler.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.mux.ServeHTTP(w, r) }

func (a *API) ready(w http.ResponseWriter, r *http.Request) {
	if !a.s.Ready() {
		http.Error(w, "not ready", http.StatusServiceUnavailable)
		return
	}
	w.Write([]byte("ok\n"))
}

func (a *API) jobs(w http.ResponseWriter, r *http.Request) {
	jobs, err := a.s.Jobs()
	if err != nil {
		writeError(w, http.StatusInternalServerError, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"jobs": orEmpty(jobs)})
}

func (a *API) runs(w http.ResponseWriter, r *http.Request) {
	limit := 100
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, errors.New("limit must be a non-negative integer"))
			return
		}
		limit = n
	}
	runs, err := a.s.store.Runs(r.URL.Query().Get("job"), limit)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"runs": orEmpty(runs)})
}

func (a *API) trigger(w http.ResponseWriter, r *http.Request) {
	if code, err := a.authorize(r); err != nil {
		writeError(w, code, err)
		return
	}
	name := r.PathValue("name")
	done, err := a.s.Trigger(name, flag(r, "force"))
	switch {
	case errors.Is(err, ErrUnknownJob):
		writeError(w, http.StatusNotFound, err)
		return
	case errors.Is(err, ErrBusy):
		writeError(w, http.StatusConflict, err)
		return
	case err != nil:
		writeError(w, http.StatusServiceUnavailable, err)
		return
	}
	if !flag(r, "wait") {
		writeJSON(w, http.StatusAccepted, map[string]any{"job": name, "started": true})
		return
	}
	select {
	case runs := <-done:
		writeJSON(w, http.StatusOK, map[string]any{"job": name, "runs": orEmpty(runs)})
	case <-r.Context().Done():
	}
}

// authorize checks the bearer token in constant time.
func (a *API) authorize(r *http.Request) (int, error) {
	a.mu.Lock()
	token := a.token
	a.mu.Unlock()
	if token == "" {
		return http.StatusForbidden, errors.New("triggering is off: no api token is configured")
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
		return http.StatusUnauthorized, errors.New("missing or wrong bearer token")
	}
	return 0, nil
}

func flag(r *http.Request, name string) bool {
	v, _ := strconv.ParseBool(r.URL.Query().Get(name))
	return v
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, code int, err error) {
	writeJSON(w, code, map[string]string{"error": err.Error()})
}

//go:embed status.html
var statusFS embed.FS

var statusPage = template.Must(template.New("status.html").Funcs(template.FuncMap{
	"gap": func(r *history.Run) string {
		if r == nil || r.Gap == nil {
			return ""
		}
		return strconv.FormatFloat(100**r.Gap, 'f', 2, 64) + "%"
	},
}).ParseFS(statusFS, "status.html"))

func (a *API) status(w http.ResponseWriter, r *http.Request) {
	jobs, err := a.s.Jobs()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = statusPage.Execute(w, map[string]any{"Jobs": jobs, "Ready": a.s.Ready()})
}
