package planner

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

// The checks Verify makes; each Violation carries one of these names.
const (
	// CheckNames: the plan names a service, cluster or region the intent
	// does not know.
	CheckNames = "names"
	// CheckReplicas: a replica count is negative or a pair is listed twice.
	CheckReplicas = "replicas"
	// CheckAllowed: replicas in a cluster the service's Allowed list
	// excludes and no reservation with Min > 0 pins there.
	CheckAllowed = "allowed"
	// CheckDemand: a demand route is negative, not finite, served where
	// the service has no replicas, or serves more than the demand.
	CheckDemand = "demand"
	// CheckUnmet: the reported unmet demand is negative or differs from
	// demand minus served.
	CheckUnmet = "unmet"
	// CheckLatency: demand served beyond the service's latency SLO.
	CheckLatency = "latency"
	// CheckCapacity: a cluster's load exceeds what its replicas serve.
	CheckCapacity = "capacity"
	// CheckDependency: dependency load does not match Ratio × load, is
	// served where the dependency has no replicas, is negative, or is
	// routed for a pair that is not a dependency.
	CheckDependency = "dependency"
	// CheckDependencyRTT: dependency load served beyond Max RTT.
	CheckDependencyRTT = "dependency-rtt"
	// CheckSupply: replicas take more of a resource than a cluster has.
	CheckSupply = "supply"
	// CheckMinReplicas: a used cluster holds fewer than Min Replicas.
	CheckMinReplicas = "min-replicas"
	// CheckFootprint: a service uses fewer or more clusters than allowed.
	CheckFootprint = "footprint"
	// CheckReservation: a replica count outside a reservation's bounds.
	CheckReservation = "reservation"
	// CheckRedundancy: losing some k clusters of a zone leaves too little
	// capacity for the zone's load (N+k).
	CheckRedundancy = "redundancy"
)

// VerifyTolerance is the relative tolerance of every amount Verify
// compares: x ≤ y holds when x − y ≤ VerifyTolerance·max(1, |scale|),
// where scale is the size of the quantities compared (the demand, the
// supply, the zone load). Plans come from a MILP solver whose primal
// feasibility tolerance is 1e-7 on scaled rows (HiGHS's default), so
// amounts read back from it drift by about that much times the row's
// magnitude; 1e-6 relative is ten times looser than that and still far
// below any amount of demand or supply a planner would care about.
const VerifyTolerance = 1e-6

// VerifyMaxFailureSets bounds the failure sets Verify enumerates per
// zone for N+k; above it Verify removes the k largest capacities instead.
const VerifyMaxFailureSets = 10000

// Violation is one way a plan breaks its intent. Service, Cluster and
// Region name what it concerns where that applies.
type Violation struct {
	Check   string // one of the Check constants
	Service string
	Cluster string
	Region  string
	Message string
}

// Error formats the violation as "check: message".
func (v Violation) Error() string { return v.Check + ": " + v.Message }

// Violations is every way a plan breaks its intent.
type Violations []Violation

// Error lists the violations, one a line.
func (vs Violations) Error() string {
	lines := make([]string, len(vs))
	for i, v := range vs {
		lines[i] = v.Error()
	}
	return strings.Join(lines, "\n")
}

// Err returns vs as an error if it holds any violation, else nil.
func (vs Violations) Err() error {
	if len(vs) == 0 {
		return nil
	}
	return vs
}

// Checks returns the distinct check names of vs, sorted.
func (vs Violations) Checks() []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range vs {
		if !seen[v.Check] {
			seen[v.Check] = true
			out = append(out, v.Check)
		}
	}
	sort.Strings(out)
	return out
}

// Verify checks plan p against intent in and returns every violation,
// sorted by service, cluster, region, check and message. An empty result
// means the plan keeps every hard requirement of the intent.
//
// Verify is deliberately independent of the formulation and of the
// helpers the formulation and the validator share (Intent.RTT,
// Intent.AllowedClusters, Network): it resolves Allowed lists and region
// round-trip times itself, so that a bug in either cannot hide in both.
// The semantics it checks:
//
//   - Allowed: replicas of s in c need c allowed for s (a comma list of
//     cluster, region or continent names; "!x" excludes x and exclusions
//     win; blank, or only exclusions, starts from every cluster) or a
//     reservation of s in c with Min > 0.
//   - RTT: the same region is Settings.IntraRegionRTT (default
//     DefaultIntraRegionRTT); other pairs come from the Latency tab in
//     either direction, the first row winning; absent pairs are out of
//     reach of any bound.
//   - Demand: per service and region, Σ routes + unmet = Σ demand rows,
//     unmet ≥ 0, every route ≥ 0, served where the service has replicas
//     and within its latency SLO.
//   - Capacity: load[s,c] = demand routes into c + dependency routes of
//     dependents of s into c ≤ ReplicaCapacity(s)·n[s,c].
//   - Dependencies: for each s→t and each cluster c, the routes of s→t
//     from c sum to Ratio·load[s,c], land where t has replicas, within
//     Max RTT. Routes of pairs that are no dependency are violations.
//   - Supply: Σ_s Shape[s][r]·n[s,c] ≤ Supply[c][r], missing supply 0.
//   - Min Replicas (default 1) in every used cluster, unless a
//     reservation's Max there is lower.
//   - Footprint: used clusters ≤ MaxClusters (if > 0), ≥ MinClusters (if
//     > 0), ≥ 1 when the service carries load.
//   - Reservations: Min ≤ n ≤ Max per row.
//   - N+k: in each zone of the service's scope (region, continent, or
//     the world; an unknown scope counts as region) that carries load,
//     losing any k of the zone's clusters that run the service (all of
//     them if there are k or fewer) leaves capacity for the zone's load.
//     The failure sets are enumerated when there are at most
//     VerifyMaxFailureSets of them; otherwise Verify removes the k
//     largest capacities, which is the worst failure set.
//
// A nil plan is verified as an empty one (all demand unserved, none
// reported). Records of the plan naming unknown services, clusters or
// regions are reported under CheckNames and otherwise ignored. A replica
// count of 0 in Plan.Replicas is accepted and means "not used". Repeated
// routes and shortfalls for the same key add up. Duplicate rows in the
// intent (which Validate reports) count once for services, clusters,
// Latency pairs and dependencies (the first row), and add up for demand.
func Verify(in *Intent, p *Plan) Violations {
	if p == nil {
		p = &Plan{}
	}
	v := newVerifier(in)
	v.replicas(p.Replicas)
	v.demandRoutes(p.Routes)
	v.dependencyRoutes(p.DependencyRoutes)
	v.shortfalls(p.Unmet)
	v.allowed()
	v.demand()
	v.latency()
	v.capacity()
	v.dependencies()
	v.supply()
	v.minReplicas()
	v.footprint()
	v.reservations()
	v.redundancy()
	v.sort()
	return v.vs
}

// vkey is a pair of names: (service, cluster) or (service, region).
type vkey struct{ a, b string }

// vdepKey is a dependency route key: s in from creates load on t in to.
type vdepKey struct{ s, t, from, to string }

// vrouteKey is a demand route key: s's demand from region g served in c.
type vrouteKey struct{ s, g, c string }

// verifier holds the intent's indexes and the plan's aggregates.
type verifier struct {
	in       *Intent
	vs       Violations
	services map[string]*Service
	clusters map[string]*Cluster
	regions  map[string]bool
	rtt      map[vkey]float64
	deps     map[vkey]*Dependency

	n         map[vkey]int     // (service, cluster) -> replicas
	served    map[vkey]float64 // (service, region) -> demand served
	unmet     map[vkey]float64 // (service, region) -> reported unmet
	demandOf  map[vkey]float64 // (service, region) -> demand
	load      map[vkey]float64 // (service, cluster) -> load
	routes    map[vdepKey]float64
	demRoutes map[vrouteKey]float64
	depsOf    map[string][]*Dependency // service -> its dependencies, first row per pair
}

func newVerifier(in *Intent) *verifier {
	v := &verifier{in: in, services: map[string]*Service{}, clusters: map[string]*Cluster{},
		regions: map[string]bool{}, rtt: map[vkey]float64{}, deps: map[vkey]*Dependency{},
		n: map[vkey]int{}, served: map[vkey]float64{}, unmet: map[vkey]float64{},
		demandOf: map[vkey]float64{}, load: map[vkey]float64{},
		routes: map[vdepKey]float64{}, demRoutes: map[vrouteKey]float64{}, depsOf: map[string][]*Dependency{}}
	for i := range in.Services {
		if _, dup := v.services[in.Services[i].Name]; !dup {
			v.services[in.Services[i].Name] = &in.Services[i]
		}
	}
	for i := range in.Clusters {
		c := &in.Clusters[i]
		if _, dup := v.clusters[c.Name]; !dup {
			v.clusters[c.Name] = c
		}
		v.regions[c.Region] = true
	}
	for _, l := range in.Latency {
		v.regions[l.From], v.regions[l.To] = true, true
		for _, k := range []vkey{{l.From, l.To}, {l.To, l.From}} {
			if _, dup := v.rtt[k]; !dup {
				v.rtt[k] = l.RTT
			}
		}
	}
	for _, d := range in.Demand {
		v.regions[d.Region] = true
		v.demandOf[vkey{d.Service, d.Region}] += d.Amount
	}
	for i := range in.Dependencies {
		d := &in.Dependencies[i]
		if _, dup := v.deps[vkey{d.Service, d.DependsOn}]; !dup {
			v.deps[vkey{d.Service, d.DependsOn}] = d
			v.depsOf[d.Service] = append(v.depsOf[d.Service], d)
		}
	}
	return v
}

func (v *verifier) add(check, service, cluster, region, format string, args ...any) {
	v.vs = append(v.vs, Violation{Check: check, Service: service, Cluster: cluster, Region: region,
		Message: fmt.Sprintf(format, args...)})
}

// sort orders the violations so reports are stable.
func (v *verifier) sort() {
	sort.SliceStable(v.vs, func(i, j int) bool {
		a, b := v.vs[i], v.vs[j]
		for _, p := range [][2]string{{a.Service, b.Service}, {a.Cluster, b.Cluster},
			{a.Region, b.Region}, {a.Check, b.Check}, {a.Message, b.Message}} {
			if p[0] != p[1] {
				return p[0] < p[1]
			}
		}
		return false
	})
}

// rttOf is the round-trip time between two regions (see Verify).
func (v *verifier) rttOf(a, b string) (float64, bool) {
	if a == b {
		if v.in.Settings.HasIntraRegionRTT {
			return v.in.Settings.IntraRegionRTT, true
		}
		return DefaultIntraRegionRTT, true
	}
	ms, ok := v.rtt[vkey{a, b}]
	return ms, ok
}

// within reports whether regions a and b are within bound ms; has false
// means no bound. It returns the RTT for messages (+Inf if unreachable).
func (v *verifier) within(a, b string, bound float64, has bool) (float64, bool) {
	ms, ok := v.rttOf(a, b)
	if !ok {
		ms = math.Inf(1)
	}
	return ms, !has || ms <= bound
}

// verifyAllows reports whether the Allowed list of s admits cluster c.
func verifyAllows(s *Service, c *Cluster) bool {
	included, plain := false, false
	for _, e := range s.Allowed {
		e = strings.TrimSpace(e)
		if strings.HasPrefix(e, "!") {
			x := strings.TrimSpace(e[1:])
			if x == c.Name || x == c.Region || x == c.Continent {
				return false
			}
			continue
		}
		if e != "" {
			plain = true
			included = included || e == c.Name || e == c.Region || e == c.Continent
		}
	}
	return included || !plain
}

// amountOK reports a non-finite or negative amount under check.
func (v *verifier) amountOK(check, s, c, g string, x float64, what string) bool {
	if math.IsNaN(x) || math.IsInf(x, 0) || x < -VerifyTolerance {
		v.add(check, s, c, g, "%s is %s, not a finite amount ≥ 0", what, verNum(x))
		return false
	}
	return true
}

// replicas reads Plan.Replicas.
func (v *verifier) replicas(as []Assignment) {
	for _, a := range as {
		if !v.known(a.Service, a.Cluster, "", "replicas") {
			continue
		}
		k := vkey{a.Service, a.Cluster}
		if _, dup := v.n[k]; dup {
			v.add(CheckReplicas, a.Service, a.Cluster, "", "%s in %s is listed more than once", a.Service, a.Cluster)
		}
		if a.Replicas < 0 {
			v.add(CheckReplicas, a.Service, a.Cluster, "", "%s has %d replicas in %s; a count cannot be negative", a.Service, a.Replicas, a.Cluster)
		}
		v.n[k] += a.Replicas
	}
}

// known reports names the intent does not know; region "" is not checked.
func (v *verifier) known(service, cluster, region, where string) bool {
	ok := true
	if v.services[service] == nil {
		v.add(CheckNames, service, cluster, region, "%s names unknown service %q", where, service)
		ok = false
	}
	if cluster != "" && v.clusters[cluster] == nil {
		v.add(CheckNames, service, cluster, region, "%s of %s names unknown cluster %q", where, service, cluster)
		ok = false
	}
	if region != "" && !v.regions[region] {
		v.add(CheckNames, service, cluster, region, "%s of %s names unknown region %q", where, service, region)
		ok = false
	}
	return ok
}

// demandRoutes reads Plan.Routes into served, load and demRoutes.
func (v *verifier) demandRoutes(rs []Route) {
	for _, r := range rs {
		if !v.known(r.Service, r.Cluster, r.Region, "route") {
			continue
		}
		if !v.amountOK(CheckDemand, r.Service, r.Cluster, r.Region, r.Amount,
			fmt.Sprintf("demand of %s from %s served in %s", r.Service, r.Region, r.Cluster)) {
			continue
		}
		v.served[vkey{r.Service, r.Region}] += r.Amount
		v.load[vkey{r.Service, r.Cluster}] += r.Amount
		v.demRoutes[vrouteKey{r.Service, r.Region, r.Cluster}] += r.Amount
	}
}

// dependencyRoutes reads Plan.DependencyRoutes into routes and load.
func (v *verifier) dependencyRoutes(rs []DependencyRoute) {
	for _, r := range rs {
		ok := v.known(r.Service, r.From, "", "dependency route")
		ok = v.known(r.DependsOn, r.To, "", "dependency route") && ok
		if !ok {
			continue
		}
		what := fmt.Sprintf("load of %s in %s on %s served in %s", r.Service, r.From, r.DependsOn, r.To)
		if !v.amountOK(CheckDependency, r.DependsOn, r.To, "", r.Amount, what) {
			continue
		}
		if v.deps[vkey{r.Service, r.DependsOn}] == nil {
			v.add(CheckDependency, r.Service, r.From, "", "%s is %s but %s does not depend on %s",
				what, verNum(r.Amount), r.Service, r.DependsOn)
			continue
		}
		v.routes[vdepKey{r.Service, r.DependsOn, r.From, r.To}] += r.Amount
		v.load[vkey{r.DependsOn, r.To}] += r.Amount
	}
}

// shortfalls reads Plan.Unmet.
func (v *verifier) shortfalls(us []Shortfall) {
	for _, u := range us {
		if !v.known(u.Service, "", u.Region, "unmet demand") {
			continue
		}
		if v.amountOK(CheckUnmet, u.Service, "", u.Region, u.Amount,
			fmt.Sprintf("unmet demand of %s from %s", u.Service, u.Region)) {
			v.unmet[vkey{u.Service, u.Region}] += u.Amount
		}
	}
}

// allowed checks every used cluster is allowed or reserved.
func (v *verifier) allowed() {
	reserved := map[vkey]bool{}
	for _, r := range v.in.Reservations {
		if r.Min > 0 {
			reserved[vkey{r.Service, r.Cluster}] = true
		}
	}
	for _, k := range verSorted(v.n) {
		if v.n[k] <= 0 || reserved[k] || verifyAllows(v.services[k.a], v.clusters[k.b]) {
			continue
		}
		v.add(CheckAllowed, k.a, k.b, "", "%s runs %d replicas in %s, which its Allowed list %q excludes",
			k.a, v.n[k], k.b, strings.Join(v.services[k.a].Allowed, ","))
	}
}

// demand checks Σ routes + unmet = demand per service and region, and
// that every route lands where the service has replicas.
func (v *verifier) demand() {
	keys := map[vkey]bool{}
	for _, m := range []map[vkey]float64{v.demandOf, v.served, v.unmet} {
		for k := range m {
			keys[k] = true
		}
	}
	for _, k := range verSorted(keys) {
		d, got, u := v.demandOf[k], v.served[k], v.unmet[k]
		switch {
		case !verLeq(got, d, d):
			v.add(CheckDemand, k.a, "", k.b, "%s serves %s of demand from %s, more than the %s asked",
				k.a, verNum(got), k.b, verNum(d))
		case !verNear(u, d-got, d):
			v.add(CheckUnmet, k.a, "", k.b, "%s from %s: demand %s, served %s, so %s is unmet, but the plan reports %s",
				k.a, k.b, verNum(d), verNum(got), verNum(d-got), verNum(u))
		}
	}
	for _, k := range verSorted(v.demRoutes) {
		if x := v.demRoutes[k]; x > VerifyTolerance && v.n[vkey{k.s, k.c}] <= 0 {
			v.add(CheckDemand, k.s, k.c, k.g, "%s of %s's demand from %s is served in %s, where %s has no replicas",
				verNum(x), k.s, k.g, k.c, k.s)
		}
	}
}

// latency checks every demand route against the service's SLO.
func (v *verifier) latency() {
	for _, k := range verSorted(v.demRoutes) {
		s, c, x := v.services[k.s], v.clusters[k.c], v.demRoutes[k]
		if x <= VerifyTolerance {
			continue
		}
		if ms, ok := v.within(k.g, c.Region, s.LatencySLO, s.HasLatencySLO); !ok {
			v.add(CheckLatency, k.s, k.c, k.g, "%s of %s's demand from %s is served in %s (%s) at RTT %s ms, beyond its latency SLO of %s ms",
				verNum(x), k.s, k.g, k.c, c.Region, verNum(ms), verNum(s.LatencySLO))
		}
	}
}

// capacity checks load[s,c] ≤ cap(s)·n[s,c].
func (v *verifier) capacity() {
	for _, k := range verSorted(v.load) {
		load, n := v.load[k], v.n[k]
		room := v.services[k.a].ReplicaCapacity * float64(n)
		if !verLeq(load, room, room) {
			v.add(CheckCapacity, k.a, k.b, "", "%s carries %s load in %s but its %d replicas serve %s",
				k.a, verNum(load), k.b, n, verNum(room))
		}
	}
}

// dependencies checks each dependency's routes balance Ratio × load and
// land where the dependency runs, within Max RTT.
func (v *verifier) dependencies() {
	out := map[vdepKey]float64{} // {s, t, from, ""} -> Σ routes
	for k, x := range v.routes {
		out[vdepKey{k.s, k.t, k.from, ""}] += x
	}
	froms := map[vkey]map[string]bool{} // (s, t) -> from clusters
	for k := range out {
		verSet(froms, vkey{k.s, k.t}, k.from)
	}
	for k, x := range v.load {
		if x > VerifyTolerance {
			for _, d := range v.depsOf[k.a] {
				verSet(froms, vkey{d.Service, d.DependsOn}, k.b)
			}
		}
	}
	for _, pair := range verSorted(froms) {
		d := v.deps[pair]
		for _, c := range verSortedSet(froms[pair]) {
			want, got := d.Ratio*v.load[vkey{pair.a, c}], out[vdepKey{pair.a, pair.b, c, ""}]
			if !verNear(got, want, want) {
				v.add(CheckDependency, pair.a, c, "", "%s in %s carries %s load, so it needs %s of %s (ratio %s), but the plan routes %s",
					pair.a, c, verNum(v.load[vkey{pair.a, c}]), verNum(want), pair.b, verNum(d.Ratio), verNum(got))
			}
		}
	}
	for _, k := range verSorted(v.routes) {
		v.dependencyRoute(k, v.routes[k])
	}
}

// dependencyRoute checks one route lands on replicas within Max RTT.
func (v *verifier) dependencyRoute(k vdepKey, x float64) {
	if x <= VerifyTolerance {
		return
	}
	d := v.deps[vkey{k.s, k.t}]
	if v.n[vkey{k.t, k.to}] <= 0 {
		v.add(CheckDependency, k.t, k.to, "", "%s of %s's load on %s from %s is served in %s, where %s has no replicas",
			verNum(x), k.s, k.t, k.from, k.to, k.t)
	}
	a, b := v.clusters[k.from].Region, v.clusters[k.to].Region
	if ms, ok := v.within(a, b, d.MaxRTT, d.HasMaxRTT); !ok {
		v.add(CheckDependencyRTT, k.t, k.to, b, "%s of %s's load on %s from %s (%s) is served in %s (%s) at RTT %s ms, beyond max RTT %s ms",
			verNum(x), k.s, k.t, k.from, a, k.to, b, verNum(ms), verNum(d.MaxRTT))
	}
}

// supply checks Σ_s shape·n ≤ supply per cluster and resource.
func (v *verifier) supply() {
	used := map[vkey]float64{} // (cluster, resource)
	for k, n := range v.n {
		for r, per := range v.services[k.a].Shape {
			used[vkey{k.b, r}] += per * float64(n)
		}
	}
	for _, k := range verSorted(used) {
		have := v.clusters[k.a].Supply[k.b]
		if !verLeq(used[k], have, have) {
			v.add(CheckSupply, "", k.a, "", "replicas in %s take %s %s but the cluster supplies %s",
				k.a, verNum(used[k]), k.b, verNum(have))
		}
	}
}

// minReplicas checks every used cluster holds at least Min Replicas,
// lowered to a reservation's Max where that is below it.
func (v *verifier) minReplicas() {
	maxOf := map[vkey]int{}
	for _, r := range v.in.Reservations {
		k := vkey{r.Service, r.Cluster}
		if m, seen := maxOf[k]; r.HasMax && (!seen || r.Max < m) {
			maxOf[k] = r.Max
		}
	}
	for _, k := range verSorted(v.n) {
		n := v.n[k]
		if n <= 0 {
			continue
		}
		least := max(v.services[k.a].MinReplicas, 1)
		if m, ok := maxOf[k]; ok && m < least {
			least = m
		}
		if n < least {
			v.add(CheckMinReplicas, k.a, k.b, "", "%s runs %d replicas in %s, fewer than its min replicas %d", k.a, n, k.b, least)
		}
	}
}

// footprint checks the number of clusters each service uses.
func (v *verifier) footprint() {
	used, load := map[string]int{}, map[string]float64{}
	for k, n := range v.n {
		if n > 0 {
			used[k.a]++
		}
	}
	for k, x := range v.load {
		load[k.a] += x
	}
	for i := range v.in.Services {
		s := &v.in.Services[i]
		if v.services[s.Name] != s {
			continue // a repeated name: checked once
		}
		n := used[s.Name]
		switch {
		case s.MaxClusters > 0 && n > s.MaxClusters:
			v.add(CheckFootprint, s.Name, "", "", "%s runs in %d clusters, more than its max clusters %d", s.Name, n, s.MaxClusters)
		case s.MinClusters > 0 && n < s.MinClusters:
			v.add(CheckFootprint, s.Name, "", "", "%s runs in %d clusters, fewer than its min clusters %d", s.Name, n, s.MinClusters)
		case n == 0 && load[s.Name] > VerifyTolerance:
			v.add(CheckFootprint, s.Name, "", "", "%s carries %s load but runs in no cluster", s.Name, verNum(load[s.Name]))
		}
	}
}

// reservations checks Min ≤ n ≤ Max for each reservation row.
func (v *verifier) reservations() {
	for _, r := range v.in.Reservations {
		n := v.n[vkey{r.Service, r.Cluster}]
		if n < r.Min {
			v.add(CheckReservation, r.Service, r.Cluster, "", "%s runs %d replicas in %s, below the %d reserved (Reservations row %d)",
				r.Service, n, r.Cluster, r.Min, r.Row)
		}
		if r.HasMax && n > r.Max {
			v.add(CheckReservation, r.Service, r.Cluster, "", "%s runs %d replicas in %s, above the maximum of %d (Reservations row %d)",
				r.Service, n, r.Cluster, r.Max, r.Row)
		}
	}
}

// redundancy checks N+k for every service with k > 0 in every zone of
// its scope that carries load.
func (v *verifier) redundancy() {
	zoneLoad, members := map[vkey]float64{}, map[vkey]map[string]bool{}
	for k, x := range v.load {
		if s := v.services[k.a]; s.Redundancy > 0 {
			zoneLoad[vkey{k.a, verZone(s, v.clusters[k.b])}] += x
		}
	}
	for k, n := range v.n {
		if s := v.services[k.a]; s.Redundancy > 0 && n > 0 {
			verSet(members, vkey{k.a, verZone(s, v.clusters[k.b])}, k.b)
		}
	}
	for _, z := range verSorted(zoneLoad) {
		if zoneLoad[z] > VerifyTolerance {
			v.zone(v.services[z.a], z.b, verSortedSet(members[z]), zoneLoad[z])
		}
	}
}

// zone checks that losing any k of the given clusters (all that run s
// in zone z) leaves capacity for load.
func (v *verifier) zone(s *Service, z string, clusters []string, load float64) {
	k := s.Redundancy
	caps := make([]float64, len(clusters))
	total := 0.0
	for i, c := range clusters {
		caps[i] = s.ReplicaCapacity * float64(v.n[vkey{s.Name, c}])
		total += caps[i]
	}
	lost, how := verWorstFailure(caps, k)
	if verLeq(load, total-verSum(caps, lost), load) {
		return
	}
	names := make([]string, len(lost))
	for i, j := range lost {
		names[i] = clusters[j]
	}
	v.add(CheckRedundancy, s.Name, "", verZoneRegion(s, z),
		"%s is N+%d per %s, but in %s %s losing %s (%s) leaves capacity %s for load %s",
		s.Name, k, verScope(s), verScope(s), z, strings.Join(names, ", "), how, verNum(total-verSum(caps, lost)), verNum(load))
}

// verWorstFailure returns the indexes of the failure set of k among caps
// that removes the most capacity: every index if there are k or fewer,
// found by enumerating every set when there are at most
// VerifyMaxFailureSets of them, else the k largest. how says which.
func verWorstFailure(caps []float64, k int) (lost []int, how string) {
	m := len(caps)
	if m <= k {
		all := make([]int, m)
		for i := range all {
			all[i] = i
		}
		return all, fmt.Sprintf("it runs in only %d clusters there", m)
	}
	if verBinomial(m, k, VerifyMaxFailureSets) > VerifyMaxFailureSets {
		idx := make([]int, m)
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return caps[idx[a]] > caps[idx[b]] })
		lost = append([]int(nil), idx[:k]...)
		sort.Ints(lost)
		return lost, fmt.Sprintf("the %d largest; too many failure sets to enumerate", k)
	}
	set := make([]int, k)
	for i := range set {
		set[i] = i
	}
	best := -1.0
	for {
		if x := verSum(caps, set); x > best {
			best, lost = x, append(lost[:0:0], set...)
		}
		i := k - 1
		for i >= 0 && set[i] == m-k+i {
			i--
		}
		if i < 0 {
			return lost, fmt.Sprintf("the worst of %d failure sets", verBinomial(m, k, VerifyMaxFailureSets))
		}
		set[i]++
		for j := i + 1; j < k; j++ {
			set[j] = set[j-1] + 1
		}
	}
}

// verBinomial is C(m, k), or limit+1 once it exceeds limit.
func verBinomial(m, k, limit int) int {
	c := 1
	for i := 1; i <= k; i++ {
		c = c * (m - k + i) / i
		if c > limit {
			return limit + 1
		}
	}
	return c
}

func verSum(xs []float64, idx []int) float64 {
	t := 0.0
	for _, i := range idx {
		t += xs[i]
	}
	return t
}

// verZone is the zone of cluster c under the scope of s.
func verZone(s *Service, c *Cluster) string {
	switch s.Scope {
	case ScopeGlobal:
		return "global"
	case ScopeContinent:
		return c.Continent
	}
	return c.Region
}

// verScope is the scope of s as counted (unknown scopes count as region).
func verScope(s *Service) Scope {
	if s.Scope == ScopeGlobal || s.Scope == ScopeContinent {
		return s.Scope
	}
	return ScopeRegion
}

// verZoneRegion is z when zones are regions, else "".
func verZoneRegion(s *Service, z string) string {
	if verScope(s) == ScopeRegion {
		return z
	}
	return ""
}

// verLeq reports x ≤ y within VerifyTolerance relative to scale.
func verLeq(x, y, scale float64) bool {
	return x-y <= VerifyTolerance*math.Max(1, math.Abs(scale))
}

// verNear reports x = y within VerifyTolerance relative to the largest
// of scale, x and y.
func verNear(x, y, scale float64) bool {
	return math.Abs(x-y) <= VerifyTolerance*max(1, math.Abs(scale), math.Abs(x), math.Abs(y))
}

// verNum formats an amount for messages.
func verNum(x float64) string { return fmt.Sprintf("%.6g", x) }

// verKey is what the verifier's map keys can do: order themselves.
type verKey[K any] interface {
	comparable
	cmp(K) int
}

func (a vkey) cmp(b vkey) int { return cmp.Or(strings.Compare(a.a, b.a), strings.Compare(a.b, b.b)) }

func (a vdepKey) cmp(b vdepKey) int {
	return cmp.Or(strings.Compare(a.s, b.s), strings.Compare(a.t, b.t),
		strings.Compare(a.from, b.from), strings.Compare(a.to, b.to))
}

func (a vrouteKey) cmp(b vrouteKey) int {
	return cmp.Or(strings.Compare(a.s, b.s), strings.Compare(a.g, b.g), strings.Compare(a.c, b.c))
}

// verSorted returns the keys of m in order.
func verSorted[K verKey[K], V any](m map[K]V) []K {
	ks := make([]K, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.SortFunc(ks, K.cmp)
	return ks
}

// verSortedSet returns the members of a set in order.
func verSortedSet(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for x := range set {
		out = append(out, x)
	}
	sort.Strings(out)
	return out
}

// verSet adds x to the set at k of m.
func verSet(m map[vkey]map[string]bool, k vkey, x string) {
	if m[k] == nil {
		m[k] = map[string]bool{}
	}
	m[k][x] = true
}
