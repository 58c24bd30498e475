package templates

import (
	"context"
	"fmt"
	"strings"

	"github.com/auxon-planner/auxon/planner"
	"github.com/auxon-planner/auxon/workbook"
)

// Codes of the problems Parse adds to those of planner.Validate.
const (
	CodeMissingTab      = "missing-tab"      // a required tab is absent
	CodeMissingColumn   = "missing-column"   // a required column is absent
	CodeDuplicateColumn = "duplicate-column" // two headers name one column
	CodeRequired        = "required"         // a required value is blank
	CodeBadNumber       = "bad-number"       // a number cannot be read
	CodeNotInteger      = "not-integer"      // a count is not whole
	CodeBadValue        = "bad-value"        // a value outside its domain
	CodeFormulaError    = "formula-error"    // a cell holds #DIV/0! or alike
	CodeUnknownSetting  = "unknown-setting"  // (warning) a Settings key auxon does not know
)

// Read lists wb's tabs, reads the intent tabs in one batch (matching tab
// names case-insensitively) and parses them. The error is for I/O only;
// problems with the intent are in Problems.
func Read(ctx context.Context, wb *workbook.Workbook) (*planner.Intent, planner.Problems, error) {
	tabs, err := wb.Tabs(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("templates: %w", err)
	}
	var names []string
	actual := map[string]string{} // actual name -> canonical
	for _, t := range tabs {
		for _, want := range planner.TabOrder {
			if t.Tag == nil && strings.EqualFold(strings.TrimSpace(t.Name), want) && !contains(actual, want) {
				names = append(names, t.Name)
				actual[t.Name] = want
			}
		}
	}
	grids, err := wb.ReadTabs(ctx, names...)
	if err != nil {
		return nil, nil, fmt.Errorf("templates: %w", err)
	}
	byCanon := map[string]*workbook.Grid{}
	for name, g := range grids {
		byCanon[actual[name]] = g
	}
	in, ps := Parse(byCanon)
	return in, ps, nil
}

func contains(m map[string]string, v string) bool {
	for _, x := range m {
		if x == v {
			return true
		}
	}
	return false
}

// Parse turns the grids of the intent tabs, keyed by canonical tab name
// (planner.TabResources, ...), into an Intent. It reports every problem
// at once: those of reading the grids and, unless a tab or column is
// missing (which would make them noise), those of planner.Validate,
// leaving out any Validate problem on a cell that already has one. The
// Intent is returned even with problems, holding what could be read.
func Parse(grids map[string]*workbook.Grid) (*planner.Intent, planner.Problems) {
	p := &parser{grids: grids, in: &planner.Intent{Columns: map[string]map[string]int{}}, bad: map[planner.Cell]bool{}}
	p.parseResources()
	res := p.resources()
	p.parseClusters(res)
	p.parseLatency()
	p.parseServices(res)
	p.parseDemand()
	p.parseDependencies()
	p.parseReservations()
	p.parseCurrent()
	p.parseSettings()
	if !p.structural {
		for _, pr := range planner.Validate(p.in) {
			if !p.bad[pr.Cell] {
				p.ps = append(p.ps, pr)
			}
		}
	}
	p.ps.Sort()
	return p.in, p.ps
}

// parser accumulates the intent and its problems.
type parser struct {
	grids map[string]*workbook.Grid
	in    *planner.Intent
	ps    planner.Problems
	// structural is set by a missing tab or column.
	structural bool
	// bad holds the cells that already have a problem.
	bad map[planner.Cell]bool
}

func (p *parser) add(cell planner.Cell, code, format string, args ...any) {
	p.ps.Add(cell, code, format, args...)
	p.bad[cell] = true
}

func (p *parser) resources() []Resource {
	var out []Resource
	for _, r := range p.in.Resources {
		if r.Name != "" {
			out = append(out, Resource{Name: r.Name, Unit: r.Unit})
		}
	}
	return out
}

// spec returns the schema of one tab.
func spec(name string, res []Resource) Tab {
	for _, t := range Schema(res) {
		if t.Name == name {
			return t
		}
	}
	panic("templates: no schema for tab " + name)
}
