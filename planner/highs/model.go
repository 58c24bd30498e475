package highs

import (
	"errors"
	"fmt"
	"math"
)

// Inf is the bound HiGHS reads as "no bound"; any bound at or beyond
// ±1e20 is infinite to HiGHS as well.
var Inf = math.Inf(1)

// Sense is the direction of optimisation.
type Sense int

// Senses.
const (
	Minimize Sense = iota
	Maximize
)

// Model is a linear or mixed-integer program:
//
//	minimise (or maximise)  Offset + Σ_j ColCost[j]·x[j]
//	subject to              RowLower[i] ≤ Σ_j A[i,j]·x[j] ≤ RowUpper[i]
//	                        ColLower[j] ≤ x[j] ≤ ColUpper[j]
//	                        x[j] integer where Integer[j]
//
// A is stored row by row (compressed sparse rows): the entries of row i are
// Index[RowStart[i]:RowStart[i+1]] (column numbers) and the matching Value.
// Build one with AddCol and AddRow, or fill the slices directly.
type Model struct {
	Sense  Sense
	Offset float64

	ColCost  []float64
	ColLower []float64
	ColUpper []float64
	// Integer marks integer columns; nil or all false makes an LP.
	Integer []bool

	RowLower []float64
	RowUpper []float64
	// RowStart has one entry per row plus a final one equal to the number
	// of nonzeros. A nil RowStart means no rows.
	RowStart []int32
	Index    []int32
	Value    []float64

	// ColNames and RowNames are optional, for model files and logs; when
	// set they must have one name per column/row, unique, without spaces.
	ColNames []string
	RowNames []string
}

// NumCols is the number of columns (variables).
func (m *Model) NumCols() int { return len(m.ColCost) }

// NumRows is the number of rows (constraints).
func (m *Model) NumRows() int { return len(m.RowLower) }

// NumNonzeros is the number of nonzeros of the constraint matrix.
func (m *Model) NumNonzeros() int { return len(m.Index) }

// IsMIP reports whether any column is integer.
func (m *Model) IsMIP() bool {
	for _, b := range m.Integer {
		if b {
			return true
		}
	}
	return false
}

// AddCol appends a column with its cost and bounds and returns its index.
func (m *Model) AddCol(cost, lower, upper float64, integer bool) int {
	j := len(m.ColCost)
	m.ColCost = append(m.ColCost, cost)
	m.ColLower = append(m.ColLower, lower)
	m.ColUpper = append(m.ColUpper, upper)
	if integer || m.Integer != nil {
		for len(m.Integer) < j {
			m.Integer = append(m.Integer, false)
		}
		m.Integer = append(m.Integer, integer)
	}
	return j
}

// AddRow appends the row lower ≤ Σ value[k]·x[index[k]] ≤ upper and returns
// its index. The caller must not repeat a column within one row.
func (m *Model) AddRow(lower, upper float64, index []int, value []float64) int {
	if m.RowStart == nil {
		m.RowStart = []int32{0}
	}
	i := len(m.RowLower)
	m.RowLower = append(m.RowLower, lower)
	m.RowUpper = append(m.RowUpper, upper)
	for k, j := range index {
		m.Index = append(m.Index, int32(j))
		m.Value = append(m.Value, value[k])
	}
	m.RowStart = append(m.RowStart, int32(len(m.Index)))
	return i
}

// Row returns the column indices and values of row i; the slices alias the
// model.
func (m *Model) Row(i int) ([]int32, []float64) {
	lo, hi := m.RowStart[i], m.RowStart[i+1]
	return m.Index[lo:hi], m.Value[lo:hi]
}

// Activity computes Σ_j A[i,j]·x[j] for every row.
func (m *Model) Activity(x []float64) []float64 {
	act := make([]float64, m.NumRows())
	for i := range act {
		idx, val := m.Row(i)
		s := 0.0
		for k, j := range idx {
			s += val[k] * x[j]
		}
		act[i] = s
	}
	return act
}

// Objective computes Offset + Σ_j ColCost[j]·x[j].
func (m *Model) Objective(x []float64) float64 {
	s := m.Offset
	for j, c := range m.ColCost {
		s += c * x[j]
	}
	return s
}

// Check reports the first structural inconsistency in m: slices of the
// wrong length, column indices out of range, NaN data, more than 2³¹−1
// entries.
func (m *Model) Check() error {
	n, r := m.NumCols(), m.NumRows()
	switch {
	case len(m.ColLower) != n || len(m.ColUpper) != n:
		return fmt.Errorf("highs: %d costs but %d lower and %d upper column bounds", n, len(m.ColLower), len(m.ColUpper))
	case m.Integer != nil && len(m.Integer) != n:
		return fmt.Errorf("highs: %d columns but %d integrality flags", n, len(m.Integer))
	case len(m.RowUpper) != r:
		return fmt.Errorf("highs: %d row lower bounds but %d upper", r, len(m.RowUpper))
	case r > 0 && len(m.RowStart) != r+1:
		return fmt.Errorf("highs: %d rows need %d row starts, have %d", r, r+1, len(m.RowStart))
	case len(m.Index) != len(m.Value):
		return fmt.Errorf("highs: %d indices but %d values", len(m.Index), len(m.Value))
	case r == 0 && len(m.Index) > 0:
		return errors.New("highs: matrix entries but no rows")
	case n > math.MaxInt32 || len(m.Index) > math.MaxInt32:
		return errors.New("highs: model too large for 32-bit HiGHS indices")
	case m.ColNames != nil && len(m.ColNames) != n:
		return fmt.Errorf("highs: %d columns but %d column names", n, len(m.ColNames))
	case m.RowNames != nil && len(m.RowNames) != r:
		return fmt.Errorf("highs: %d rows but %d row names", r, len(m.RowNames))
	}
	if r > 0 && (m.RowStart[0] != 0 || int(m.RowStart[r]) != len(m.Index)) {
		return fmt.Errorf("highs: row starts must run from 0 to %d", len(m.Index))
	}
	for i := 0; i < r; i++ {
		if m.RowStart[i] > m.RowStart[i+1] {
			return fmt.Errorf("highs: row %d starts after row %d", i, i+1)
		}
	}
	for k, j := range m.Index {
		if j < 0 || int(j) >= n {
			return fmt.Errorf("highs: entry %d names column %d of %d", k, j, n)
		}
		if math.IsNaN(m.Value[k]) {
			return fmt.Errorf("highs: entry %d (column %d) is NaN", k, j)
		}
	}
	for j := 0; j < n; j++ {
		if math.IsNaN(m.ColCost[j]) || math.IsNaN(m.ColLower[j]) || math.IsNaN(m.ColUpper[j]) {
			return fmt.Errorf("highs: column %d has a NaN cost or bound", j)
		}
	}
	for i := 0; i < r; i++ {
		if math.IsNaN(m.RowLower[i]) || math.IsNaN(m.RowUpper[i]) {
			return fmt.Errorf("highs: row %d has a NaN bound", i)
		}
	}
	return nil
}
