package highs

import (
	"context"
	"time"
)

// Result is what a solve found.
type Result struct {
	Status Status
	// ModelStatus is HiGHS's own model status code (kHighsModelStatus*),
	// for diagnostics.
	ModelStatus int
	// HasSolution is true when X holds a feasible point (always for
	// StatusOptimal; possibly for time limit, interrupt and other limits).
	HasSolution bool
	// X is the value of each column, RowActivity of each row; nil without
	// a solution.
	X           []float64
	RowActivity []float64
	// ColDual and RowDual are the LP duals (reduced costs and shadow
	// prices), set only for LPs solved to optimality.
	ColDual []float64
	RowDual []float64
	// Objective is the objective of X; NaN without a solution.
	Objective float64
	// DualBound is the best proven bound on the optimum (for an LP solved
	// to optimality, the objective itself).
	DualBound float64
	// Gap is the relative MIP gap |Objective − DualBound| / |Objective|,
	// 0 for an optimal LP, +Inf without a solution.
	Gap float64
	// Nodes is the number of branch-and-bound nodes; Iterations the number
	// of simplex iterations of the final LP solve (HiGHS's
	// simplex_iteration_count).
	Nodes      int64
	Iterations int64
	// RunTime is HiGHS's own wall-clock time of the solve.
	RunTime time.Duration
}

// Solve solves m. Cancelling ctx interrupts HiGHS; Solve then returns
// StatusInterrupted with the best solution found so far, not an error.
// An error means the model or an option was rejected or HiGHS failed to
// run at all.
func Solve(ctx context.Context, m *Model, opts *Options) (*Result, error) {
	in, err := load(m, opts)
	if err != nil {
		return nil, err
	}
	defer in.close()
	if opts != nil && opts.Start != nil {
		if err := in.setStart(opts.Start); err != nil {
			return nil, err
		}
	}
	in.run(ctx)
	return in.result(m.IsMIP(), false)
}
