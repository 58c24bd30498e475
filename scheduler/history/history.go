// Package history keeps the run history of auxon serve in an embedded
// bbolt database: one record per run (per job and source), written when
// the run starts and again when it ends, each write a durable, fsynced
// transaction. A run still marked running when the database is opened was
// cut short by a crash and is marked interrupted; nothing finished is
// lost.
//
// Layout (schema version 2):
//
//	meta     schema_version → big-endian uint64
//	runs     sequence (big-endian uint64) → Run as JSON
//	by_job   job name → { sequence → run id }
//	last_ok  job \x00 source → input key of the last successful run
//
// Version 1 had no by_job index; opening a version 1 database builds it.
package history

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Outcome is how a run ended.
type Outcome string

// Outcomes.
const (
	// Running: the run has started and not ended.
	Running Outcome = "running"
	// OK: a plan was written.
	OK Outcome = "ok"
	// Skipped: the input was unchanged since the last successful run.
	Skipped Outcome = "skipped"
	// Invalid: the intent has errors; nothing was written.
	Invalid Outcome = "invalid"
	// Failed: an error (I/O, solver, verification, panic).
	Failed Outcome = "failed"
	// Cancelled: the service stopped during the run; nothing was written.
	Cancelled Outcome = "cancelled"
	// TimedOut: the run exceeded its timeout; nothing was written.
	TimedOut Outcome = "timeout"
	// Interrupted: the process died during the run (found on restart).
	Interrupted Outcome = "interrupted"
)

// Run is one run of one job over one source.
type Run struct {
	// Seq orders runs; the store assigns it.
	Seq uint64 `json:"seq"`
	// ID is the run id (also in the output tabs' tags).
	ID string `json:"id"`
	// Job is the job's name; Source the file or spreadsheet planned.
	Job    string `json:"job"`
	Source string `json:"source"`
	// Trigger is "schedule", "manual" or "forced".
	Trigger string    `json:"trigger"`
	Start   time.Time `json:"start"`
	End     time.Time `json:"end,omitzero"`
	Outcome Outcome   `json:"outcome"`
	// Stage is where a running run is: "queued", "reading", "solving".
	Stage string `json:"stage,omitempty"`
	// Fingerprint is the intent's; InputKey adds the job's solver
	// settings and decides whether a run may be skipped.
	Fingerprint string `json:"fingerprint,omitempty"`
	InputKey    string `json:"input_key,omitempty"`
	// SkippedFor is the id of the run whose plan still stands.
	SkippedFor string `json:"skipped_for,omitempty"`
	// Status is the solver's status; Interrupted that the plan is the
	// best found before a stop.
	Status      string   `json:"status,omitempty"`
	Interrupted bool     `json:"interrupted,omitempty"`
	Cost        float64  `json:"cost,omitempty"`
	Gap         *float64 `json:"gap,omitempty"`
	SolveSecs   float64  `json:"solve_seconds,omitempty"`
	// UnmetDemands is the number of service/region demands not fully
	// met; Unmet the total shortfall in demand units.
	UnmetDemands int     `json:"unmet_demands,omitempty"`
	Unmet        float64 `json:"unmet,omitempty"`
	// Tabs are the tabs written; Deleted those retention removed.
	Tabs    []string `json:"tabs,omitempty"`
	Deleted []string `json:"deleted,omitempty"`
	Error   string   `json:"error,omitempty"`
}

// SchemaVersion is the version Open migrates to.
const SchemaVersion = 2

var (
	bucketMeta   = []byte("meta")
	bucketRuns   = []byte("runs")
	bucketByJob  = []byte("by_job")
	bucketLastOK = []byte("last_ok")
	keyVersion   = []byte("schema_version")
)

// ErrNewer: the database was written by a newer auxon.
var ErrNewer = errors.New("history: database schema is newer than this auxon")

// Store is the run history. It is safe for concurrent use.
type Store struct {
	db *bolt.DB
}

// Options configure Open. A nil *Options takes every default.
type Options struct {
	// Now stamps the end of runs found interrupted (default time.Now).
	Now func() time.Time
	// LockTimeout bounds the wait for another process's lock on the
	// file (default 1s).
	LockTimeout time.Duration
}

// Open opens (creating if needed) the database at path, migrates it to
// SchemaVersion and marks runs left running by a crash as interrupted.
// It returns the runs so marked.
func Open(path string, opts *Options) (*Store, []Run, error) {
	now, lockTimeout := time.Now, time.Second
	if opts != nil && opts.Now != nil {
		now = opts.Now
	}
	if opts != nil && opts.LockTimeout > 0 {
		lockTimeout = opts.LockTimeout
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout})
	if err != nil {
		return nil, nil, fmt.Errorf("history: open %s: %w", path, err)
	}
	s := &Store{db: db}
	if err := s.migrate(SchemaVersion); err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("history: %s: %w", path, err)
	}
	marked, err := s.markInterrupted(now())
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("history: %s: %w", path, err)
	}
	return s, marked, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Begin records a new run (its Outcome is set to Running) and assigns
// its Seq.
func (s *Store) Begin(r *Run) error {
	r.Outcome = Running
	err := s.db.Update(func(tx *bolt.Tx) error {
		seq, err := tx.Bucket(bucketRuns).NextSequence()
		if err != nil {
			return err
		}
		r.Seq = seq
		jb, err := tx.Bucket(bucketByJob).CreateBucketIfNotExists([]byte(r.Job))
		if err != nil {
			return err
		}
		if err := jb.Put(u64(seq), []byte(r.ID)); err != nil {
			return err
		}
		return putRun(tx, r)
	})
	if err != nil {
		return fmt.Errorf("history: begin run %s: %w", r.ID, err)
	}
	return nil
}

// Update rewrites a run already begun (its stage, say).
func (s *Store) Update(r *Run) error {
	if err := s.db.Update(func(tx *bolt.Tx) error { return putRun(tx, r) }); err != nil {
		return fmt.Errorf("history: update run %s: %w", r.ID, err)
	}
	return nil
}

// Finish records the end of a run. An OK run that was not interrupted
// becomes the last successful run of its job and source.
func (s *Store) Finish(r *Run) error {
	r.Stage = ""
	err := s.db.Update(func(tx *bolt.Tx) error {
		if err := putRun(tx, r); err != nil {
			return err
		}
		if r.Outcome == OK && !r.Interrupted && r.InputKey != "" {
			return tx.Bucket(bucketLastOK).Put(lastKey(r.Job, r.Source), []byte(r.InputKey+"\x00"+r.ID))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("history: finish run %s: %w", r.ID, err)
	}
	return nil
}

// LastOK returns the input key and run id of the last successful run of
// job over source; ok is false if there is none.
func (s *Store) LastOK(job, source string) (inputKey, runID string, ok bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketLastOK).Get(lastKey(job, source))
		if v == nil {
			return nil
		}
		for i := range v {
			if v[i] == 0 {
				inputKey, runID, ok = string(v[:i]), string(v[i+1:]), true
				break
			}
		}
		return nil
	})
	if err != nil {
		return "", "", false, fmt.Errorf("history: last run of %s: %w", job, err)
	}
	return inputKey, runID, ok, nil
}

// Runs lists up to limit runs, newest first: of one job, or of all jobs
// when job is "". A limit ≤ 0 means no limit.
func (s *Store) Runs(job string, limit int) ([]Run, error) {
	var out []Run
	err := s.db.View(func(tx *bolt.Tx) error {
		runs := tx.Bucket(bucketRuns)
		var c *bolt.Cursor
		if job == "" {
			c = runs.Cursor()
		} else {
			idx := tx.Bucket(bucketByJob)
			if idx == nil {
				return nil
			}
			jb := idx.Bucket([]byte(job))
			if jb == nil {
				return nil
			}
			c = jb.Cursor()
		}
		for k, _ := c.Last(); k != nil && (limit <= 0 || len(out) < limit); k, _ = c.Prev() {
			var r Run
			if err := json.Unmarshal(runs.Get(k), &r); err != nil {
				return fmt.Errorf("run %d: %w", binary.BigEndian.Uint64(k), err)
			}
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("history: list runs: %w", err)
	}
	return out, nil
}

// markInterrupted ends every run still marked running.
func (s *Store) markInterrupted(now time.Time) ([]Run, error) {
	var marked []Run
	err := s.db.Update(func(tx *bolt.Tx) error {
		marked = nil
		return tx.Bucket(bucketRuns).ForEach(func(k, v []byte) error {
			var r Run
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("run %d: %w", binary.BigEndian.Uint64(k), err)
			}
			if r.Outcome != Running {
				return nil
			}
			r.Outcome, r.End, r.Error = Interrupted, now.UTC(), "auxon stopped during the run (crash or kill)"
			r.Stage = ""
			marked = append(marked, r)
			return putRun(tx, &r)
		})
	})
	return marked, err
}

func putRun(tx *bolt.Tx, r *Run) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketRuns).Put(u64(r.Seq), b)
}

func lastKey(job, source string) []byte { return []byte(job + "\x00" + source) }

func u64(v uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], v)
	return b[:]
}
