// Package highs is auxon's small cgo binding to the HiGHS C API
// (highs_c_api.h), for HiGHS 1.10 or newer found by pkg-config.
//
// One call, one instance: Solve, FeasibilityRelaxation, WriteModel and
// ReadModel each create a HiGHS instance, use it and destroy it before they
// return, so no instance can leak and any number of calls may run in
// parallel goroutines. Model data is handed to HiGHS without copying (HiGHS
// copies it itself); results are copied into Go slices.
//
// HiGHS never prints: its output is switched to a logging callback and each
// line goes to Options.Log, or nowhere. Callbacks reach Go through a
// runtime/cgo.Handle; the interrupt check that cancellation needs runs in C
// on an atomic flag, so it costs no cgo call.
//
// HiGHS 1.10 keeps one task scheduler per OS thread, sized by the first
// run on that thread, and fails a later run there that asks for another
// number of threads. Go moves goroutines between OS threads, so a
// 2-thread solve followed by 1-thread solves failed at random; each run
// therefore resets its OS thread's scheduler when the size it asks for
// differs (in the same cgo call as the run, so no other run is using
// it), and Options.Threads always takes effect.
package highs

import (
	"fmt"
)

// Status is the outcome of a solve.
type Status int

// Statuses of a solve. TimeLimit, Interrupted and Limit may still carry a
// feasible solution: see Result.HasSolution.
const (
	// StatusError: HiGHS failed (bad model, numerical trouble).
	StatusError Status = iota
	// StatusOptimal: optimal within the requested MIP gap.
	StatusOptimal
	// StatusInfeasible: no point satisfies the constraints.
	StatusInfeasible
	// StatusUnbounded: the objective improves without bound.
	StatusUnbounded
	// StatusInfeasibleOrUnbounded: presolve proved one of the two.
	StatusInfeasibleOrUnbounded
	// StatusTimeLimit: the time limit ended the solve; HasSolution says
	// whether an incumbent exists.
	StatusTimeLimit
	// StatusInterrupted: the context was cancelled; HasSolution says
	// whether an incumbent exists.
	StatusInterrupted
	// StatusLimit: another limit (iterations, nodes, solutions) ended it.
	StatusLimit
)

var statusNames = [...]string{
	StatusError:                 "error",
	StatusOptimal:               "optimal",
	StatusInfeasible:            "infeasible",
	StatusUnbounded:             "unbounded",
	StatusInfeasibleOrUnbounded: "infeasible or unbounded",
	StatusTimeLimit:             "time limit",
	StatusInterrupted:           "interrupted",
	StatusLimit:                 "limit reached",
}

func (s Status) String() string {
	if s >= 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", int(s))
}
