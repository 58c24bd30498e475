package planner

import (
	"sort"
	"strings"
)

// cycles reports every elementary dependency cycle found by a depth-first
// search, once, at the row of the edge that closes it. Self-dependencies
// are reported by dependencies().
func (v *validator) cycles() {
	type edge struct {
		to  string
		row int
	}
	next := map[string][]edge{}
	var order []string
	for _, d := range v.in.Dependencies {
		if d.Service == d.DependsOn || !v.isService(d.Service) || !v.isService(d.DependsOn) {
			continue
		}
		if _, ok := next[d.Service]; !ok {
			order = append(order, d.Service)
		}
		next[d.Service] = append(next[d.Service], edge{d.DependsOn, d.Row})
	}
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var stack []string
	reported := map[string]bool{}
	var visit func(n string)
	visit = func(n string) {
		color[n] = grey
		stack = append(stack, n)
		for _, e := range next[n] {
			switch color[e.to] {
			case white:
				visit(e.to)
			case grey:
				cyc := cycleFrom(stack, e.to)
				if key := cycleKey(cyc); !reported[key] {
					reported[key] = true
					v.ps.Add(v.cell(TabDependencies, e.row, "depends on"), "dependency-cycle",
						"dependency cycle: %s → %s", strings.Join(cyc, " → "), e.to)
				}
			}
		}
		stack = stack[:len(stack)-1]
		color[n] = black
	}
	for _, n := range order {
		if color[n] == white {
			visit(n)
		}
	}
}

// cycleFrom is the tail of the DFS stack starting at n.
func cycleFrom(stack []string, n string) []string {
	for i, s := range stack {
		if s == n {
			return append([]string(nil), stack[i:]...)
		}
	}
	return nil
}

// cycleKey identifies a cycle regardless of where it starts.
func cycleKey(cyc []string) string {
	s := append([]string(nil), cyc...)
	sort.Strings(s)
	return strings.Join(s, "\x00")
}
