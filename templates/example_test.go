package templates

import (
	"math"
	"testing"

	"github.com/auxon-planner/auxon/planner"
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
