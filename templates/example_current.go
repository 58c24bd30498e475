package templates

import (
	"math"

	"github.com/auxon-planner/auxon/planner"
	"github.com/auxon-planner/auxon/workbook"
)

// exampleLoads is each service's total load: its own demand plus the load
// its dependents create, propagated through the (acyclic) dependencies.
func exampleLoads() map[string]float64 {
	load := map[string]float64{}
	for _, s := range exampleServices {
		load[s.name] = s.demand
	}
	// Relax in rounds; the graph is acyclic so len(services) rounds suffice.
	for range exampleServices {
		next := map[string]float64{}
		for _, s := range exampleServices {
			next[s.name] = s.demand
		}
		for _, d := range exampleDependencies {
			next[d.dependsOn] += d.ratio * load[d.service]
		}
		load = next
	}
	return load
}

// exampleCurrentRows is today's deployment as a hand planner might have
// left it: about 30% over the bare need, spread over every other allowed
// cluster, at least the minimum in each.
func exampleCurrentRows() [][]workbook.Cell {
	in := &planner.Intent{}
	for _, rg := range exampleRegions {
		for _, c := range rg.clusters {
			in.Clusters = append(in.Clusters, planner.Cluster{Name: c, Region: rg.region, Continent: rg.continent})
		}
	}
	loads := exampleLoads()
	var out [][]workbook.Cell
	for _, s := range exampleServices {
		allowed := in.AllowedClusters(&planner.Service{Allowed: mustList(s.allowed)})
		var used []string
		for i, c := range allowed {
			if i%2 == 0 && len(used) < 6 {
				used = append(used, c)
			}
		}
		if s.maxClus > 0 && len(used) > s.maxClus {
			used = used[:s.maxClus]
		}
		need := math.Ceil(1.3 * loads[s.name] / s.capacity)
		each := max(int(math.Ceil(need/float64(len(used)))), s.minReplicas)
		for _, c := range used {
			out = append(out, cells(s.name, c, each))
		}
	}
	return out
}

func mustList(s string) []string {
	l, _ := ParseList(workbook.Str(s))
	return l
}
