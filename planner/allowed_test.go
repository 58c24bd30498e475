package planner

import (
	"reflect"
	"testing"
)

func TestAllowedClusters(t *testing.T) {
	in := &Intent{Clusters: []Cluster{
		{Name: "use1-a", Region: "us-east", Continent: "na"},
		{Name: "use1-b", Region: "us-east", Continent: "na"},
		{Name: "euw1-a", Region: "eu-west", Continent: "eu"},
		{Name: "apne1-a", Region: "ap-ne", Continent: "apac"},
	}}
	tests := []struct {
		allowed []string
		want    []string
	}{
		{nil, []string{"use1-a", "use1-b", "euw1-a", "apne1-a"}},
		{[]string{"eu"}, []string{"euw1-a"}},
		{[]string{" us-east ", "apne1-a"}, []string{"use1-a", "use1-b", "apne1-a"}},
		{[]string{"!apac"}, []string{"use1-a", "use1-b", "euw1-a"}},
		{[]string{"!apac", "! use1-b"}, []string{"use1-a", "euw1-a"}},
		{[]string{"na", "!use1-a"}, []string{"use1-b"}},
		{[]string{"!use1-a", "na"}, []string{"use1-b"}}, // order does not matter
		{[]string{"nowhere"}, nil},
		{[]string{"NA"}, nil}, // names are case-sensitive
	}
	for _, tc := range tests {
		got := in.AllowedClusters(&Service{Allowed: tc.allowed})
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Allowed %q: got %q, want %q", tc.allowed, got, tc.want)
		}
	}
}

func TestFind(t *testing.T) {
	in := &Intent{Clusters: []Cluster{{Name: "a"}}, Services: []Service{{Name: "s"}}}
	if in.FindCluster("a") != &in.Clusters[0] || in.FindCluster("b") != nil || in.FindService("s") != &in.Services[0] || in.FindService("x") != nil {
		t.Error("Find* returned the wrong record")
	}
}
