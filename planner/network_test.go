package planner

import (
	"reflect"
	"testing"
)

func TestRTT(t *testing.T) {
	in := &Intent{Latency: []Link{{From: "a", To: "b", RTT: 10}, {From: "b", To: "a", RTT: 99}, {From: "b", To: "c", RTT: 5}}}
	tests := []struct {
		a, b  string
		intra float64
		has   bool
		want  float64
		ok    bool
	}{
		{"a", "b", 0, false, 10, true},
		{"b", "a", 0, false, 10, true}, // first row wins, both ways
		{"c", "b", 0, false, 5, true},
		{"a", "c", 0, false, 0, false}, // absent: unreachable, not transitive
		{"a", "a", 0, false, DefaultIntraRegionRTT, true},
		{"z", "z", 0.5, true, 0.5, true},
		{"z", "z", 0, true, 0, true}, // explicit zero is kept
	}
	for _, tc := range tests {
		in.Settings.IntraRegionRTT, in.Settings.HasIntraRegionRTT = tc.intra, tc.has
		ms, ok := in.RTT(tc.a, tc.b)
		n := NewNetwork(in)
		nms, nok := n.RTT(tc.a, tc.b)
		if ms != tc.want || ok != tc.ok || nms != ms || nok != ok {
			t.Errorf("RTT(%s,%s) = %v,%v; Network %v,%v; want %v,%v", tc.a, tc.b, ms, ok, nms, nok, tc.want, tc.ok)
		}
	}
}

func TestWithin(t *testing.T) {
	n := NewNetwork(&Intent{Latency: []Link{{From: "a", To: "b", RTT: 10}}})
	if !n.Within("a", "b", 10, true) || n.Within("a", "b", 9.9, true) || !n.Within("a", "x", 0, false) || n.Within("a", "x", 1e9, true) {
		t.Error("Within disagrees with its documentation")
	}
}

func TestZone(t *testing.T) {
	c := &Cluster{Name: "c1", Region: "eu-west", Continent: "eu"}
	got := []string{c.Zone(ScopeRegion), c.Zone(ScopeContinent), c.Zone(ScopeGlobal), c.Zone("bogus")}
	want := []string{"eu-west", "eu", GlobalZone, "eu-west"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("zones = %q, want %q", got, want)
	}
}
