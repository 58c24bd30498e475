package planner

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
)

// GenConfig sizes a generated intent. Zero fields take the defaults
// written beside them; counts below 1 (other than UserRegions) count as 1.
type GenConfig struct {
	// Seed makes the intent: the same config always generates the same
	// intent.
	Seed uint64
	// Services is the number of services (default 20).
	Services int
	// Clusters is the number of clusters (default 12).
	Clusters int
	// Resources is the number of resources (default 3): cpu, ram, ssd,
	// then r4, r5, …
	Resources int
	// Regions is the number of regions with clusters (default
	// max(1, Clusters/3); at most Clusters). Every such region has at
	// least one cluster; the rest are spread unevenly, so some regions
	// have several.
	Regions int
	// Continents is the number of continents (default min(3, Regions);
	// at most Regions). Regions are dealt over them in turn.
	Continents int
	// UserRegions is the number of extra regions that hold demand but no
	// clusters (default Regions/4; negative for none).
	UserRegions int
	// DependencyProb is the chance that a service depends on others
	// (default 0.3; negative for no dependencies). A service that does
	// depends on 1–3 of the 30 services after it, so dependencies are
	// acyclic.
	DependencyProb float64
}

// withDefaults returns cfg with every zero field set to its default.
func (cfg GenConfig) withDefaults() GenConfig {
	def := func(x *int, d int) {
		if *x == 0 {
			*x = d
		}
	}
	def(&cfg.Services, 20)
	def(&cfg.Clusters, 12)
	def(&cfg.Resources, 3)
	cfg.Services, cfg.Clusters, cfg.Resources = max(cfg.Services, 1), max(cfg.Clusters, 1), max(cfg.Resources, 1)
	def(&cfg.Regions, max(1, cfg.Clusters/3))
	cfg.Regions = min(max(cfg.Regions, 1), cfg.Clusters)
	def(&cfg.Continents, min(3, cfg.Regions))
	cfg.Continents = min(max(cfg.Continents, 1), cfg.Regions)
	def(&cfg.UserRegions, cfg.Regions/4)
	cfg.UserRegions = max(cfg.UserRegions, 0)
	if cfg.DependencyProb == 0 {
		cfg.DependencyProb = 0.3
	}
	return cfg
}

// Generate returns a random but realistic intent, feasible by
// construction; see GenerateWitness.
func Generate(cfg GenConfig) *Intent {
	in, _ := GenerateWitness(cfg)
	return in
}

// GenerateWitness returns a random intent and a plan that meets all of
// it, which proves the intent feasible: every demand is served, every
// hard requirement holds, and the plan's cost bounds the optimum from
// above. The same config always gives the same intent and plan.
//
// What it generates: regions dealt over continents, each with at least
// one cluster, plus a few demand-only user regions; a Latency row for
// every pair of regions (10–40 ms within a continent, 80–200 ms across);
// services of priority 0–3 with a replica capacity, a shape over the
// resources, Min Replicas 1–3, redundancy N, N+1 or N+2 per region,
// continent or world (always structurally possible), for about half of
// them a latency SLO of 45–75 ms (a continent, and at least k+2 allowed
// clusters, within reach of each of their demand regions), for some an
// Allowed list; acyclic dependencies with ratios 0.1–1 and, mostly, a
// Max RTT of 220–300 ms; a few reservations and some Min/Max Clusters,
// all consistent with the plan; and a Current deployment near the plan.
// The plan is built first and supply sized from it: each cluster
// supplies 1.5–3 times what the plan takes of each resource there, plus
// a share of the average, so the optimum has room to do better. Prices
// are per resource with ±30% per cluster; some clusters have a fixed
// cost. Intent.Columns is nil and rows count from 2 as in a sheet.
//
// Generating 2,000 services over 100 clusters takes a few tens of
// milliseconds.
func GenerateWitness(cfg GenConfig) (*Intent, *Plan) {
	g := newGenerator(cfg.withDefaults())
	g.geography()
	g.services()
	g.dependencies()
	for i := range g.in.Services {
		g.shapeService(i)
		g.place(i)
	}
	g.supply()
	g.extras()
	g.finish()
	return g.in, g.plan
}

// The names of the first resources (with their units) and continents.
var (
	genResources  = []string{"cpu", "ram", "ssd"}
	genUnits      = []string{"cores", "GiB", "TiB"}
	genContinents = []string{"na", "eu", "apac", "sa", "af", "me", "oc"}
)

// generator builds an intent and its witness plan together.
type generator struct {
	cfg      GenConfig
	rng      *rand.Rand
	in       *Intent
	plan     *Plan
	regions  []genRegion       // regions with clusters first, then user regions
	rtt      [][]float64       // region × region
	regionOf []int             // cluster -> region index
	usage    [][]float64       // cluster × resource taken by the plan
	n        []map[int]int     // service -> cluster -> replicas
	load     []map[int]float64 // service -> cluster -> load
	depsOn   [][]int           // service -> dependency rows it is the target of
	depFrom  []int             // dependency row -> index of its Service
	demandOf [][]int           // service -> its demand rows
}

type genRegion struct {
	name      string
	continent int
	clusters  []int
}

func newGenerator(cfg GenConfig) *generator {
	return &generator{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, 0x61_75_78_6f_6e)), // "auxon"
		in: &Intent{}, plan: &Plan{}}
}

// uniform returns a uniform float in [lo, hi).
func (g *generator) uniform(lo, hi float64) float64 { return lo + (hi-lo)*g.rng.Float64() }

// genRound returns x rounded to d decimals, as a planner would type it.
func genRound(x float64, d int) float64 {
	p := math.Pow(10, float64(d))
	return math.Round(x*p) / p
}

// geography makes resources, continents, regions, clusters and Latency.
func (g *generator) geography() {
	for i := range g.cfg.Resources {
		name, unit := fmt.Sprintf("r%d", i+1), "units"
		if i < len(genResources) {
			name, unit = genResources[i], genUnits[i]
		}
		g.in.Resources = append(g.in.Resources, Resource{Name: name, Unit: unit, Row: i + 2})
	}
	continent := func(i int) string {
		if i < len(genContinents) {
			return genContinents[i]
		}
		return fmt.Sprintf("c%d", i+1)
	}
	seen := map[string]int{} // "<continent>-<kind>" -> regions so far
	for i := range g.cfg.Regions + g.cfg.UserRegions {
		c := i % g.cfg.Continents
		prefix := continent(c) + "-r"
		if i >= g.cfg.Regions {
			prefix = continent(c) + "-u" // a user region: demand only
		}
		seen[prefix]++
		g.regions = append(g.regions, genRegion{name: fmt.Sprintf("%s%d", prefix, seen[prefix]), continent: c})
	}
	g.regionOf = make([]int, g.cfg.Clusters)
	g.usage = make([][]float64, g.cfg.Clusters)
	for i := range g.usage {
		g.usage[i] = make([]float64, g.cfg.Resources)
	}
	for i := range g.cfg.Clusters {
		r := i // one each first, then uneven: later clusters favour early regions
		if i >= g.cfg.Regions {
			r = min(g.rng.IntN(g.cfg.Regions), g.rng.IntN(g.cfg.Regions))
		}
		g.regionOf[i] = r
		g.regions[r].clusters = append(g.regions[r].clusters, i)
	}
	for i := range g.cfg.Clusters {
		reg := &g.regions[g.regionOf[i]]
		idx := slices.Index(reg.clusters, i)
		g.in.Clusters = append(g.in.Clusters, Cluster{Name: fmt.Sprintf("%s-%c", reg.name, 'a'+rune(idx%26)) + genSuffix(idx),
			Region: reg.name, Continent: continent(reg.continent), Row: i + 2})
	}
	g.latency()
}

// genSuffix disambiguates the 27th and later clusters of a region.
func genSuffix(idx int) string {
	if idx < 26 {
		return ""
	}
	return fmt.Sprint(idx / 26)
}

// latency fills the RTT matrix and one Latency row per pair of regions.
func (g *generator) latency() {
	nr := len(g.regions)
	g.rtt = make([][]float64, nr)
	for i := range g.rtt {
		g.rtt[i] = make([]float64, nr)
		g.rtt[i][i] = DefaultIntraRegionRTT
	}
	for i := range nr {
		for j := i + 1; j < nr; j++ {
			ms := genRound(g.uniform(80, 200), 0)
			if g.regions[i].continent == g.regions[j].continent {
				ms = genRound(g.uniform(10, 40), 0)
			}
			g.rtt[i][j], g.rtt[j][i] = ms, ms
			g.in.Latency = append(g.in.Latency, Link{From: g.regions[i].name, To: g.regions[j].name,
				RTT: ms, Row: len(g.in.Latency) + 2})
		}
	}
}

// genWords name services.
var genWords = []string{"api", "auth", "search", "feed", "cart", "pay", "media", "chat",
	"mail", "maps", "ads", "index", "store", "cache", "queue", "log", "ml", "geo", "kv", "blob"}

// services makes each service's name, priority, capacity and shape.
func (g *generator) services() {
	n := g.cfg.Services
	g.n, g.load = make([]map[int]int, n), make([]map[int]float64, n)
	g.depsOn, g.demandOf = make([][]int, n), make([][]int, n)
	for i := range n {
		s := Service{Name: fmt.Sprintf("%s-%d", genWords[i%len(genWords)], i+1), Priority: g.rng.IntN(4),
			DemandUnit: "rps", ReplicaCapacity: genRound(g.uniform(50, 1000), 0),
			Shape: map[string]float64{}, MinReplicas: 1 + g.rng.IntN(3), Row: i + 2}
		cpu := []float64{0.5, 1, 2, 4, 8}[g.rng.IntN(5)]
		for r, res := range g.in.Resources {
			switch {
			case r == 0:
				s.Shape[res.Name] = cpu
			case r == 1:
				s.Shape[res.Name] = cpu * []float64{2, 4, 8}[g.rng.IntN(3)]
			case g.rng.IntN(2) == 0:
				s.Shape[res.Name] = genRound(g.uniform(0.01, 4), 2)
			}
		}
		g.in.Services = append(g.in.Services, s)
	}
}

// genDepWindow is how far ahead in the service list a dependency reaches.
const genDepWindow = 30

// dependencies makes acyclic dependencies: service i depends only on
// services after it.
func (g *generator) dependencies() {
	n := len(g.in.Services)
	for i := range n {
		if i == n-1 || g.cfg.DependencyProb < 0 || g.rng.Float64() >= g.cfg.DependencyProb {
			continue
		}
		span := min(n-1-i, genDepWindow)
		for _, off := range g.rng.Perm(span)[:min(span, 1+g.rng.IntN(3))] {
			t := i + 1 + off
			d := Dependency{Service: g.in.Services[i].Name, DependsOn: g.in.Services[t].Name,
				Ratio: genRound(g.uniform(0.1, 1), 2), Row: len(g.in.Dependencies) + 2}
			if g.rng.Float64() < 0.7 {
				d.MaxRTT, d.HasMaxRTT = genRound(g.uniform(220, 300), 0), true
			}
			g.depsOn[t] = append(g.depsOn[t], len(g.in.Dependencies))
			g.depFrom = append(g.depFrom, i)
			g.in.Dependencies = append(g.in.Dependencies, d)
		}
	}
}

// shapeService draws service i's redundancy, scope, Allowed list, SLO
// and demand, relaxing them until the service can be placed.
func (g *generator) shapeService(i int) {
	s := &g.in.Services[i]
	s.Redundancy = []int{0, 0, 0, 1, 1, 1, 2, 2}[g.rng.IntN(8)]
	s.Scope = []Scope{ScopeRegion, ScopeRegion, ScopeRegion, ScopeContinent, ScopeContinent, ScopeGlobal}[g.rng.IntN(6)]
	if g.rng.Float64() < 0.25 {
		s.Allowed = g.randomAllowed()
	}
	viable := g.viable(s)
	for len(viable) == 0 {
		switch {
		case s.Allowed != nil:
			s.Allowed = nil
		case s.Scope == ScopeRegion:
			s.Scope = ScopeContinent
		case s.Scope == ScopeContinent:
			s.Scope = ScopeGlobal
		default:
			s.Redundancy--
		}
		viable = g.viable(s)
	}
	backend := len(g.depsOn[i]) > 0 && g.rng.Float64() < 0.35
	if backend {
		return
	}
	var cands []int
	if g.rng.Float64() < 0.5 {
		s.LatencySLO, s.HasLatencySLO = genRound(g.uniform(45, 75), 0), true
		cands = g.sloRegions(s, viable)
	}
	if len(cands) == 0 {
		s.LatencySLO, s.HasLatencySLO = 0, false
		cands = g.rng.Perm(len(g.regions))
	}
	for _, r := range cands[:1+g.rng.IntN(min(4, len(cands)))] {
		g.demandOf[i] = append(g.demandOf[i], len(g.in.Demand))
		g.in.Demand = append(g.in.Demand, Demand{Service: s.Name, Region: g.regions[r].name,
			Amount: genRound(s.ReplicaCapacity*g.uniform(1, 25), 0), Row: len(g.in.Demand) + 2})
	}
}

// sloRegions returns, shuffled, the regions from which at least k+2 of
// the viable clusters (all of them, if fewer) are within s's SLO.
func (g *generator) sloRegions(s *Service, viable []int) []int {
	need := min(s.Redundancy+2, len(viable))
	var out []int
	for _, r := range g.rng.Perm(len(g.regions)) {
		if len(g.reach(viable, r, s.LatencySLO, true)) >= need {
			out = append(out, r)
		}
	}
	return out
}

// randomAllowed draws an Allowed list: continents, an excluded region, a
// continent less one cluster, or a handful of clusters.
func (g *generator) randomAllowed() []string {
	cl := g.in.Clusters
	pick := func() *Cluster { return &cl[g.rng.IntN(len(cl))] }
	switch x := g.rng.Float64(); {
	case x < 0.4:
		a, b := pick().Continent, pick().Continent
		if a == b {
			return []string{a}
		}
		return []string{a, b}
	case x < 0.7:
		return []string{"!" + pick().Region}
	case x < 0.9:
		c := pick()
		return []string{c.Continent, "!" + pick().Name}
	}
	var out []string
	for _, j := range g.rng.Perm(len(cl))[:min(len(cl), 3+g.rng.IntN(4))] {
		out = append(out, cl[j].Name)
	}
	return out
}

// viable returns the clusters s is allowed in that lie in a zone of its
// scope with at least k+1 allowed clusters, in cluster order.
func (g *generator) viable(s *Service) []int {
	zones := map[string][]int{}
	for c := range g.in.Clusters {
		if cl := &g.in.Clusters[c]; s.Allows(cl) {
			zones[cl.Zone(s.Scope)] = append(zones[cl.Zone(s.Scope)], c)
		}
	}
	var out []int
	for _, cs := range zones {
		if len(cs) >= s.Redundancy+1 {
			out = append(out, cs...)
		}
	}
	sort.Ints(out)
	return out
}

// reach returns the clusters of cs within bound ms of region r.
func (g *generator) reach(cs []int, r int, bound float64, has bool) []int {
	var out []int
	for _, c := range cs {
		if !has || g.rtt[r][g.regionOf[c]] <= bound {
			out = append(out, c)
		}
	}
	return out
}

// place builds the witness plan for service i: it routes the service's
// demand and the dependency load of the services before it to allowed
// clusters in reach, adds standby clusters until every zone that carries
// load has k+1, and gives each cluster enough replicas for its own load
// and for 1/(m−k) of its zone's, so that losing any k of the zone's m
// clusters leaves the zone's load covered.
func (g *generator) place(i int) {
	s := &g.in.Services[i]
	viable := g.viable(s)
	load := map[int]float64{}
	var used []int
	spread := func(reach []int, from int, amount float64, route func(c int, x float64)) {
		ts := g.targets(reach, used, from)
		for _, c := range ts {
			if _, ok := load[c]; !ok {
				used = append(used, c)
			}
			load[c] += amount / float64(len(ts))
			route(c, amount/float64(len(ts)))
		}
	}
	for _, row := range g.demandOf[i] {
		d := g.in.Demand[row]
		r := g.regionIndex(d.Region)
		spread(g.reach(viable, r, s.LatencySLO, s.HasLatencySLO), r, d.Amount, func(c int, x float64) {
			g.plan.Routes = append(g.plan.Routes, Route{Service: s.Name, Region: d.Region, Cluster: g.in.Clusters[c].Name, Amount: x})
		})
	}
	for _, row := range g.depsOn[i] {
		d, src := g.in.Dependencies[row], g.depFrom[row]
		for _, from := range genSortedKeys(g.load[src]) {
			r := g.regionOf[from]
			spread(g.reach(viable, r, d.MaxRTT, d.HasMaxRTT), r, d.Ratio*g.load[src][from], func(c int, x float64) {
				g.plan.DependencyRoutes = append(g.plan.DependencyRoutes, DependencyRoute{Service: d.Service, DependsOn: s.Name,
					From: g.in.Clusters[from].Name, To: g.in.Clusters[c].Name, Amount: x})
			})
		}
	}
	g.load[i] = load
	g.n[i] = g.replicas(s, viable, load, used)
}

// targets picks where to serve load from region from: up to two of the
// clusters in reach already used, else one or two of the nearest.
func (g *generator) targets(reach, used []int, from int) []int {
	var out []int
	for _, c := range used {
		if slices.Contains(reach, c) && len(out) < 2 {
			out = append(out, c)
		}
	}
	if len(out) > 0 {
		return out
	}
	out = slices.Clone(reach)
	g.rng.Shuffle(len(out), func(a, b int) { out[a], out[b] = out[b], out[a] })
	sort.SliceStable(out, func(a, b int) bool { return g.rtt[from][g.regionOf[out[a]]] < g.rtt[from][g.regionOf[out[b]]] })
	return out[:min(len(out), 1+g.rng.IntN(2))]
}

// replicas sizes service s in each zone that carries load (see place) and
// records the replicas in the plan and the clusters' usage.
func (g *generator) replicas(s *Service, viable []int, load map[int]float64, used []int) map[int]int {
	k := s.Redundancy
	zoneLoad, members := map[string]float64{}, map[string][]int{}
	for _, c := range used {
		z := g.in.Clusters[c].Zone(s.Scope)
		zoneLoad[z] += load[c]
		members[z] = append(members[z], c)
	}
	n := map[int]int{}
	for _, z := range genSortedKeys(zoneLoad) {
		var standby []int
		for _, c := range viable {
			if g.in.Clusters[c].Zone(s.Scope) == z && !slices.Contains(members[z], c) {
				standby = append(standby, c)
			}
		}
		g.rng.Shuffle(len(standby), func(a, b int) { standby[a], standby[b] = standby[b], standby[a] })
		ms := append(members[z], standby[:max(0, min(len(standby), k+1-len(members[z])))]...)
		for _, c := range ms {
			need := load[c]
			if k > 0 {
				need = max(need, zoneLoad[z]/float64(len(ms)-k))
			}
			n[c] = max(s.MinReplicas, genCeil(need, s.ReplicaCapacity))
		}
	}
	for c, x := range n {
		for r, res := range g.in.Resources {
			g.usage[c][r] += s.Shape[res.Name] * float64(x)
		}
	}
	return n
}

// genCeil is the least integer n with n·per ≥ need.
func genCeil(need, per float64) int {
	n := int(math.Ceil(need / per))
	for float64(n)*per < need {
		n++
	}
	return n
}

// regionIndex finds a region by name.
func (g *generator) regionIndex(name string) int {
	return slices.IndexFunc(g.regions, func(r genRegion) bool { return r.name == name })
}

// genSortedKeys returns the keys of m in order.
func genSortedKeys[K int | string, V any](m map[K]V) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// genPrices are the base prices of cpu, ram and ssd; later resources
// cost 1–10.
var genPrices = []float64{25, 3, 60}

// supply sizes each cluster at 1.5–3 times what the witness takes there
// plus 0.3–1 times the average cluster's take, and sets prices and fixed
// costs.
func (g *generator) supply() {
	nc := len(g.in.Clusters)
	avg := make([]float64, len(g.in.Resources))
	for c := range nc {
		for r := range avg {
			avg[r] += g.usage[c][r] / float64(nc)
		}
	}
	base := make([]float64, len(g.in.Resources))
	for r := range base {
		base[r] = genRound(g.uniform(1, 10), 2)
		if r < len(genPrices) {
			base[r] = genPrices[r]
		}
		if avg[r] == 0 {
			avg[r] = 100
		}
	}
	for c := range g.in.Clusters {
		cl := &g.in.Clusters[c]
		cl.Supply, cl.Price = map[string]float64{}, map[string]float64{}
		h, f := g.uniform(1.5, 3), g.uniform(0.7, 1.3)
		for r, res := range g.in.Resources {
			cl.Supply[res.Name] = math.Ceil(g.usage[c][r]*h + avg[r]*g.uniform(0.3, 1))
			cl.Price[res.Name] = genRound(base[r]*f, 2)
		}
		if g.rng.Float64() < 0.3 {
			cl.FixedCost = genRound(g.uniform(500, 3000), 0)
		}
	}
}

// extras adds what the witness makes safe to ask for: footprints,
// reservations, a Current deployment near the plan, and a move cost.
func (g *generator) extras() {
	for i := range g.in.Services {
		s, used := &g.in.Services[i], len(g.n[i])
		if used > 0 && g.rng.Float64() < 0.2 {
			s.MaxClusters = used + g.rng.IntN(3)
		}
		if used > 0 && g.rng.Float64() < 0.1 {
			s.MinClusters = 1 + g.rng.IntN(min(used, 2))
		}
	}
	reserved := map[[2]int]bool{}
	for range max(1, len(g.in.Services)/20) {
		i := g.rng.IntN(len(g.in.Services))
		cs := genSortedKeys(g.n[i])
		if len(cs) == 0 {
			continue
		}
		c := cs[g.rng.IntN(len(cs))]
		if reserved[[2]int{i, c}] {
			continue
		}
		reserved[[2]int{i, c}] = true
		r := Reservation{Service: g.in.Services[i].Name, Cluster: g.in.Clusters[c].Name,
			Min: 1 + g.rng.IntN(g.n[i][c]), Row: len(g.in.Reservations) + 2}
		if g.rng.IntN(2) == 0 {
			r.Max, r.HasMax = g.n[i][c]+g.rng.IntN(3), true
		}
		g.in.Reservations = append(g.in.Reservations, r)
	}
	g.current()
	g.in.Settings.MoveCost = genRound(g.uniform(1, 10), 1)
	g.in.Settings.Rows = map[string]int{"move cost": 2}
}

// current makes today's deployment: most witness pairs, give or take two
// replicas, and now and then a cluster the plan leaves.
func (g *generator) current() {
	for i := range g.in.Services {
		s := &g.in.Services[i]
		have := map[int]int{}
		for _, c := range genSortedKeys(g.n[i]) {
			if g.rng.Float64() < 0.7 {
				have[c] = max(0, g.n[i][c]+g.rng.IntN(5)-2)
			}
		}
		if c := g.rng.IntN(len(g.in.Clusters)); g.rng.Float64() < 0.1 && g.n[i][c] == 0 && s.Allows(&g.in.Clusters[c]) {
			have[c] = 1 + g.rng.IntN(3)
		}
		for _, c := range genSortedKeys(have) {
			if have[c] > 0 {
				g.in.Current = append(g.in.Current, Placement{Service: s.Name, Cluster: g.in.Clusters[c].Name,
					Replicas: have[c], Row: len(g.in.Current) + 2})
			}
		}
	}
}

// finish lists the witness's replicas, sorted by service then cluster.
func (g *generator) finish() {
	for i, s := range g.in.Services {
		for c, x := range g.n[i] {
			g.plan.Replicas = append(g.plan.Replicas, Assignment{Service: s.Name, Cluster: g.in.Clusters[c].Name, Replicas: x})
		}
	}
	sort.Slice(g.plan.Replicas, func(a, b int) bool {
		x, y := g.plan.Replicas[a], g.plan.Replicas[b]
		return x.Service < y.Service || (x.Service == y.Service && x.Cluster < y.Cluster)
	})
}
