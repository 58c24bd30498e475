package planner

import (
	"math"
	"sort"
	"strings"
)

// Per-tab checks of single records and of references between tabs.

func (v *validator) resources() {
	seen := map[string]int{}
	for _, r := range v.in.Resources {
		v.name(TabResources, r.Row, "resource", r.Name, seen)
	}
}

func (v *validator) clusters() {
	seen := map[string]int{}
	isResource := func(n string) bool { return v.resourceSet[n] }
	for _, c := range v.in.Clusters {
		v.name(TabClusters, c.Row, "cluster", c.Name, seen)
		if c.Region == "" {
			v.ps.Add(v.cell(TabClusters, c.Row, "region"), "required", "region is blank")
		}
		if c.Continent == "" {
			v.ps.Add(v.cell(TabClusters, c.Row, "continent"), "required", "continent is blank")
		}
		for _, r := range sortedKeys(c.Supply) {
			if v.ref(TabClusters, c.Row, r, r, "resource", isResource, v.resourceNames) {
				v.amount(TabClusters, c.Row, r, c.Supply[r])
			}
		}
		for _, r := range sortedKeys(c.Price) {
			if v.ref(TabClusters, c.Row, r+" cost", r, "resource", isResource, v.resourceNames) {
				v.amount(TabClusters, c.Row, r+" cost", c.Price[r])
			}
		}
		v.amount(TabClusters, c.Row, "fixed cost", c.FixedCost)
	}
}

func (v *validator) latency() {
	seen := map[[2]string]int{}
	known := func(n string) bool { return v.regions[n] }
	for _, l := range v.in.Latency {
		okFrom := v.ref(TabLatency, l.Row, "from", l.From, "region", known, v.regionNames)
		okTo := v.ref(TabLatency, l.Row, "to", l.To, "region", known, v.regionNames)
		v.amount(TabLatency, l.Row, "rtt", l.RTT)
		if !okFrom || !okTo {
			continue
		}
		k := [2]string{l.From, l.To}
		if l.To < l.From {
			k = [2]string{l.To, l.From}
		}
		if first, dup := seen[k]; dup {
			v.ps.Add(v.cell(TabLatency, l.Row, "to"), "duplicate", "RTT between %s and %s is already given in row %d", l.From, l.To, first)
			continue
		}
		seen[k] = l.Row
	}
}

func (v *validator) services() {
	seen := map[string]int{}
	for i := range v.in.Services {
		s := &v.in.Services[i]
		v.name(TabServices, s.Row, "service", s.Name, seen)
		v.count(TabServices, s.Row, "priority", s.Priority)
		if v.amount(TabServices, s.Row, "replica capacity", s.ReplicaCapacity) && s.ReplicaCapacity == 0 {
			v.ps.Add(v.cell(TabServices, s.Row, "replica capacity"), "not-positive", "replica capacity must be above zero")
		}
		for _, r := range sortedKeys(s.Shape) {
			f := r + " per replica"
			if v.ref(TabServices, s.Row, f, r, "resource", func(n string) bool { return v.resourceSet[n] }, v.resourceNames) {
				v.amount(TabServices, s.Row, f, s.Shape[r])
			}
		}
		v.count(TabServices, s.Row, "min replicas", s.MinReplicas)
		v.count(TabServices, s.Row, "redundancy", s.Redundancy)
		if s.Scope != ScopeRegion && s.Scope != ScopeContinent && s.Scope != ScopeGlobal {
			v.ps.Add(v.cell(TabServices, s.Row, "redundancy scope"), "bad-value", "redundancy scope %q is not region, continent or global", s.Scope)
		}
		if s.HasLatencySLO {
			v.amount(TabServices, s.Row, "latency slo", s.LatencySLO)
		}
		v.allowed(s)
		v.count(TabServices, s.Row, "min clusters", s.MinClusters)
		v.count(TabServices, s.Row, "max clusters", s.MaxClusters)
		if s.MaxClusters > 0 && s.MinClusters > s.MaxClusters {
			v.ps.Add(v.cell(TabServices, s.Row, "max clusters"), "bad-range", "max clusters %d is below min clusters %d", s.MaxClusters, s.MinClusters)
		}
	}
}

// allowed checks each entry of a service's Allowed list names a place and
// that something is left.
func (v *validator) allowed(s *Service) {
	known := func(n string) bool {
		_, found := sortSearch(v.places, n)
		return found
	}
	bad := false
	for _, e := range s.Allowed {
		name := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(e), "!"))
		if name != "" && !known(name) {
			v.ps.Add(v.cell(TabServices, s.Row, "allowed"), "unknown-name",
				"allowed: unknown cluster, region or continent %q%s", name, suggest(name, v.places))
			bad = true
		}
	}
	if !bad && len(v.in.Clusters) > 0 && len(v.in.AllowedClusters(s)) == 0 {
		v.ps.Add(v.cell(TabServices, s.Row, "allowed"), "nothing-allowed", "allowed %q leaves %s no cluster", strings.Join(s.Allowed, ","), s.Name)
	}
}

func (v *validator) demand() {
	seen := map[[2]string]int{}
	for _, d := range v.in.Demand {
		ok := v.ref(TabDemand, d.Row, "service", d.Service, "service", v.isService, v.serviceNames)
		if d.Region == "" {
			v.ps.Add(v.cell(TabDemand, d.Row, "region"), "required", "region is blank")
			ok = false
		} else if !v.knownDemandRegion(d.Region) {
			v.ps.Add(v.cell(TabDemand, d.Row, "region"), "unknown-name",
				"unknown region %q: no cluster is in it and Latency does not mention it%s", d.Region, suggest(d.Region, v.clusterRegions()))
		}
		v.amount(TabDemand, d.Row, "demand", d.Amount)
		k := [2]string{d.Service, d.Region}
		if first, dup := seen[k]; dup && ok {
			v.ps.Add(v.cell(TabDemand, d.Row, "region"), "duplicate", "demand of %s from %s is already given in row %d", d.Service, d.Region, first)
		} else if ok {
			seen[k] = d.Row
		}
	}
}

// knownDemandRegion: a demand region must host clusters or appear in
// Latency; anything else is most likely a typo.
func (v *validator) knownDemandRegion(r string) bool {
	if v.linked == nil {
		v.linked = map[string]bool{}
		for _, c := range v.in.Clusters {
			v.linked[c.Region] = true
		}
		for _, l := range v.in.Latency {
			v.linked[l.From], v.linked[l.To] = true, true
		}
	}
	return v.linked[r]
}

func (v *validator) resourceNames() []string { return sortedKeys(v.resourceSet) }
func (v *validator) regionNames() []string   { return sortedKeys(v.regions) }

func (v *validator) clusterRegions() []string {
	var out []string
	for _, c := range v.in.Clusters {
		out = append(out, c.Region)
	}
	return uniqueSorted(out)
}

func (v *validator) dependencies() {
	seen := map[[2]string]int{}
	for _, d := range v.in.Dependencies {
		ok := v.ref(TabDependencies, d.Row, "service", d.Service, "service", v.isService, v.serviceNames)
		ok = v.ref(TabDependencies, d.Row, "depends on", d.DependsOn, "service", v.isService, v.serviceNames) && ok
		v.amount(TabDependencies, d.Row, "ratio", d.Ratio)
		if d.HasMaxRTT {
			v.amount(TabDependencies, d.Row, "max rtt", d.MaxRTT)
		}
		if !ok {
			continue
		}
		if d.Service == d.DependsOn {
			v.ps.Add(v.cell(TabDependencies, d.Row, "depends on"), "dependency-cycle", "dependency cycle: %s → %s", d.Service, d.Service)
		}
		k := [2]string{d.Service, d.DependsOn}
		if first, dup := seen[k]; dup {
			v.ps.Add(v.cell(TabDependencies, d.Row, "depends on"), "duplicate", "%s → %s is already given in row %d", d.Service, d.DependsOn, first)
		}
		seen[k] = d.Row
	}
}

func (v *validator) reservations() {
	seen := map[[2]string]int{}
	for _, r := range v.in.Reservations {
		ok := v.ref(TabReservations, r.Row, "service", r.Service, "service", v.isService, v.serviceNames)
		ok = v.ref(TabReservations, r.Row, "cluster", r.Cluster, "cluster", v.isCluster, v.clusterNames) && ok
		v.count(TabReservations, r.Row, "min replicas", r.Min)
		if r.HasMax {
			v.count(TabReservations, r.Row, "max replicas", r.Max)
			if r.Max < r.Min {
				v.ps.Add(v.cell(TabReservations, r.Row, "max replicas"), "bad-range", "max replicas %d is below min replicas %d", r.Max, r.Min)
			}
		}
		if !ok {
			continue
		}
		k := [2]string{r.Service, r.Cluster}
		if first, dup := seen[k]; dup {
			v.ps.Add(v.cell(TabReservations, r.Row, "cluster"), "duplicate", "reservation of %s in %s is already given in row %d", r.Service, r.Cluster, first)
		}
		seen[k] = r.Row
		if r.Min > 0 && !v.serviceOf[r.Service].Allows(v.clusterOf[r.Cluster]) {
			v.ps.Add(v.cell(TabReservations, r.Row, "cluster"), "reservation-not-allowed", "%s reserves %d replicas in %s, which its Allowed list excludes", r.Service, r.Min, r.Cluster)
		}
	}
}

func (v *validator) current() {
	seen := map[[2]string]int{}
	for _, p := range v.in.Current {
		ok := v.ref(TabCurrent, p.Row, "service", p.Service, "service", v.isService, v.serviceNames)
		ok = v.ref(TabCurrent, p.Row, "cluster", p.Cluster, "cluster", v.isCluster, v.clusterNames) && ok
		v.count(TabCurrent, p.Row, "replicas", p.Replicas)
		if !ok {
			continue
		}
		k := [2]string{p.Service, p.Cluster}
		if first, dup := seen[k]; dup {
			v.ps.Add(v.cell(TabCurrent, p.Row, "cluster"), "duplicate", "%s in %s is already given in row %d", p.Service, p.Cluster, first)
		}
		seen[k] = p.Row
	}
}

func (v *validator) settings() {
	s := v.in.Settings
	at := func(key string) Cell { return v.cell(TabSettings, s.Rows[key], "value") }
	if s.TimeLimit < 0 {
		v.ps.Add(at("time limit"), "negative", "time limit %v is negative", s.TimeLimit)
	}
	if math.IsNaN(s.MIPGap) || s.MIPGap < 0 || s.MIPGap >= 1 {
		v.ps.Add(at("mip gap"), "bad-value", "mip gap %v is not in [0, 1)", s.MIPGap)
	}
	if !(s.MoveCost >= 0) || math.IsInf(s.MoveCost, 0) {
		v.ps.Add(at("move cost"), "bad-value", "move cost %v is not a finite number ≥ 0", s.MoveCost)
	}
	if s.HasIntraRegionRTT && (!(s.IntraRegionRTT >= 0) || math.IsInf(s.IntraRegionRTT, 0)) {
		v.ps.Add(at("intra-region rtt"), "bad-value", "intra-region rtt %v is not a finite number ≥ 0", s.IntraRegionRTT)
	}
}

// sortSearch finds x in the sorted slice xs.
func sortSearch(xs []string, x string) (int, bool) {
	i := sort.SearchStrings(xs, x)
	return i, i < len(xs) && xs[i] == x
}
