package planner

import (
	"fmt"
	"sort"
	"strings"
)

// Structural checks: can the intent hold at all, before any optimisation.

// demandFrom is the positive demand of one service from one region.
type demandFrom struct {
	region string
	row    int // first Demand row
}

// demandOf lists the regions with positive demand for s, in Demand order.
func (v *validator) demandOf(s *Service) []demandFrom {
	if v.demandBy == nil {
		v.demandBy = map[string][]demandFrom{}
		seen := map[[2]string]bool{}
		for _, d := range v.in.Demand {
			k := [2]string{d.Service, d.Region}
			if !(d.Amount > 0) || seen[k] || !v.knownDemandRegion(d.Region) {
				continue
			}
			seen[k] = true
			v.demandBy[d.Service] = append(v.demandBy[d.Service], demandFrom{d.Region, d.Row})
		}
	}
	return v.demandBy[s.Name]
}

// allowedOf lists the clusters s may use.
func (v *validator) allowedOf(s *Service) []*Cluster {
	var out []*Cluster
	for i := range v.in.Clusters {
		if s.Allows(&v.in.Clusters[i]) {
			out = append(out, &v.in.Clusters[i])
		}
	}
	return out
}

// latencyCoverage warns, once per region, about region pairs absent from
// Latency when some latency bound makes them matter.
func (v *validator) latencyCoverage() {
	bounded := false
	for _, s := range v.in.Services {
		bounded = bounded || s.HasLatencySLO
	}
	for _, d := range v.in.Dependencies {
		bounded = bounded || d.HasMaxRTT
	}
	if !bounded {
		return
	}
	hosts := map[string]bool{}
	for _, c := range v.in.Clusters {
		hosts[c.Region] = true
	}
	var regions []string
	for _, r := range sortedKeys(v.regions) {
		if v.knownDemandRegion(r) {
			regions = append(regions, r)
		}
	}
	for i, a := range regions {
		var missing []string
		for _, b := range regions[i+1:] {
			if _, ok := v.net.RTT(a, b); !ok && (hosts[a] || hosts[b]) {
				missing = append(missing, b)
			}
		}
		if len(missing) > 0 {
			v.ps.Warn(Cell{Tab: TabLatency}, "latency-missing",
				"no RTT between %s and %s; such pairs are out of reach of every latency bound", a, strings.Join(missing, ", "))
		}
	}
}

// reach reports demand regions no allowed cluster serves within the SLO,
// and dependencies no allowed cluster pair serves within Max RTT.
func (v *validator) reach() {
	for i := range v.in.Services {
		s := &v.in.Services[i]
		allowed := v.allowedOf(s)
		if !s.HasLatencySLO || len(allowed) == 0 {
			continue
		}
		for _, d := range v.demandOf(s) {
			if len(v.reachable(s, allowed, d.region)) > 0 {
				continue
			}
			v.ps.Add(v.cell(TabServices, s.Row, "latency slo"), "slo-unreachable",
				"latency SLO %v ms of %s cannot be met for demand from %s (%s): %s",
				s.LatencySLO, s.Name, d.region, v.cell(TabDemand, d.row, "demand"), v.nearest(allowed, d.region))
		}
	}
	for _, d := range v.in.Dependencies {
		s, t := v.serviceOf[d.Service], v.serviceOf[d.DependsOn]
		if !d.HasMaxRTT || s == nil || t == nil || s == t {
			continue
		}
		if !v.dependencyReachable(s, t, d.MaxRTT) {
			v.ps.Add(v.cell(TabDependencies, d.Row, "max rtt"), "dependency-unreachable",
				"no cluster %s may use is within %v ms of a cluster %s may use", t.Name, d.MaxRTT, s.Name)
		}
	}
}

// reachable lists the clusters of allowed within s's SLO of region.
func (v *validator) reachable(s *Service, allowed []*Cluster, region string) []*Cluster {
	var out []*Cluster
	for _, c := range allowed {
		if v.net.Within(region, c.Region, s.LatencySLO, s.HasLatencySLO) {
			out = append(out, c)
		}
	}
	return out
}

// nearest describes the closest allowed cluster to region, for messages.
func (v *validator) nearest(allowed []*Cluster, region string) string {
	best, bestMS, ok := v.net.Nearest(region, allowed)
	if !ok {
		return "Latency gives no RTT from " + region + " to any allowed cluster's region"
	}
	return fmt.Sprintf("the nearest allowed cluster is %s at %v ms", best, bestMS)
}

func (v *validator) dependencyReachable(s, t *Service, maxRTT float64) bool {
	for _, c := range v.allowedOf(s) {
		for _, c2 := range v.allowedOf(t) {
			if v.net.Within(c.Region, c2.Region, maxRTT, true) {
				return true
			}
		}
	}
	return false
}

// redundancy applies the N+k rule documented on Validate.
func (v *validator) redundancy() {
	for i := range v.in.Services {
		s := &v.in.Services[i]
		k := s.Redundancy
		if k <= 0 {
			continue
		}
		if s.MaxClusters > 0 && s.MaxClusters < k+1 {
			v.ps.Add(v.cell(TabServices, s.Row, "max clusters"), "redundancy-impossible",
				"%s needs at least %d clusters but max clusters is %d", redundancyName(k), k+1, s.MaxClusters)
		}
		allowed := v.allowedOf(s)
		if len(allowed) == 0 {
			continue
		}
		zones := map[string][]string{}
		for _, c := range allowed {
			zones[c.Zone(s.Scope)] = append(zones[c.Zone(s.Scope)], c.Name)
		}
		if !anyZoneHolds(zones, k) {
			v.ps.Add(v.cell(TabServices, s.Row, "redundancy"), "redundancy-impossible",
				"%s per %s needs %d allowed clusters in one %s, but no %s has more than %d (%s)",
				redundancyName(k), s.Scope, k+1, s.Scope, s.Scope, largestZone(zones), describeZones(zones))
			continue
		}
		for _, d := range v.demandOf(s) {
			v.redundancyFrom(s, d, zones, allowed)
		}
	}
}

// redundancyFrom reports demand from one region that can only reach
// zones too small for N+k.
func (v *validator) redundancyFrom(s *Service, d demandFrom, zones map[string][]string, allowed []*Cluster) {
	reach := v.reachable(s, allowed, d.region)
	if len(reach) == 0 {
		return // slo-unreachable says it already
	}
	small := map[string][]string{}
	for _, c := range reach {
		z := c.Zone(s.Scope)
		if len(zones[z]) >= s.Redundancy+1 {
			return
		}
		small[z] = zones[z]
	}
	v.ps.Add(v.cell(TabServices, s.Row, "redundancy"), "redundancy-impossible",
		"%s per %s needs %d allowed clusters in a %s, but demand from %s (%s) reaches only %s",
		redundancyName(s.Redundancy), s.Scope, s.Redundancy+1, s.Scope, d.region,
		v.cell(TabDemand, d.row, "demand"), describeZones(small))
}

func anyZoneHolds(zones map[string][]string, k int) bool {
	return largestZone(zones) >= k+1
}

func largestZone(zones map[string][]string) int {
	n := 0
	for _, cs := range zones {
		n = max(n, len(cs))
	}
	return n
}

// describeZones formats zones as "eu: a, b; us: c".
func describeZones(zones map[string][]string) string {
	var parts []string
	for _, z := range sortedKeys(zones) {
		parts = append(parts, z+": "+strings.Join(zones[z], ", "))
	}
	return strings.Join(parts, "; ")
}

// reservationSupply reports clusters whose reserved minimums need more of
// a resource than the cluster supplies.
func (v *validator) reservationSupply() {
	type key struct{ cluster, resource string }
	need := map[key]float64{}
	rows := map[string][]int{}
	for _, r := range v.in.Reservations {
		s, c := v.serviceOf[r.Service], v.clusterOf[r.Cluster]
		if s == nil || c == nil || r.Min <= 0 {
			continue
		}
		rows[c.Name] = append(rows[c.Name], r.Row)
		for res, per := range s.Shape {
			need[key{c.Name, res}] += float64(r.Min) * per
		}
	}
	var ks []key
	for k := range need {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool {
		return ks[i].cluster < ks[j].cluster || (ks[i].cluster == ks[j].cluster && ks[i].resource < ks[j].resource)
	})
	for _, k := range ks {
		supply := v.clusterOf[k.cluster].Supply[k.resource]
		if need[k] <= supply*(1+supplyTolerance) {
			continue
		}
		rs := rows[k.cluster]
		v.ps.Add(v.cell(TabReservations, rs[len(rs)-1], "min replicas"), "reservation-over-supply",
			"reservations in %s (rows %s) need %v %s but the cluster supplies %v",
			k.cluster, joinInts(rs), need[k], k.resource, supply)
	}
}

// supplyTolerance absorbs floating-point noise in summed reservations, so
// reservations that exactly fill a cluster are accepted.
const supplyTolerance = 1e-9

func joinInts(xs []int) string {
	var parts []string
	for _, x := range xs {
		parts = append(parts, fmt.Sprint(x))
	}
	return strings.Join(parts, ", ")
}
