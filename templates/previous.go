package templates

import (
	"context"
	"fmt"
	"math"

	"github.com/auxon-planner/auxon/planner"
	"github.com/auxon-planner/auxon/workbook"
)

// PreviousPlan reads the replica counts of the newest Plan tab auxon wrote
// into wb, or returns nil if there is none. Rows it cannot read are
// skipped: the previous plan is only a warm start, and the solver checks
// it against today's intent before using it.
func PreviousPlan(ctx context.Context, wb *workbook.Workbook) (*planner.Plan, error) {
	tabs, err := wb.AuxonTabs(ctx)
	if err != nil {
		return nil, fmt.Errorf("templates: previous plan: %w", err)
	}
	var newest *workbook.TabInfo
	for i := range tabs {
		t := &tabs[i]
		if t.Tag.Kind == KindPlan && (newest == nil || t.Tag.Created.After(newest.Tag.Created)) {
			newest = t
		}
	}
	if newest == nil {
		return nil, nil
	}
	grids, err := wb.ReadTabs(ctx, newest.Name)
	if err != nil {
		return nil, fmt.Errorf("templates: previous plan: %w", err)
	}
	return planFromGrid(grids[newest.Name]), nil
}

// planFromGrid reads Service, Cluster and Replicas columns of a Plan tab.
func planFromGrid(g *workbook.Grid) *planner.Plan {
	if g == nil || len(g.Rows) < 2 {
		return nil
	}
	col := map[string]int{}
	for j, c := range g.Rows[0] {
		col[NormalizeHeader(c.Text())] = j
	}
	si, ok1 := col["service"]
	ci, ok2 := col["cluster"]
	ri, ok3 := col["replicas"]
	if !ok1 || !ok2 || !ok3 {
		return nil
	}
	p := &planner.Plan{}
	for r := 1; r < len(g.Rows); r++ {
		s, c, n := g.At(r, si), g.At(r, ci), g.At(r, ri)
		if s.Kind != workbook.String || c.Kind != workbook.String || n.Kind != workbook.Number {
			continue
		}
		if k := int(math.Round(n.Num)); k > 0 {
			p.Replicas = append(p.Replicas, planner.Assignment{Service: s.Str, Cluster: c.Str, Replicas: k})
		}
	}
	return p
}
