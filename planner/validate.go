package planner

import (
	"fmt"
	"math"
	"sort"
)

// Validate checks an intent for everything that can be known before
// solving and returns every problem found, sorted (see Problems.Sort).
// Package templates adds the problems of reading the workbook itself
// (missing tabs and columns, unreadable values) and then calls Validate,
// so intents built in code get the same checks as those read from a sheet.
//
// The codes Validate uses:
//
//	required                 a name cell is blank
//	duplicate                a name or key given twice
//	unknown-name             a reference to a resource, cluster, region,
//	                         continent or service that does not exist
//	                         (with a "did you mean" suggestion)
//	negative, not-finite     a number below zero, NaN or infinite
//	not-positive             a replica capacity of zero or less
//	bad-range                a maximum below its minimum
//	bad-value                a setting or scope outside its domain
//	nothing-allowed          Allowed leaves a service no cluster
//	dependency-cycle         dependencies loop (the cycle is printed)
//	slo-unreachable          no allowed cluster meets a demand region's SLO
//	dependency-unreachable   no cluster of a dependency is within Max RTT
//	redundancy-impossible    N+k cannot hold structurally (see below)
//	reservation-not-allowed  a reservation in a cluster Allowed excludes
//	reservation-over-supply  reserved minimums exceed a cluster's supply
//	latency-missing          (warning) region pairs absent from Latency
//
// The N+k rule: a zone (the region, continent or whole world named by the
// service's Redundancy Scope) can carry load only if it holds at least
// k+1 clusters the service is allowed in, because losing the k largest of
// k or fewer clusters leaves nothing. So a service with k > 0 is reported
// when no zone has k+1 allowed clusters, when Max Clusters is below k+1,
// or when some region's demand can reach, within the latency SLO, only
// clusters in zones with k or fewer allowed clusters.
func Validate(in *Intent) Problems {
	v := newValidator(in)
	v.resources()
	v.clusters()
	v.latency()
	v.services()
	v.demand()
	v.dependencies()
	v.reservations()
	v.current()
	v.settings()
	v.cycles()
	v.latencyCoverage()
	v.reach()
	v.redundancy()
	v.reservationSupply()
	v.ps.Sort()
	return v.ps
}

// validator carries the indexes the checks share.
type validator struct {
	in          *Intent
	ps          Problems
	net         *Network
	resourceSet map[string]bool
	clusterOf   map[string]*Cluster
	serviceOf   map[string]*Service
	regions     map[string]bool // regions with clusters or demand
	places      []string        // cluster, region and continent names
	demandBy    map[string][]demandFrom
	linked      map[string]bool // regions with clusters or in Latency
}

func newValidator(in *Intent) *validator {
	v := &validator{in: in, net: NewNetwork(in), resourceSet: map[string]bool{},
		clusterOf: map[string]*Cluster{}, serviceOf: map[string]*Service{}, regions: map[string]bool{}}
	for _, r := range in.Resources {
		v.resourceSet[r.Name] = true
	}
	for i := range in.Clusters {
		c := &in.Clusters[i]
		if _, dup := v.clusterOf[c.Name]; !dup {
			v.clusterOf[c.Name] = c
		}
		v.regions[c.Region] = true
		v.places = append(v.places, c.Name, c.Region, c.Continent)
	}
	for i := range in.Services {
		if _, dup := v.serviceOf[in.Services[i].Name]; !dup {
			v.serviceOf[in.Services[i].Name] = &in.Services[i]
		}
	}
	for _, d := range in.Demand {
		v.regions[d.Region] = true
	}
	v.places = uniqueSorted(v.places)
	return v
}

func (v *validator) cell(tab string, row int, field string) Cell {
	return v.in.CellOf(tab, row, field)
}

// amount reports a number that is not finite or is negative.
func (v *validator) amount(tab string, row int, field string, x float64) bool {
	c := v.cell(tab, row, field)
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		v.ps.Add(c, "not-finite", "%s is %v; it must be a finite number", field, x)
	case x < 0:
		v.ps.Add(c, "negative", "%s %v is negative", field, x)
	default:
		return true
	}
	return false
}

// count reports a negative integer.
func (v *validator) count(tab string, row int, field string, n int) {
	if n < 0 {
		v.ps.Add(v.cell(tab, row, field), "negative", "%s %d is negative", field, n)
	}
}

// name reports a blank or repeated name; seen collects names.
func (v *validator) name(tab string, row int, field, name string, seen map[string]int) bool {
	c := v.cell(tab, row, field)
	if name == "" {
		v.ps.Add(c, "required", "%s is blank", field)
		return false
	}
	if first, dup := seen[name]; dup {
		v.ps.Add(c, "duplicate", "%s %q is already defined in row %d", field, name, first)
		return false
	}
	seen[name] = row
	return true
}

// ref reports a reference to a name that does not exist.
func (v *validator) ref(tab string, row int, field, name, kind string, known func(string) bool, candidates func() []string) bool {
	c := v.cell(tab, row, field)
	switch {
	case name == "":
		v.ps.Add(c, "required", "%s is blank", field)
	case !known(name):
		v.ps.Add(c, "unknown-name", "unknown %s %q%s", kind, name, suggest(name, candidates()))
	default:
		return true
	}
	return false
}

func (v *validator) isService(n string) bool { return v.serviceOf[n] != nil }
func (v *validator) isCluster(n string) bool { return v.clusterOf[n] != nil }

func (v *validator) serviceNames() []string {
	var out []string
	for _, s := range v.in.Services {
		out = append(out, s.Name)
	}
	return out
}

func (v *validator) clusterNames() []string {
	var out []string
	for _, c := range v.in.Clusters {
		out = append(out, c.Name)
	}
	return out
}

func uniqueSorted(xs []string) []string {
	sort.Strings(xs)
	out := xs[:0]
	for i, x := range xs {
		if x != "" && (i == 0 || x != xs[i-1]) {
			out = append(out, x)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// redundancyName formats k as N, N+1, ...
func redundancyName(k int) string {
	if k == 0 {
		return "N"
	}
	return fmt.Sprintf("N+%d", k)
}
