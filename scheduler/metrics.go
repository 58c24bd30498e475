package scheduler

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/auxon-planner/auxon/scheduler/history"
)

// Metrics are auxon serve's Prometheus metrics, in a registry of their
// own (no global state).
//
//	auxon_runs_total{job,outcome}            runs ended, by outcome
//	auxon_runs_in_progress                   runs started and not ended
//	auxon_schedule_skips_total{job}          scheduled fires dropped: the job was still running
//	auxon_solve_seconds{job}                 solve time of runs that solved (histogram)
//	auxon_plan_gap{job}                      MIP gap of the job's last plan
//	auxon_plan_cost{job}                     cost of the job's last plan
//	auxon_unmet_demand{job}                  demand units the job's last plan leaves unmet
//	auxon_last_success_timestamp_seconds{job}
//	auxon_sheets_api_calls_total{method}     Google Sheets API calls (fed by the Sheets driver)
//	auxon_sheets_api_retries_total{method}   of which retries
type Metrics struct {
	reg           *prometheus.Registry
	runs          *prometheus.CounterVec
	inProgress    prometheus.Gauge
	scheduleSkips *prometheus.CounterVec
	solveSeconds  *prometheus.HistogramVec
	gap           *prometheus.GaugeVec
	cost          *prometheus.GaugeVec
	unmet         *prometheus.GaugeVec
	lastSuccess   *prometheus.GaugeVec
	sheetsCalls   *prometheus.CounterVec
	sheetsRetries *prometheus.CounterVec
}

// NewMetrics registers auxon's metrics, plus Go runtime and process
// metrics, in a new registry.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "auxon_runs_total",
			Help: "Runs ended, by job and outcome (ok, skipped, invalid, failed, cancelled, timeout, interrupted)."}, []string{"job", "outcome"}),
		inProgress: prometheus.NewGauge(prometheus.GaugeOpts{Name: "auxon_runs_in_progress",
			Help: "Runs started and not yet ended."}),
		scheduleSkips: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "auxon_schedule_skips_total",
			Help: "Scheduled fires dropped because the job was still running."}, []string{"job"}),
		solveSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "auxon_solve_seconds",
			Help:    "Solve time of runs that solved.",
			Buckets: []float64{0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800}}, []string{"job"}),
		gap: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "auxon_plan_gap",
			Help: "Relative MIP gap of the job's last plan."}, []string{"job"}),
		cost: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "auxon_plan_cost",
			Help: "Cost of the job's last plan."}, []string{"job"}),
		unmet: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "auxon_unmet_demand",
			Help: "Demand units the job's last plan leaves unmet."}, []string{"job"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "auxon_last_success_timestamp_seconds",
			Help: "End of the job's last successful run."}, []string{"job"}),
		sheetsCalls: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "auxon_sheets_api_calls_total",
			Help: "Google Sheets API calls, retries included."}, []string{"method"}),
		sheetsRetries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "auxon_sheets_api_retries_total",
			Help: "Google Sheets API calls that were retries."}, []string{"method"}),
	}
	m.reg.MustRegister(m.runs, m.inProgress, m.scheduleSkips, m.solveSeconds, m.gap, m.cost, m.unmet,
		m.lastSuccess, m.sheetsCalls, m.sheetsRetries,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Registry is where the metrics live, for tests and extra collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// SheetsCall counts one Google Sheets API call; attempt counts from 1,
// and a call with attempt > 1 is also counted as a retry. The Sheets
// driver calls it through a hook (e.g. an OnCall option) that serve
// wires to this method.
func (m *Metrics) SheetsCall(method string, attempt int) {
	m.sheetsCalls.WithLabelValues(method).Inc()
	if attempt > 1 {
		m.sheetsRetries.WithLabelValues(method).Inc()
	}
}

// outcomes are pre-set to zero for every job, so rates work from the
// first scrape.
var outcomes = []history.Outcome{history.OK, history.Skipped, history.Invalid, history.Failed,
	history.Cancelled, history.TimedOut, history.Interrupted}

// addJob makes the job's series exist.
func (m *Metrics) addJob(name string) {
	for _, o := range outcomes {
		m.runs.WithLabelValues(name, string(o))
	}
	m.scheduleSkips.WithLabelValues(name)
}

// started and ended track runs in progress.
func (m *Metrics) started() { m.inProgress.Inc() }

// ended records an ended run.
func (m *Metrics) ended(r *history.Run) {
	m.inProgress.Dec()
	m.runs.WithLabelValues(r.Job, string(r.Outcome)).Inc()
	if r.Status == "" {
		return
	}
	m.solveSeconds.WithLabelValues(r.Job).Observe(r.SolveSecs)
	if r.Outcome != history.OK {
		return
	}
	if r.Gap != nil {
		m.gap.WithLabelValues(r.Job).Set(*r.Gap)
	}
	m.cost.WithLabelValues(r.Job).Set(r.Cost)
	m.unmet.WithLabelValues(r.Job).Set(r.Unmet)
	m.lastSuccess.WithLabelValues(r.Job).Set(float64(r.End.UnixNano()) / 1e9)
}

// Interrupted counts a run found interrupted when the history was opened.
func (m *Metrics) Interrupted(job string) {
	m.runs.WithLabelValues(job, string(history.Interrupted)).Inc()
}
