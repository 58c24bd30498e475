package scheduler

import (
	"net/url"
	"time"

	"github.com/auxon-planner/auxon/scheduler/history"
)

// JobStatus is a job as the API and status page show it.
type JobStatus struct {
	Name     string `json:"name"`
	Sheet    string `json:"sheet,omitempty"`
	XLSX     string `json:"xlsx,omitempty"`
	Schedule string `json:"schedule,omitempty"`
	TimeZone string `json:"time_zone,omitempty"`
	// Link opens the spreadsheet (Sheets jobs).
	Link     string       `json:"link,omitempty"`
	Disabled bool         `json:"disabled,omitempty"`
	Running  bool         `json:"running"`
	Next     *time.Time   `json:"next_run,omitempty"`
	Last     *history.Run `json:"last_run,omitempty"`
}

// Jobs lists the jobs in config order with their next fire and last run.
func (s *Scheduler) Jobs() ([]JobStatus, error) {
	s.mu.Lock()
	var out []JobStatus
	for _, e := range s.entries {
		j := JobStatus{Name: e.job.Name, Sheet: e.job.Sheet, XLSX: e.job.XLSX, Schedule: e.job.Schedule,
			TimeZone: e.loc.String(), Disabled: e.job.Disabled, Running: len(s.busy[e.job.Name]) > 0}
		if e.job.Sheet != "" {
			j.Link = "https://docs.google.com/spreadsheets/d/" + url.PathEscape(e.job.Sheet) + "/edit"
		}
		if e.sched != nil {
			next := e.next
			j.Next = &next
		}
		out = append(out, j)
	}
	s.mu.Unlock()
	for i := range out {
		runs, err := s.store.Runs(out[i].Name, 1)
		if err != nil {
			return nil, err
		}
		if len(runs) > 0 {
			out[i].Last = &runs[0]
		}
	}
	return out, nil
}
