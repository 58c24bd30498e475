package main

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/auxon-planner/auxon/planner/highs"
)

// version is auxon's version; release builds set it with -ldflags.
var version = "dev"

// runVersion prints auxon's and HiGHS's versions and proves the solver
// works by solving a two-variable MIP whose optimum is known.
func runVersion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", "version", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	v := version
	if bi, ok := debug.ReadBuildInfo(); ok && v == "dev" {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v = "dev-" + s.Value[:12]
			}
		}
	}
	fmt.Fprintf(stdout, "auxon %s\nHiGHS %s\n", v, highs.VersionString())
	// max x + 2y s.t. x + y ≤ 3.5, y ≤ 1.5, x, y integer: optimum 4 at (2, 1).
	m := &highs.Model{Sense: highs.Maximize}
	x := m.AddCol(1, 0, highs.Inf, true)
	y := m.AddCol(2, 0, highs.Inf, true)
	m.AddRow(-highs.Inf, 3.5, []int{x, y}, []float64{1, 1})
	m.AddRow(-highs.Inf, 1.5, []int{y}, []float64{1})
	r, err := highs.Solve(ctx, m, nil)
	if err != nil {
		return fmt.Errorf("HiGHS smoke solve: %w", err)
	}
	if r.Status != highs.StatusOptimal || r.Objective != 4 {
		return fmt.Errorf("HiGHS smoke solve: %v with objective %g, want optimal 4", r.Status, r.Objective)
	}
	fmt.Fprintf(stdout, "HiGHS smoke solve: %v, objective %g in %v\n", r.Status, r.Objective, r.RunTime)
	return nil
}
