package history_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/auxon-planner/auxon/scheduler/history"
)

var t0 = time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)

func open(t *testing.T, path string) (*history.Store, []history.Run) {
	t.Helper()
	s, marked, err := history.Open(path, &history.Options{Now: func() time.Time { return t0.Add(time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	return s, marked
}

func TestRunsNewestFirstPerJob(t *testing.T) {
	s, _ := open(t, filepath.Join(t.TempDir(), "h.db"))
	defer s.Close()
	for i, job := range []string{"a", "b", "a", "a"} {
		r := &history.Run{ID: string(rune('1' + i)), Job: job, Source: "f.xlsx", Start: t0}
		if err := s.Begin(r); err != nil {
			t.Fatal(err)
		}
		r.Outcome = history.OK
		if err := s.Finish(r); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		job   string
		limit int
		want  string
	}{
		{"a", 0, "431"},
		{"a", 2, "43"},
		{"b", 0, "2"},
		{"", 0, "4321"},
		{"none", 0, ""},
	}
	for _, tt := range tests {
		runs, err := s.Runs(tt.job, tt.limit)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for _, r := range runs {
			got += r.ID
		}
		if got != tt.want {
			t.Errorf("Runs(%q, %d) = %q, want %q", tt.job, tt.limit, got, tt.want)
		}
	}
}

func TestLastOKOnlyAfterUninterruptedSuccess(t *testing.T) {
	s, _ := open(t, filepath.Join(t.TempDir(), "h.db"))
	defer s.Close()
	tests := []struct {
		id          string
		outcome     history.Outcome
		interrupted bool
		wantRun     string
	}{
		{"r1", history.Failed, false, ""},
		{"r2", history.OK, false, "r2"},
		{"r3", history.OK, true, "r2"},
		{"r4", history.Skipped, false, "r2"},
		{"r5", history.OK, false, "r5"},
	}
	for _, tt := range tests {
		r := &history.Run{ID: tt.id, Job: "j", Source: "src", InputKey: "key-" + tt.id}
		if err := s.Begin(r); err != nil {
			t.Fatal(err)
		}
		r.Outcome, r.Interrupted = tt.outcome, tt.interrupted
		if err := s.Finish(r); err != nil {
			t.Fatal(err)
		}
		key, id, ok, err := s.LastOK("j", "src")
		if err != nil {
			t.Fatal(err)
		}
		if id != tt.wantRun || ok != (tt.wantRun != "") || (ok && key != "key-"+tt.wantRun) {
			t.Errorf("after %s: LastOK = %q %q %v, want run %q", tt.id, key, id, ok, tt.wantRun)
		}
	}
}

// A run left running (the process died) is marked interrupted on open;
// finished runs are untouched.
func TestReopenMarksRunningInterrupted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.db")
	s, _ := open(t, path)
	done := &history.Run{ID: "done", Job: "j", Start: t0}
	live := &history.Run{ID: "live", Job: "j", Start: t0, Stage: "solving"}
	for _, r := range []*history.Run{done, live} {
		if err := s.Begin(r); err != nil {
			t.Fatal(err)
		}
	}
	done.Outcome = history.OK
	if err := s.Finish(done); err != nil {
		t.Fatal(err)
	}
	s.Close() // as if killed: live never finished

	s, marked := open(t, path)
	defer s.Close()
	if len(marked) != 1 || marked[0].ID != "live" {
		t.Fatalf("marked %+v, want the live run", marked)
	}
	runs, _ := s.Runs("j", 0)
	got := map[string]history.Run{}
	for _, r := range runs {
		got[r.ID] = r
	}
	if r := got["live"]; r.Outcome != history.Interrupted || !r.End.Equal(t0.Add(time.Hour)) || r.Stage != "" {
		t.Errorf("live run after reopen: %+v", r)
	}
	if got["done"].Outcome != history.OK {
		t.Errorf("finished run changed: %+v", got["done"])
	}
}

// A version 1 database (no by_job index) is migrated on open, and its
// runs are found by job.
func TestMigrateFromVersion1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.db")
	old, err := history.OpenAtVersion(path, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"x1", "x2"} {
		if err := old.PutRaw(&history.Run{ID: id, Job: "x", Outcome: history.OK}); err != nil {
			t.Fatal(err)
		}
	}
	if runs, _ := old.Runs("x", 0); len(runs) != 0 {
		t.Fatalf("version 1 has no index, yet found %d runs", len(runs))
	}
	old.Close()

	s, _ := open(t, path)
	defer s.Close()
	if v, _ := s.Version(); v != history.SchemaVersion {
		t.Errorf("version %d after open, want %d", v, history.SchemaVersion)
	}
	runs, err := s.Runs("x", 0)
	if err != nil || len(runs) != 2 || runs[0].ID != "x2" {
		t.Errorf("runs of x after migration: %+v, %v", runs, err)
	}
}

func TestRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.db")
	s, _ := open(t, path)
	if err := s.SetVersion(history.SchemaVersion + 1); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, _, err := history.Open(path, nil); !errors.Is(err, history.ErrNewer) {
		t.Errorf("open of a newer schema: %v, want ErrNewer", err)
	}
}

// A second process cannot open the database while the first holds it.
func TestLockedByAnotherOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.db")
	s, _ := open(t, path)
	defer s.Close()
	if _, _, err := history.Open(path, &history.Options{LockTimeout: 50 * time.Millisecond}); err == nil {
		t.Error("second open succeeded")
	}
}
