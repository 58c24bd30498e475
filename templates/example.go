package templates

import (
	"math"
	"sort"

	"github.com/auxon-planner/auxon/planner"
	"github.com/auxon-planner/auxon/workbook"
)

// ExampleSheets returns the tabs of the worked example: 3 continents plus
// a user population in South America, 9 regions with 19 clusters, 26
// services with dependencies, reservations and a Current tab. It is
// valid and comfortably feasible, N+k headroom included.
func ExampleSheets() []*workbook.Sheet {
	return layout(standardResources, map[string][][]workbook.Cell{
		planner.TabResources:    exampleResourceRows(),
		planner.TabClusters:     exampleClusterRows(),
		planner.TabLatency:      exampleLatencyRows(),
		planner.TabServices:     exampleServiceRows(),
		planner.TabDemand:       exampleDemandRows(),
		planner.TabDependencies: exampleDependencyRows(),
		planner.TabReservations: exampleReservationRows(),
		planner.TabCurrent:      exampleCurrentRows(),
		planner.TabSettings: {
			cells(SettingTimeLimit, "60s"), cells(SettingMIPGap, "1%"),
			cells(SettingMoveCost, 50), cells(SettingIntraRegionRTT, 1), cells(SettingOutputPrefix, "auxon"),
		},
	})
}

// Example returns a fresh copy of the worked example as an Intent, with
// rows and columns as in ExampleSheets. It panics only if the example
// itself is broken, which the package's tests rule out.
func Example() *planner.Intent {
	grids := map[string]*workbook.Grid{}
	for _, s := range ExampleSheets() {
		grids[s.Name] = &workbook.Grid{Name: s.Name, Rows: s.Rows}
	}
	in, ps := Parse(grids)
	if len(ps) > 0 {
		panic("templates: the example intent has problems:\n" + ps.Error())
	}
	return in
}

func exampleResourceRows() [][]workbook.Cell {
	var out [][]workbook.Cell
	for _, r := range exampleResources {
		out = append(out, cells(r...))
	}
	return out
}

// exampleClusterRows lists the clusters. Later clusters of a region are
// smaller, and cpu prices vary a little between clusters, as quotes do.
// Fixed costs are left blank: each one adds a facility-location decision,
// and with one per cluster the solve takes minutes instead of seconds.
func exampleClusterRows() [][]workbook.Cell {
	var out [][]workbook.Cell
	for _, rg := range exampleRegions {
		for i, c := range rg.clusters {
			size := rg.size * (1 - 0.1*float64(i))
			jitter := 1 + 0.013*float64((len(out)+1)%5)
			out = append(out, cells(c, rg.region, rg.continent,
				math.Round(exampleCPU*size), math.Round(exampleRAM*size), math.Round(exampleSSD*size),
				round2(exampleCPUCost*rg.price*jitter), round2(exampleRAMCost*rg.price), round2(exampleSSDCost*rg.price)))
		}
	}
	return out
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

func exampleLatencyRows() [][]workbook.Cell {
	var pairs [][2]string
	for p := range exampleRTT {
		pairs = append(pairs, p)
	}
	sort.Slice(pairs, func(i, j int) bool {
		return pairs[i][0] < pairs[j][0] || (pairs[i][0] == pairs[j][0] && pairs[i][1] < pairs[j][1])
	})
	var out [][]workbook.Cell
	for _, p := range pairs {
		out = append(out, cells(p[0], p[1], exampleRTT[p]))
	}
	return out
}

func exampleServiceRows() [][]workbook.Cell {
	var out [][]workbook.Cell
	for _, s := range exampleServices {
		out = append(out, cells(s.name, s.priority, s.unit, s.capacity, s.cpu, s.ram, s.ssd,
			s.minReplicas, s.redundancy, s.scope, blankZero(s.slo), s.allowed,
			blankZero(float64(s.minClusters)), blankZero(float64(s.maxClus))))
	}
	return out
}

// blankZero turns 0 into a blank cell value.
func blankZero(x float64) any {
	if x == 0 {
		return nil
	}
	return x
}

// exampleDemand is the demand of s from each region, spread by the
// regions' population weights.
func exampleDemand(s exampleService) map[string]float64 {
	total := 0.0
	for _, rg := range exampleRegions {
		if rg.clusters != nil || s.users {
			total += rg.weight
		}
	}
	out := map[string]float64{}
	for _, rg := range exampleRegions {
		if rg.clusters != nil || s.users {
			out[rg.region] = math.Round(s.demand * rg.weight / total)
		}
	}
	return out
}

func exampleDemandRows() [][]workbook.Cell {
	var out [][]workbook.Cell
	for _, s := range exampleServices {
		if s.demand == 0 {
			continue
		}
		d := exampleDemand(s)
		for _, rg := range exampleRegions {
			if v, ok := d[rg.region]; ok {
				out = append(out, cells(s.name, rg.region, v))
			}
		}
	}
	return out
}

func exampleDependencyRows() [][]workbook.Cell {
	var out [][]workbook.Cell
	for _, d := range exampleDependencies {
		out = append(out, cells(d.service, d.dependsOn, d.ratio, blankZero(d.maxRTT)))
	}
	return out
}

func exampleReservationRows() [][]workbook.Cell {
	var out [][]workbook.Cell
	for _, r := range exampleReservations {
		var max any = r.max
		if r.max < 0 {
			max = nil
		}
		out = append(out, cells(r.service, r.cluster, r.min, max))
	}
	return out
}
