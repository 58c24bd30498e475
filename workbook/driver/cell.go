package driver

import (
	"strconv"
	"strings"
)

// Kind is the type of a cell's value.
type Kind uint8

// The cell kinds.
const (
	Empty  Kind = iota // no value
	Number             // Num holds the value; dates are serial numbers
	String             // Str holds the text
	Bool               // Bool holds the value
	Error              // Str holds the error text, e.g. "#DIV/0!"
)

// String names the kind.
func (k Kind) String() string {
	switch k {
	case Empty:
		return "empty"
	case Number:
		return "number"
	case String:
		return "string"
	case Bool:
		return "bool"
	case Error:
		return "error"
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Cell is one typed cell value. The zero Cell is empty.
type Cell struct {
	Kind Kind
	Num  float64
	Str  string
	Bool bool
}

// IsEmpty reports whether the cell has no value. A string of only spaces
// is not empty here; readers of intent trim it.
func (c Cell) IsEmpty() bool { return c.Kind == Empty }

// Text is the cell's value as text: numbers in the shortest form that
// reads back exactly, booleans as TRUE/FALSE.
func (c Cell) Text() string {
	switch c.Kind {
	case Number:
		return strconv.FormatFloat(c.Num, 'g', -1, 64)
	case String, Error:
		return c.Str
	case Bool:
		if c.Bool {
			return "TRUE"
		}
		return "FALSE"
	}
	return ""
}

// Grid is the content of one tab: Rows[i] is sheet row i+1 and
// Rows[i][j] is column j (0 = A). Rows may be ragged; trailing empty cells
// and trailing empty rows are trimmed.
type Grid struct {
	Name string
	Rows [][]Cell
}

// At returns the cell at zero-based row and column, empty when outside the
// grid.
func (g *Grid) At(row, col int) Cell {
	if row < 0 || row >= len(g.Rows) || col < 0 || col >= len(g.Rows[row]) {
		return Cell{}
	}
	return g.Rows[row][col]
}

// Trim drops trailing empty cells of every row and trailing empty rows.
func (g *Grid) Trim() {
	for i, r := range g.Rows {
		n := len(r)
		for n > 0 && r[n-1].Kind == Empty {
			n--
		}
		g.Rows[i] = r[:n]
	}
	n := len(g.Rows)
	for n > 0 && len(g.Rows[n-1]) == 0 {
		n--
	}
	g.Rows = g.Rows[:n]
}

// String renders the grid as tab-separated text, for tests and debugging.
func (g *Grid) String() string {
	var b strings.Builder
	for _, r := range g.Rows {
		for j, c := range r {
			if j > 0 {
				b.WriteByte('\t')
			}
			b.WriteString(c.Text())
		}
		b.WriteByte('\n')
	}
	return b.String()
}
