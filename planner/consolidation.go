package planner

import (
	"fmt"
	"math/rand/v2"
)

// ConsolidationConfig sizes a generated consolidation intent.
type ConsolidationConfig struct {
	// Seed makes the intent: the same config always gives the same intent.
	Seed uint64
	// Machines is N, the number of machines (clusters); there are 3N
	// services. Below 1 counts as 1.
	Machines int
}

// consolidationTypes are the machine types of GenerateConsolidation: cpu
// cores, GiB of memory, Gbit/s of network, and fixed cost. Bigger machines
// are a little cheaper per unit; the cpu- and memory-heavy types make the
// three resources pull against each other.
var consolidationTypes = []struct {
	cpu, ram, net, cost float64
}{
	{8, 32, 2, 110},
	{16, 64, 4, 200},
	{32, 128, 8, 380},
	{64, 256, 16, 720},
	{32, 64, 8, 300},
	{16, 256, 4, 420},
}

// GenerateConsolidation returns a machine-consolidation intent in the
// style of the public "cloud balancing" benchmark: N machines (clusters)
// of six types, each with a supply of cpu, ram and net and a fixed cost
// paid if it runs anything (no per-unit price), and 3N single-replica
// services — Replica Capacity 1, demand 1, Max Clusters 1 — each needing
// 1–8 cores, 1–32 GiB and 0.1–2 Gbit/s. Machine costs vary ±15% around
// their type's. All of it lies in one region, so every service may run on
// every machine: the task is pure bin packing with fixed costs, the kind
// of problem where branch and bound alone stalls. Demand takes about half
// of the fleet's cpu and net and a third of its memory, so a plan exists
// with room to spare (the tests check the greedy places every service for
// the benchmarked sizes).
func GenerateConsolidation(cfg ConsolidationConfig) *Intent {
	n := max(cfg.Machines, 1)
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x636f6e73)) // "cons"
	in := &Intent{
		Resources: []Resource{{Name: "cpu", Unit: "cores", Row: 2}, {Name: "ram", Unit: "GiB", Row: 3},
			{Name: "net", Unit: "Gbit/s", Row: 4}},
	}
	for i := range n {
		t := consolidationTypes[rng.IntN(len(consolidationTypes))]
		cost := genRound(t.cost*(0.85+0.3*rng.Float64()), 0)
		in.Clusters = append(in.Clusters, Cluster{Name: fmt.Sprintf("m%04d", i+1), Region: "dc1", Continent: "eu",
			Supply:    map[string]float64{"cpu": t.cpu, "ram": t.ram, "net": t.net},
			Price:     map[string]float64{},
			FixedCost: cost, Row: i + 2})
	}
	for i := range 3 * n {
		name := fmt.Sprintf("p%05d", i+1)
		in.Services = append(in.Services, Service{Name: name, DemandUnit: "instance", ReplicaCapacity: 1,
			Shape: map[string]float64{
				"cpu": float64(1 + rng.IntN(8)),
				"ram": float64(1 + rng.IntN(32)),
				"net": genRound(0.1+1.9*rng.Float64(), 1),
			},
			MinReplicas: 1, Scope: ScopeRegion, MaxClusters: 1, Row: i + 2})
		in.Demand = append(in.Demand, Demand{Service: name, Region: "dc1", Amount: 1, Row: i + 2})
	}
	return in
}
