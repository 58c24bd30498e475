package highs

import (
	"context"
	"fmt"
	"math"
)

// RelaxOptions weighs the violations a feasibility relaxation may make.
// A negative penalty forbids violating that bound or row.
type RelaxOptions struct {
	// ColLowerPenalty and ColUpperPenalty price each unit a column goes
	// below its lower or above its upper bound; RowPenalty prices each
	// unit a row goes outside its bounds.
	ColLowerPenalty float64
	ColUpperPenalty float64
	RowPenalty      float64
	// RowPenalties, when set, overrides RowPenalty row by row (one value
	// per row; negative: the row may not be violated).
	RowPenalties []float64
	// ColLowerPenalties and ColUpperPenalties override the column
	// penalties column by column.
	ColLowerPenalties []float64
	ColUpperPenalties []float64
}

// Violation is how far a row or column of the relaxed solution lies
// outside its bounds.
type Violation struct {
	// Index is the row or column number; Name its name if the model has
	// names.
	Index int
	Name  string
	// Lower and Upper are the bounds; Value the row activity or column
	// value in the relaxed solution.
	Lower, Upper, Value float64
	// Amount is the signed violation: Value − Upper when above, Value −
	// Lower (negative) when below.
	Amount float64
}

// Relaxation is the outcome of a feasibility relaxation: the point that
// minimises the weighted sum of violations, and the violations themselves.
type Relaxation struct {
	Result *Result
	// Rows and Cols list every row and column bound the point violates by
	// more than the tolerance, in index order.
	Rows []Violation
	Cols []Violation
}

// violationTol is the slack below which a bound counts as met; it matches
// HiGHS's default primal feasibility tolerance.
const violationTol = 1e-7

// FeasibilityRelaxation finds the point of m that violates its bounds and
// rows least, each unit of violation priced by ro
// (Highs_feasibilityRelaxation). For an infeasible model the violations
// say which requirements cannot hold together and by how much each must
// give.
func FeasibilityRelaxation(ctx context.Context, m *Model, ro RelaxOptions, opts *Options) (*Relaxation, error) {
	if ro.RowPenalties != nil && len(ro.RowPenalties) != m.NumRows() {
		return nil, fmt.Errorf("highs: %d row penalties for %d rows", len(ro.RowPenalties), m.NumRows())
	}
	for _, p := range [][]float64{ro.ColLowerPenalties, ro.ColUpperPenalties} {
		if p != nil && len(p) != m.NumCols() {
			return nil, fmt.Errorf("highs: %d column penalties for %d columns", len(p), m.NumCols())
		}
	}
	in, err := load(m, opts)
	if err != nil {
		return nil, err
	}
	defer in.close()
	defer in.watch(ctx)()
	if err := in.feasibilityRelaxation(ro); err != nil {
		return nil, err
	}
	res, err := in.result(m.IsMIP(), true)
	if err != nil {
		return nil, err
	}
	rel := &Relaxation{Result: res}
	if !res.HasSolution {
		return rel, nil
	}
	rel.Rows = violations(m.RowLower, m.RowUpper, res.RowActivity, m.RowNames)
	rel.Cols = violations(m.ColLower, m.ColUpper, res.X, m.ColNames)
	return rel, nil
}

// violations lists the entries of v outside [lo, up] by more than the
// tolerance, scaled to the bound's size.
func violations(lo, up, v []float64, names []string) []Violation {
	var out []Violation
	for i, x := range v {
		amount := 0.0
		switch {
		case x > up[i]+violationTol*math.Max(1, math.Abs(up[i])):
			amount = x - up[i]
		case x < lo[i]-violationTol*math.Max(1, math.Abs(lo[i])):
			amount = x - lo[i]
		default:
			continue
		}
		viol := Violation{Index: i, Lower: lo[i], Upper: up[i], Value: x, Amount: amount}
		if names != nil {
			viol.Name = names[i]
		}
		out = append(out, viol)
	}
	return out
}
