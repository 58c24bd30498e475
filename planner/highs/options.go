package highs

import (
	"fmt"
	"runtime"
	"time"
)

// threads is the thread count of a solve with options o (nil too):
// Threads, or for 0 the one HiGHS picks for threads 0, half the CPUs
// rounded up (from std::thread::hardware_concurrency; runtime.NumCPU
// also honours the process's CPU affinity). An Extra option "threads"
// overrides it (see newInstance).
func (o *Options) threads() int {
	if o != nil && o.Threads > 0 {
		return o.Threads
	}
	return (runtime.NumCPU() + 1) / 2
}

// Options tune a solve. The zero value (or nil) leaves HiGHS's defaults.
type Options struct {
	// TimeLimit bounds the wall-clock time of the solve; 0 means none.
	TimeLimit time.Duration
	// MIPRelGap stops a MIP once (incumbent − bound)/|incumbent| is at
	// most this; 0 keeps HiGHS's default (1e-4).
	MIPRelGap float64
	// Threads caps HiGHS's worker threads; 0 takes HiGHS's own default,
	// half the CPUs rounded up.
	Threads int
	// RandomSeed seeds HiGHS's random choices; nil keeps HiGHS's default
	// (0). Same seed, threads and model give the same result.
	RandomSeed *int
	// Extra sets any other HiGHS option by name, in order. The value's Go
	// type must fit the option's type: bool, int, float64 (an int is
	// accepted for a float option) or string.
	Extra []Option

	// Start is a MIP start: a value for every column, handed to HiGHS
	// with Highs_setSolution before the solve. HiGHS uses it as its first
	// incumbent if it is feasible and otherwise tries to repair it.
	Start []float64

	// Log receives each line HiGHS would have printed, without its
	// trailing newline. nil drops them.
	Log func(line string)
	// Progress receives MIP progress: on every improving solution and on
	// every line of HiGHS's MIP log. It is called from the solving thread
	// and must return quickly.
	Progress func(Progress)
	// Solution receives a copy of each improving MIP solution (one value
	// per column) with its objective.
	Solution func(x []float64, objective float64)
}

// Option is one HiGHS option set by name, such as
// {"presolve", "off"} or {"mip_heuristic_effort", 0.3}.
type Option struct {
	Name  string
	Value any
}

// Progress is a snapshot of a running MIP solve.
type Progress struct {
	// Elapsed is the time since the solve started.
	Elapsed time.Duration
	// Incumbent is the objective of the best solution so far; +Inf (for
	// minimisation) while there is none.
	Incumbent float64
	// Bound is the best proven bound on the optimum.
	Bound float64
	// Gap is HiGHS's relative gap between Incumbent and Bound (+Inf
	// without an incumbent).
	Gap float64
	// Nodes is the number of branch-and-bound nodes explored.
	Nodes int64
	// Improved is true when this report comes with a new incumbent.
	Improved bool
}

// effective returns the option list a solve applies, defaults included.
func (o *Options) effective() []Option {
	opts := []Option{}
	if o == nil {
		return opts
	}
	if o.TimeLimit > 0 {
		opts = append(opts, Option{"time_limit", o.TimeLimit.Seconds()})
	}
	if o.MIPRelGap > 0 {
		opts = append(opts, Option{"mip_rel_gap", o.MIPRelGap})
	}
	if o.RandomSeed != nil {
		opts = append(opts, Option{"random_seed", *o.RandomSeed})
	}
	return append(opts, o.Extra...)
}

// OptionError reports an option HiGHS did not accept.
type OptionError struct {
	Name   string
	Value  any
	Reason string
}

func (e *OptionError) Error() string {
	return fmt.Sprintf("highs: option %s=%v: %s", e.Name, e.Value, e.Reason)
}
