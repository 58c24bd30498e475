package planner

import (
	"fmt"
	"sort"
	"strings"
)

// Severity says whether a problem stops planning.
type Severity string

// Severities.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Problem is one thing wrong with an intent, pinned to its cell. Code is
// stable across releases so tools may match on it.
type Problem struct {
	Cell     Cell
	Code     string
	Severity Severity
	Message  string
}

// Error formats the problem as "Services!F7: message".
func (p Problem) Error() string { return p.Cell.String() + ": " + p.Message }

// Problems is every problem found, reported at once.
type Problems []Problem

// Error lists every error (not warnings), one a line.
func (ps Problems) Error() string {
	var b strings.Builder
	n := 0
	for _, p := range ps {
		if p.Severity == SeverityWarning {
			continue
		}
		if n > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.Error())
		n++
	}
	return b.String()
}

// Errors returns only the problems of severity error.
func (ps Problems) Errors() Problems {
	var out Problems
	for _, p := range ps {
		if p.Severity != SeverityWarning {
			out = append(out, p)
		}
	}
	return out
}

// Err returns ps as an error if it holds any error, else nil.
func (ps Problems) Err() error {
	if len(ps.Errors()) == 0 {
		return nil
	}
	return ps.Errors()
}

// Sort orders problems by tab (in TabOrder, then by name), row, column and
// code, so reports are stable.
func (ps Problems) Sort() {
	rank := func(tab string) int {
		for i, t := range TabOrder {
			if t == tab {
				return i
			}
		}
		return len(TabOrder)
	}
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i].Cell, ps[j].Cell
		if ra, rb := rank(a.Tab), rank(b.Tab); ra != rb {
			return ra < rb
		}
		if a.Tab != b.Tab {
			return a.Tab < b.Tab
		}
		if a.Row != b.Row {
			return a.Row < b.Row
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return ps[i].Code < ps[j].Code
	})
}

// Add appends an error problem at cell.
func (ps *Problems) Add(cell Cell, code, format string, args ...any) {
	*ps = append(*ps, Problem{Cell: cell, Code: code, Severity: SeverityError, Message: fmt.Sprintf(format, args...)})
}

// Warn appends a warning at cell.
func (ps *Problems) Warn(cell Cell, code, format string, args ...any) {
	*ps = append(*ps, Problem{Cell: cell, Code: code, Severity: SeverityWarning, Message: fmt.Sprintf(format, args...)})
}
