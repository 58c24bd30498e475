package planner

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

func TestGenerateDeterministic(t *testing.T) {
	cfg := GenConfig{Seed: 7, Services: 50, Clusters: 25}
	a, pa := GenerateWitness(cfg)
	b, pb := GenerateWitness(cfg)
	if !reflect.DeepEqual(a, b) || !reflect.DeepEqual(pa, pb) {
		t.Fatal("same seed, different intents or plans")
	}
	cfg.Seed = 8
	if c := Generate(cfg); reflect.DeepEqual(a, c) {
		t.Fatal("different seeds, same intent")
	}
}

func TestGenerateSizes(t *testing.T) {
	tests := []struct {
		cfg                                           GenConfig
		services, clusters, resources, regions, conts int
	}{
		{GenConfig{}, 20, 12, 3, 4 + 1, 3},
		{GenConfig{Services: 5, Clusters: 3, Resources: 1, UserRegions: -1}, 5, 3, 1, 1, 1},
		{GenConfig{Services: 100, Clusters: 40, Resources: 5, Regions: 10, Continents: 4, UserRegions: 3}, 100, 40, 5, 13, 4},
		{GenConfig{Clusters: 2, Regions: 9, Continents: 9}, 20, 2, 3, 2, 2}, // capped
		{GenConfig{Services: -1, Clusters: 1, Resources: -1}, 1, 1, 1, 1, 1},
	}
	for _, tc := range tests {
		in := Generate(tc.cfg)
		regions, conts := map[string]bool{}, map[string]bool{}
		for _, c := range in.Clusters {
			conts[c.Continent] = true
		}
		for _, l := range in.Latency {
			regions[l.From], regions[l.To] = true, true
		}
		for _, c := range in.Clusters {
			regions[c.Region] = true
		}
		got := []int{len(in.Services), len(in.Clusters), len(in.Resources), len(regions), len(conts)}
		want := []int{tc.services, tc.clusters, tc.resources, tc.regions, tc.conts}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%+v: services, clusters, resources, regions, continents = %v, want %v", tc.cfg, got, want)
		}
		if w, p := GenerateWitness(tc.cfg); len(Verify(w, p)) > 0 {
			t.Errorf("%+v: witness violates: %v", tc.cfg, Verify(w, p))
		}
		if in.Columns != nil {
			t.Errorf("%+v: Columns is not nil", tc.cfg)
		}
		for i, s := range in.Services {
			if s.Row != i+2 {
				t.Fatalf("%+v: service %d has row %d", tc.cfg, i, s.Row)
			}
		}
	}
}

// TestGenerateValid runs the validator over generated intents: they must
// hold no error (warnings are allowed).
func TestGenerateValid(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		in := Generate(GenConfig{Seed: seed, Services: 60, Clusters: 30, Resources: 4})
		if err := Validate(in).Err(); err != nil {
			t.Errorf("seed %d:\n%v", seed, err)
		}
	}
}

// TestGenerateFeasible checks supply against a lower bound of what the
// demand alone needs: per resource, total supply is at least 1.5 times
// Σ_s (Σ_g demand[s,g] / capacity(s)) · shape[s,r].
func TestGenerateFeasible(t *testing.T) {
	for seed := uint64(1); seed <= 10; seed++ {
		in := Generate(GenConfig{Seed: seed, Services: 80, Clusters: 30})
		need, have := map[string]float64{}, map[string]float64{}
		for _, d := range in.Demand {
			s := in.FindService(d.Service)
			for r, per := range s.Shape {
				need[r] += d.Amount / s.ReplicaCapacity * per
			}
		}
		for _, c := range in.Clusters {
			for r, x := range c.Supply {
				have[r] += x
			}
		}
		for r := range need {
			if have[r] < 1.5*need[r] {
				t.Errorf("seed %d: %s supply %v < 1.5 × %v", seed, r, have[r], need[r])
			}
		}
	}
}

// TestGenerateMix checks the generator draws every kind of requirement.
func TestGenerateMix(t *testing.T) {
	in := Generate(GenConfig{Seed: 3, Services: 300, Clusters: 60})
	count := map[string]int{}
	for _, s := range in.Services {
		count[fmt.Sprintf("N+%d", s.Redundancy)]++
		count[string(s.Scope)]++
		count[fmt.Sprintf("P%d", s.Priority)]++
		if s.HasLatencySLO {
			count["slo"]++
		}
		if len(s.Allowed) > 0 {
			count["allowed"]++
		}
		if s.MaxClusters > 0 {
			count["max clusters"]++
		}
		if s.MinClusters > 0 {
			count["min clusters"]++
		}
	}
	users := map[string]bool{}
	for _, d := range in.Demand {
		users[d.Region] = true
	}
	for _, c := range in.Clusters {
		delete(users, c.Region)
	}
	count["user-region demand"] = len(users)
	count["dependencies"] = len(in.Dependencies)
	count["reservations"] = len(in.Reservations)
	count["current"] = len(in.Current)
	for _, k := range []string{"N+0", "N+1", "N+2", "region", "continent", "global", "P0", "P3",
		"slo", "allowed", "max clusters", "min clusters", "user-region demand", "dependencies",
		"reservations", "current"} {
		if count[k] == 0 {
			t.Errorf("no %s in %v", k, count)
		}
	}
}

func TestGenerateAcyclic(t *testing.T) {
	in := Generate(GenConfig{Seed: 5, Services: 500, Clusters: 40, DependencyProb: 0.8})
	index := map[string]int{}
	for i, s := range in.Services {
		index[s.Name] = i
	}
	for _, d := range in.Dependencies {
		if index[d.Service] >= index[d.DependsOn] {
			t.Fatalf("dependency %s → %s goes backwards", d.Service, d.DependsOn)
		}
		if d.Ratio < 0.1 || d.Ratio > 1 {
			t.Errorf("dependency %s → %s has ratio %v", d.Service, d.DependsOn, d.Ratio)
		}
	}
	if len(in.Dependencies) < 400 {
		t.Errorf("only %d dependencies at probability 0.8", len(in.Dependencies))
	}
	if n := len(Generate(GenConfig{Seed: 5, DependencyProb: -1}).Dependencies); n != 0 {
		t.Errorf("%d dependencies at probability -1", n)
	}
}

func TestGenerateScale(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	start := time.Now()
	in := Generate(GenConfig{Seed: 1, Services: 2000, Clusters: 100})
	if d := time.Since(start); d > 5*time.Second { // generous: -race slows it ~10×; see BenchmarkGenerate
		t.Errorf("2,000 × 100 took %v", d)
	}
	if len(in.Services) != 2000 || len(in.Clusters) != 100 {
		t.Fatalf("got %d services, %d clusters", len(in.Services), len(in.Clusters))
	}
	w, p := GenerateWitness(GenConfig{Seed: 1, Services: 2000, Clusters: 100})
	if vs := Verify(w, p); len(vs) > 0 {
		t.Errorf("%d violations, first: %v", len(vs), vs[0])
	}
}

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		Generate(GenConfig{Seed: 1, Services: 2000, Clusters: 100})
	}
}

func ExampleGenerate() {
	in := Generate(GenConfig{Seed: 1, Services: 3, Clusters: 4, Regions: 2, Continents: 2, UserRegions: -1})
	for _, c := range in.Clusters {
		fmt.Println(c.Name, c.Region, c.Continent)
	}
	for _, s := range in.Services {
		fmt.Printf("%s N+%d per %s\n", s.Name, s.Redundancy, s.Scope)
	}
	// Output:
	// na-r1-a na-r1 na
	// eu-r1-a eu-r1 eu
	// na-r1-b na-r1 na
	// na-r1-c na-r1 na
	// api-1 N+1 per region
	// auth-2 N+1 per global
	// search-3 N+0 per continent
}

func ExampleGenerateWitness() {
	in, plan := GenerateWitness(GenConfig{Seed: 1, Services: 200, Clusters: 30})
	fmt.Println(len(in.Services), "services,", len(in.Clusters), "clusters,", len(in.Dependencies), "dependencies")
	fmt.Println("violations:", len(Verify(in, plan)))
	fmt.Println("unmet demand:", PlanCost(in, plan).UnmetDemand)
	// Output:
	// 200 services, 30 clusters, 126 dependencies
	// violations: 0
	// unmet demand: 0
}
