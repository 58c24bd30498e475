package scheduler_test

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/auxon-planner/auxon/scheduler"
)

// metricValue sums the series of name in reg whose labels match the
// name/value pairs given.
func metricValue(t *testing.T, reg *prometheus.Registry, name string, labels ...string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	series:
		for _, m := range mf.Metric {
			for i := 0; i+1 < len(labels); i += 2 {
				if label(m, labels[i]) != labels[i+1] {
					continue series
				}
			}
			switch {
			case m.Counter != nil:
				sum += m.GetCounter().GetValue()
			case m.Gauge != nil:
				sum += m.GetGauge().GetValue()
			case m.Histogram != nil:
				sum += float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return sum
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.Label {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

func TestSheetsCallsAndRetries(t *testing.T) {
	m := scheduler.NewMetrics()
	for _, attempt := range []int{1, 1, 2, 3} {
		m.SheetsCall("batchUpdate", attempt)
	}
	m.SheetsCall("get", 1)
	mfs, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		for _, x := range mf.Metric {
			if x.Counter != nil && label(x, "method") != "" {
				got[mf.GetName()+"/"+label(x, "method")] = x.GetCounter().GetValue()
			}
		}
	}
	want := map[string]float64{"auxon_sheets_api_calls_total/batchUpdate": 4, "auxon_sheets_api_calls_total/get": 1,
		"auxon_sheets_api_retries_total/batchUpdate": 2}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
}
