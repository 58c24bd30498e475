package templates

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/auxon-planner/auxon/planner"
	"github.com/auxon-planner/auxon/workbook"
)

func TestExampleIsValid(t *testing.T) {
	in := Example() // panics on any problem
	if ps := planner.Validate(in); len(ps) > 0 {
		t.Fatalf("example has problems:\n%v", ps)
	}
	if Example() == in {
		t.Error("Example returns a shared intent")
	}
}

func TestExampleSize(t *testing.T) {
	in := Example()
	continents, regions := map[string]bool{}, map[string]bool{}
	for _, c := range in.Clusters {
		continents[c.Continent], regions[c.Region] = true, true
	}
	got := map[string]int{
		"continents": len(continents), "regions": len(regions), "clusters": len(in.Clusters),
		"services": len(in.Services), "dependencies": len(in.Dependencies),
		"reservations": len(in.Reservations), "current": len(in.Current), "demand": len(in.Demand),
	}
	least := map[string]int{"continents": 3, "regions": 6, "clusters": 15, "services": 25,
		"dependencies": 10, "reservations": 5, "current": 25, "demand": 50}
	for k, n := range least {
		if got[k] < n {
			t.Errorf("example has %d %s, want at least %d", got[k], k, n)
		}
	}
}

// TestExampleHeadroom checks a pessimistic bound on what the example needs
// against what it supplies: each service's whole load (its demand plus
// what its dependents create) with the spare capacity N+k needs in the
// smallest zone it may use, must fit in half the supply of every resource.
func TestExampleHeadroom(t *testing.T) {
	in := Example()
	loads := exampleLoads()
	need, supply := map[string]float64{}, map[string]float64{}
	for _, c := range in.Clusters {
		for r, v := range c.Supply {
			supply[r] += v
		}
	}
	for i := range in.Services {
		s := &in.Services[i]
		replicas := math.Ceil(loads[s.Name]/s.ReplicaCapacity) * spareFactor(in, s)
		replicas = math.Max(replicas, float64(s.MinReplicas*(s.Redundancy+1)))
		for r, per := range s.Shape {
			need[r] += replicas * per
		}
	}
	for r, n := range need {
		t.Logf("%s: need ≤ %.0f of %.0f (%.0f%%)", r, n, supply[r], 100*n/supply[r])
		if n > 0.5*supply[r] {
			t.Errorf("%s: pessimistic need %.0f is above half the supply %.0f", r, n, supply[r])
		}
	}
}

// spareFactor is m/(m-k) for the smallest zone of m ≥ k+1 allowed clusters.
func spareFactor(in *planner.Intent, s *planner.Service) float64 {
	zones := map[string]int{}
	for _, name := range in.AllowedClusters(s) {
		zones[in.FindCluster(name).Zone(s.Scope)]++
	}
	f := 1.0
	for _, m := range zones {
		if m > s.Redundancy {
			f = math.Max(f, float64(m)/float64(m-s.Redundancy))
		}
	}
	return f
}

func TestBlankParses(t *testing.T) {
	grids := map[string]*workbook.Grid{}
	for _, s := range Blank() {
		grids[s.Name] = &workbook.Grid{Name: s.Name, Rows: s.Rows}
		if len(s.Format.Notes) != len(s.Rows[0]) || !s.Format.FreezeHeader {
			t.Errorf("%s: %d notes for %d headers, frozen %v", s.Name, len(s.Format.Notes), len(s.Rows[0]), s.Format.FreezeHeader)
		}
	}
	in, ps := Parse(grids)
	if len(ps) > 0 {
		t.Fatalf("blank template has problems:\n%v", ps)
	}
	if len(in.Resources) != 3 || in.Settings.TimeLimit != planner.DefaultTimeLimit {
		t.Errorf("blank intent = %+v", in)
	}
}

func TestTemplateDropdowns(t *testing.T) {
	lists := map[string]string{}
	for _, s := range Blank() {
		for _, l := range s.Format.Lists {
			src := strings.Join(l.Values, ",")
			if l.SourceTab != "" {
				src = l.SourceTab + "!" + planner.ColumnName(l.SourceCol)
			}
			lists[s.Name+"!"+planner.ColumnName(l.Col)] = src
		}
	}
	want := map[string]string{
		"Services!J":     "region,continent,global",
		"Latency!A":      "Clusters!B",
		"Latency!B":      "Clusters!B",
		"Demand!B":       "Clusters!B",
		"Demand!A":       "Services!A",
		"Dependencies!A": "Services!A",
		"Dependencies!B": "Services!A",
		"Reservations!A": "Services!A",
		"Reservations!B": "Clusters!A",
		"Current!A":      "Services!A",
		"Current!B":      "Clusters!A",
		"Settings!A":     "time limit,mip gap,move cost,intra-region rtt,output prefix",
	}
	if !reflect.DeepEqual(lists, want) {
		t.Errorf("dropdowns = %v, want %v", lists, want)
	}
}
