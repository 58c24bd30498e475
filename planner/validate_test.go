package planner

import (
	"math"
	"strings"
	"testing"
)

// smallIntent is built in code, as a library user would: no Columns, so
// problems name rows only.
func smallIntent() *Intent {
	return &Intent{
		Resources: []Resource{{Name: "cpu", Row: 2}},
		Clusters: []Cluster{
			{Name: "a1", Region: "r1", Continent: "c1", Supply: map[string]float64{"cpu": 10}, Row: 2},
			{Name: "a2", Region: "r1", Continent: "c1", Supply: map[string]float64{"cpu": 10}, Row: 3},
		},
		Services: []Service{
			{Name: "web", ReplicaCapacity: 10, Shape: map[string]float64{"cpu": 1}, MinReplicas: 1, Scope: ScopeRegion, Row: 2},
			{Name: "db", ReplicaCapacity: 10, Shape: map[string]float64{"cpu": 2}, MinReplicas: 1, Scope: ScopeRegion, Row: 3},
		},
		Demand:       []Demand{{Service: "web", Region: "r1", Amount: 5, Row: 2}},
		Dependencies: []Dependency{{Service: "web", DependsOn: "db", Ratio: 1, Row: 2}},
	}
}

func TestValidateCodeBuilt(t *testing.T) {
	if ps := Validate(smallIntent()); len(ps) > 0 {
		t.Fatalf("valid intent has problems: %v", ps)
	}
	tests := []struct {
		name   string
		mutate func(in *Intent)
		cell   string
		code   string
	}{
		{"shape of unknown resource", func(in *Intent) { in.Services[0].Shape["gpu"] = 1 }, "Services!2", "unknown-name"},
		{"supply NaN", func(in *Intent) { in.Clusters[1].Supply["cpu"] = math.NaN() }, "Clusters!3", "not-finite"},
		{"negative ratio", func(in *Intent) { in.Dependencies[0].Ratio = -1 }, "Dependencies!2", "negative"},
		{"bad scope", func(in *Intent) { in.Services[1].Scope = "" }, "Services!3", "bad-value"},
		{"negative redundancy", func(in *Intent) { in.Services[1].Redundancy = -1 }, "Services!3", "negative"},
		{"N+2 with two clusters", func(in *Intent) { in.Services[0].Redundancy = 2 }, "Services!2", "redundancy-impossible"},
		{"negative time limit", func(in *Intent) { in.Settings.TimeLimit = -1 }, "Settings", "negative"},
		{"blank region", func(in *Intent) { in.Clusters[0].Region = "" }, "Clusters!2", "required"},
		{"reserve beyond supply", func(in *Intent) {
			in.Reservations = []Reservation{{Service: "db", Cluster: "a1", Min: 4, Row: 2}, {Service: "web", Cluster: "a1", Min: 3, Row: 3}}
		}, "Reservations!3", "reservation-over-supply"},
	}
	for _, tc := range tests {
		in := smallIntent()
		tc.mutate(in)
		ps := Validate(in)
		found := false
		for _, p := range ps {
			found = found || (p.Cell.String() == tc.cell && p.Code == tc.code)
		}
		if !found {
			t.Errorf("%s: want %s %s, got %v", tc.name, tc.cell, tc.code, ps)
		}
	}
}

func TestValidateExactFit(t *testing.T) {
	in := smallIntent()
	// 0.1 * 100 sums to slightly more than 10 in floating point.
	in.Services[1].Shape["cpu"] = 0.1
	in.Reservations = []Reservation{{Service: "db", Cluster: "a1", Min: 100, Row: 2}}
	if ps := Validate(in); len(ps) > 0 {
		t.Errorf("reservations exactly filling a cluster: %v", ps)
	}
}

func TestCyclesReportedOnce(t *testing.T) {
	in := smallIntent()
	in.Services = append(in.Services, Service{Name: "cache", ReplicaCapacity: 1, Scope: ScopeRegion, Row: 4})
	in.Dependencies = append(in.Dependencies,
		Dependency{Service: "db", DependsOn: "cache", Ratio: 1, Row: 3},
		Dependency{Service: "cache", DependsOn: "web", Ratio: 1, Row: 4},
		Dependency{Service: "cache", DependsOn: "db", Ratio: 1, Row: 5},
	)
	var cycles []string
	for _, p := range Validate(in) {
		if p.Code == "dependency-cycle" {
			cycles = append(cycles, p.Cell.String()+" "+p.Message)
		}
	}
	want := []string{
		"Dependencies!4 dependency cycle: web → db → cache → web",
		"Dependencies!5 dependency cycle: db → cache → db",
	}
	if strings.Join(cycles, "\n") != strings.Join(want, "\n") {
		t.Errorf("cycles:\n%s\nwant:\n%s", strings.Join(cycles, "\n"), strings.Join(want, "\n"))
	}
}

func TestSuggest(t *testing.T) {
	cands := []string{"us-east", "us-west", "eu-west", "db"}
	tests := map[string]string{
		"us-eats": ` (did you mean "us-east"?)`,
		"US-WEST": ` (did you mean "us-west"?)`,
		"dbb":     ` (did you mean "db"?)`,
		"ap-ne":   "",
		"":        "",
	}
	for in, want := range tests {
		if got := suggest(in, cands); got != want {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
	if d := editDistance("kitten", "sitting"); d != 3 {
		t.Errorf("editDistance = %d, want 3", d)
	}
}
