package planner

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// Why demand went unmet.
//
// ExplainUnmet reads the plan against the intent, the way a planner would:
// for each shortfall it walks from the demand to the clusters that could
// serve it and stops at the first thing in the way — no cluster within the
// latency SLO, no cluster that can hold a replica, zones too small for
// N+k, Max Clusters reached, a reservation, resources run out, a
// dependency with no room — and names the cells of every requirement it
// cites. It is independent of the formulation, like the verifier: it
// explains the plan, whoever made it.

// Reason codes of UnmetReason; stable, so tools may match on them.
const (
	// ReasonNoCluster: no cluster Allowed permits is within the latency
	// SLO of the demand region.
	ReasonNoCluster = "no-cluster"
	// ReasonLatency: clusters with room lie beyond the latency SLO.
	ReasonLatency = "latency"
	// ReasonNoFit: the clusters within reach cannot hold the service's
	// Min Replicas (its shape times Min Replicas exceeds their supply).
	ReasonNoFit = "no-fit"
	// ReasonRedundancy: N+k cannot hold in the zones within reach (too
	// few clusters), or the spare capacity it keeps uses the room left.
	ReasonRedundancy = "redundancy"
	// ReasonMaxClusters: the service already uses Max Clusters clusters
	// and an unused one within reach has room.
	ReasonMaxClusters = "max-clusters"
	// ReasonExhausted: a resource ran out in every cluster within reach.
	ReasonExhausted = "exhausted"
	// ReasonReservation: a reservation is in the way: another service's
	// pinned minimum takes the supply, or the service's own Max caps it.
	ReasonReservation = "reservation"
	// ReasonDependency: a dependency has no room within its Max RTT of
	// the clusters that could grow.
	ReasonDependency = "dependency"
	// ReasonStopped: the solve stopped before proving its plan optimal,
	// or the plan is the greedy preview's.
	ReasonStopped = "solve-stopped"
	// ReasonOther: room is left within reach, but using it would break
	// another requirement.
	ReasonOther = "other"
)

// UnmetReason is one reason a shortfall happened, with the cells of the
// requirements it cites.
type UnmetReason struct {
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Cells   []string `json:"cells,omitempty"`
}

// ExplainUnmet fills Reason, Needs, Cells and Reasons of every row of
// r.Unmet from the plan p that r describes.
func ExplainUnmet(in *Intent, p *Plan, r *Report) {
	if p == nil {
		return
	}
	e := newExplainer(in, p, r)
	for i := range r.Unmet {
		e.explain(&r.Unmet[i])
	}
}

// explainer holds what every explanation looks up.
type explainer struct {
	in     *Intent
	net    *Network
	report *Report
	used   map[[2]string]float64 // (cluster, resource) -> amount the plan uses
	reps   map[[2]string]int     // (service, cluster) -> replicas
	res    map[[2]string]*Reservation
}

func newExplainer(in *Intent, p *Plan, r *Report) *explainer {
	e := &explainer{in: in, net: NewNetwork(in), report: r, used: map[[2]string]float64{},
		reps: map[[2]string]int{}, res: map[[2]string]*Reservation{}}
	for _, a := range p.Replicas {
		e.reps[[2]string{a.Service, a.Cluster}] += a.Replicas
		if s := in.FindService(a.Service); s != nil {
			for r, x := range s.Shape {
				e.used[[2]string{a.Cluster, r}] += x * float64(a.Replicas)
			}
		}
	}
	for i := range in.Reservations {
		rs := &in.Reservations[i]
		e.res[[2]string{rs.Service, rs.Cluster}] = rs
	}
	return e
}

// why collects the reasons of one row.
type why struct {
	reasons []UnmetReason
	needs   []string
}

func (w *why) add(code, msg string, cells ...string) {
	w.reasons = append(w.reasons, UnmetReason{Code: code, Message: msg, Cells: dedupe(cells)})
}

// explain fills one row.
func (e *explainer) explain(row *UnmetRow) {
	s := e.in.FindService(row.Service)
	if s == nil {
		return
	}
	w := &why{}
	e.walk(s, row, w)
	cells := e.demandCells(s, row.Region)
	var msgs []string
	for _, r := range w.reasons {
		msgs = append(msgs, r.Message)
		cells = append(cells, r.Cells...)
	}
	row.Reasons = w.reasons
	row.Reason = strings.Join(msgs, "; ")
	row.Needs = strings.Join(w.needs, "; ")
	row.Cells = dedupe(cells)
}

// walk follows the demand towards clusters and records what stops it.
func (e *explainer) walk(s *Service, row *UnmetRow, w *why) {
	reach, ok := e.reach(s, row.Region, w)
	if !ok {
		return
	}
	fits := e.fitting(s, reach, w)
	if len(fits) == 0 {
		return
	}
	if fits = e.redundancyZones(s, row.Region, fits, w); len(fits) == 0 {
		return
	}
	grow := e.maxClusters(s, fits, w)
	more := replicasFor(row.Shortfall, s)
	roomy := e.exhausted(s, grow, more, w)
	if len(roomy) == 0 {
		e.beyondSLO(s, row.Region, w)
		if s.Redundancy > 0 {
			w.add(ReasonRedundancy, fmt.Sprintf("%s per %s keeps spare capacity to survive losing %d cluster(s), so not all of it carries load",
				redundancyName(s.Redundancy), s.Scope, s.Redundancy), e.svcCell(s, "redundancy"))
		}
		return
	}
	e.unused(s, roomy, row.Shortfall, w)
}

// beyondSLO notes allowed clusters with room that the latency SLO keeps
// out of reach.
func (e *explainer) beyondSLO(s *Service, region string, w *why) {
	if !s.HasLatencySLO {
		return
	}
	var far []string
	for i := range e.in.Clusters {
		c := &e.in.Clusters[i]
		if !e.candidate(s, c) || e.net.Within(region, c.Region, s.LatencySLO, true) || !e.roomFor(s, c) {
			continue
		}
		if ms, ok := e.net.RTT(region, c.Region); ok {
			far = append(far, fmt.Sprintf("%s at %v ms", c.Name, ms))
		} else {
			far = append(far, c.Name+" (no RTT)")
		}
	}
	if len(far) == 0 {
		return
	}
	verb := "has room but lies"
	if len(far) > 1 {
		verb = "have room but lie"
	}
	w.add(ReasonLatency, fmt.Sprintf("%s %s beyond the %v ms latency SLO of %s", capList(far, ", "), verb, s.LatencySLO, region),
		e.svcCell(s, "latency slo"))
	w.needs = append(w.needs, "or a looser latency SLO")
}

// reach lists the clusters s may use within its SLO of region; with none
// it records ReasonNoCluster.
func (e *explainer) reach(s *Service, region string, w *why) ([]*Cluster, bool) {
	var allowed, reach []*Cluster
	var kept []string // clusters within the SLO a reservation keeps out
	for i := range e.in.Clusters {
		c := &e.in.Clusters[i]
		rs := e.res[[2]string{s.Name, c.Name}]
		pinned := rs != nil && rs.Min > 0
		if !s.Allows(c) && !pinned {
			continue
		}
		if rs != nil && rs.HasMax && rs.Max == 0 && !pinned {
			if e.net.Within(region, c.Region, s.LatencySLO, s.HasLatencySLO) {
				kept = append(kept, cellRef(e.in, TabReservations, rs.Row, "max replicas"))
			}
			continue
		}
		allowed = append(allowed, c)
		if e.net.Within(region, c.Region, s.LatencySLO, s.HasLatencySLO) {
			reach = append(reach, c)
		}
	}
	if len(reach) > 0 {
		return reach, true
	}
	msg := fmt.Sprintf("no cluster %s may use is within its %v ms latency SLO of %s", s.Name, s.LatencySLO, region)
	if !s.HasLatencySLO {
		msg = fmt.Sprintf("no cluster %s may use can serve %s", s.Name, region)
	}
	if near := e.nearest(allowed, region); near != "" && s.HasLatencySLO {
		msg += " (" + near + ")"
	}
	if len(kept) > 0 {
		msg += "; " + strings.Join(kept, ", ") + " keeps it out of the cluster(s) within reach"
	}
	w.add(ReasonNoCluster, msg, append([]string{e.svcCell(s, "latency slo"), e.svcCell(s, "allowed")}, kept...)...)
	w.needs = append(w.needs, fmt.Sprintf("a cluster within %v ms of %s that Allowed permits, or a looser latency SLO", s.LatencySLO, region))
	return nil, false
}

// nearest describes the closest of clusters to region.
func (e *explainer) nearest(clusters []*Cluster, region string) string {
	best, bestMS, ok := e.net.Nearest(region, clusters)
	if !ok {
		return ""
	}
	return fmt.Sprintf("the nearest is %s at %v ms", best, bestMS)
}

// minPresence is the fewest replicas s holds in c when it is there.
func (e *explainer) minPresence(s *Service, c *Cluster) int {
	n := max(s.MinReplicas, 1)
	if rs := e.res[[2]string{s.Name, c.Name}]; rs != nil && rs.HasMax {
		n = min(n, rs.Max)
	}
	return n
}

// fitting keeps the clusters whose whole supply holds s's minimum
// presence (or that a reservation pins); with none it records ReasonNoFit.
func (e *explainer) fitting(s *Service, reach []*Cluster, w *why) []*Cluster {
	var out []*Cluster
	var short []string
	var cells []string
	for _, c := range reach {
		n := float64(e.minPresence(s, c))
		if rs := e.res[[2]string{s.Name, c.Name}]; rs != nil && rs.Min > 0 {
			out = append(out, c)
			continue
		}
		ok := true
		for _, r := range sortedKeys(s.Shape) {
			if need := s.Shape[r] * n; need > c.Supply[r]*(1+fitTol) {
				ok = false
				short = append(short, fmt.Sprintf("%s has %v %s, %v replica(s) need %v", c.Name, c.Supply[r], r, n, need))
				cells = append(cells, e.supplyCell(c, r), e.svcCell(s, r+" per replica"))
			}
		}
		if ok {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		cells = append(cells, e.svcCell(s, "min replicas"))
		w.add(ReasonNoFit, fmt.Sprintf("no cluster within reach can hold %s's minimum of %d replica(s): %s",
			s.Name, max(s.MinReplicas, 1), strings.Join(short, "; ")), cells...)
		w.needs = append(w.needs, "more supply in "+clusterNames(reach, " or ")+", smaller replicas or a lower Min Replicas")
	}
	return out
}

// redundancyZones keeps the clusters in zones with k+1 candidate clusters
// for N+k; with none it records ReasonRedundancy.
func (e *explainer) redundancyZones(s *Service, region string, fits []*Cluster, w *why) []*Cluster {
	k := s.Redundancy
	if k <= 0 {
		return fits
	}
	count := map[string][]string{}
	for i := range e.in.Clusters {
		c := &e.in.Clusters[i]
		if e.candidate(s, c) {
			count[c.Zone(s.Scope)] = append(count[c.Zone(s.Scope)], c.Name)
		}
	}
	var out []*Cluster
	small := map[string][]string{}
	for _, c := range fits {
		z := c.Zone(s.Scope)
		if len(count[z]) >= k+1 {
			out = append(out, c)
		} else {
			small[z] = count[z]
		}
	}
	if len(out) == 0 {
		w.add(ReasonRedundancy, fmt.Sprintf("%s per %s needs %d clusters in a %s, but demand from %s reaches only %s",
			redundancyName(k), s.Scope, k+1, s.Scope, region, describeZones(small)),
			e.svcCell(s, "redundancy"), e.svcCell(s, "redundancy scope"), e.svcCell(s, "allowed"))
		w.needs = append(w.needs, fmt.Sprintf("%d clusters %s may use in one %s within reach, a wider Redundancy Scope or lower Redundancy",
			k+1, s.Name, s.Scope))
	}
	return out
}

// candidate reports whether s could hold replicas in c at all.
func (e *explainer) candidate(s *Service, c *Cluster) bool {
	rs := e.res[[2]string{s.Name, c.Name}]
	if rs != nil && rs.Min > 0 {
		return true
	}
	if !s.Allows(c) || (rs != nil && rs.HasMax && rs.Max == 0) {
		return false
	}
	n := float64(e.minPresence(s, c))
	for r, x := range s.Shape {
		if x*n > c.Supply[r]*(1+fitTol) {
			return false
		}
	}
	return true
}

// maxClusters narrows the clusters s can grow in to those it uses when
// Max Clusters is reached, recording ReasonMaxClusters when an unused
// cluster had room.
func (e *explainer) maxClusters(s *Service, fits []*Cluster, w *why) []*Cluster {
	if s.MaxClusters <= 0 {
		return fits
	}
	usedBy := 0
	for i := range e.in.Clusters {
		if e.reps[[2]string{s.Name, e.in.Clusters[i].Name}] > 0 {
			usedBy++
		}
	}
	if usedBy < s.MaxClusters {
		return fits
	}
	var in, roomy []*Cluster
	for _, c := range fits {
		if e.reps[[2]string{s.Name, c.Name}] > 0 {
			in = append(in, c)
		} else if e.room(s, c) >= e.minPresence(s, c) {
			roomy = append(roomy, c)
		}
	}
	if len(roomy) > 0 {
		w.add(ReasonMaxClusters, fmt.Sprintf("Max Clusters %d reached (%s uses %d); %s within reach %s room",
			s.MaxClusters, s.Name, usedBy, clusterNames(roomy, ", "), hasHave(len(roomy))), e.svcCell(s, "max clusters"))
		w.needs = append(w.needs, fmt.Sprintf("Max Clusters %d", s.MaxClusters+1))
	}
	return in
}

// room is how many more replicas of s fit in c: the free supply, and the
// service's own reservation Max there.
func (e *explainer) room(s *Service, c *Cluster) int {
	room := math.Inf(1)
	for r, x := range s.Shape {
		if x > 0 {
			room = math.Min(room, math.Floor((c.Supply[r]-e.used[[2]string{c.Name, r}])/x+fitTol))
		}
	}
	if rs := e.res[[2]string{s.Name, c.Name}]; rs != nil && rs.HasMax {
		room = math.Min(room, float64(rs.Max-e.reps[[2]string{s.Name, c.Name}]))
	}
	if math.IsInf(room, 1) {
		return math.MaxInt32
	}
	return int(math.Max(room, 0))
}

// roomFor reports whether c can take more of s: one replica where s runs,
// its minimum presence where it does not.
func (e *explainer) roomFor(s *Service, c *Cluster) bool {
	if e.reps[[2]string{s.Name, c.Name}] > 0 {
		return e.room(s, c) >= 1
	}
	return e.room(s, c) >= e.minPresence(s, c)
}

// exhausted records the clusters in grow without room for s: resources
// run out, reservations in the way. It returns the clusters with room.
func (e *explainer) exhausted(s *Service, grow []*Cluster, more int, w *why) []*Cluster {
	var roomy, full []*Cluster
	var parts, cells, capped, capCells, pins, pinCells []string
	for _, c := range grow {
		if e.roomFor(s, c) {
			roomy = append(roomy, c)
			continue
		}
		full = append(full, c)
		rs := e.res[[2]string{s.Name, c.Name}]
		isCapped := rs != nil && rs.HasMax && e.reps[[2]string{s.Name, c.Name}] >= rs.Max
		if isCapped {
			capped = append(capped, fmt.Sprintf("%s caps %s at %d replica(s) in %s", e.in.CellOf(TabReservations, rs.Row, "max replicas"), s.Name, rs.Max, c.Name))
			capCells = append(capCells, cellRef(e.in, TabReservations, rs.Row, "max replicas"))
		}
		short := e.room(s, c) >= 1 && !isCapped // room, but less than Min Replicas
		if short {
			parts = append(parts, fmt.Sprintf("room in %s (%d replica(s), below Min Replicas %d)", c.Name, e.room(s, c), e.minPresence(s, c)))
			cells = append(cells, e.svcCell(s, "min replicas"))
		}
		for _, r := range sortedKeys(s.Shape) {
			x := s.Shape[r]
			if x <= 0 || (!short && c.Supply[r]-e.used[[2]string{c.Name, r}] >= x*(1-fitTol)) {
				continue
			}
			if short {
				p, pc := e.pinsIn(c, r, s)
				pins, pinCells = append(pins, p...), append(pinCells, pc...)
				continue
			}
			parts = append(parts, fmt.Sprintf("%s in %s (%s of %s used%s)", r, c.Name, num(e.used[[2]string{c.Name, r}]), num(c.Supply[r]), e.users(c, r, s)))
			cells = append(cells, e.supplyCell(c, r))
			p, pc := e.pinsIn(c, r, s)
			pins, pinCells = append(pins, p...), append(pinCells, pc...)
		}
	}
	if len(parts) > 0 {
		w.add(ReasonExhausted, "ran out of "+capList(parts, ", "), cells...)
	}
	if len(capped) > 0 || len(pins) > 0 {
		w.add(ReasonReservation, strings.Join(append(capped, pins...), "; "), append(capCells, pinCells...)...)
	}
	if len(full) > 0 && len(roomy) == 0 {
		need := fmt.Sprintf("%d more replica(s) of %s (%s) in %s", more, s.Name, shapeTimes(s, more), clusterNames(full, " or "))
		if s.Redundancy > 0 {
			need += fmt.Sprintf(", plus the spare %s keeps", redundancyName(s.Redundancy))
		}
		if len(capped) > 0 {
			need += ": a higher Max Replicas in " + strings.Join(capCells, ", ")
			if len(parts) > 0 {
				need += " and more supply"
			}
		}
		w.needs = append(w.needs, need)
	}
	return roomy
}

// users names the services taking resource r in c, largest first (at
// most three): ": checkout P0 2, batch P1 1"; s itself is included.
func (e *explainer) users(c *Cluster, r string, s *Service) string {
	type use struct {
		name string
		prio int
		amt  float64
	}
	var us []use
	for i := range e.in.Services {
		t := &e.in.Services[i]
		if n := e.reps[[2]string{t.Name, c.Name}]; n > 0 && t.Shape[r] > 0 {
			us = append(us, use{t.Name, t.Priority, t.Shape[r] * float64(n)})
		}
	}
	sort.SliceStable(us, func(i, j int) bool { return us[i].amt > us[j].amt })
	var parts []string
	for i, u := range us {
		if i == 3 {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, fmt.Sprintf("%s P%d %s", u.name, u.prio, num(u.amt)))
	}
	if len(parts) == 0 {
		return ""
	}
	return ": " + strings.Join(parts, ", ")
}

// pinsIn lists other services' reservations with a minimum in c that take
// resource r.
func (e *explainer) pinsIn(c *Cluster, r string, s *Service) ([]string, []string) {
	var msgs, cells []string
	for _, rs := range e.in.Reservations {
		t := e.in.FindService(rs.Service)
		if rs.Cluster != c.Name || rs.Min <= 0 || t == nil || t.Name == s.Name || t.Shape[r] <= 0 {
			continue
		}
		cell := e.in.CellOf(TabReservations, rs.Row, "min replicas")
		msgs = append(msgs, fmt.Sprintf("%s pins %d replica(s) of %s in %s (%s %s)", cell, rs.Min, t.Name, c.Name, num(t.Shape[r]*float64(rs.Min)), r))
		cells = append(cells, cell.String())
	}
	return msgs, cells
}

// unused explains why room left within reach went unused.
func (e *explainer) unused(s *Service, roomy []*Cluster, shortfall float64, w *why) {
	found := e.dependencyShort(s, roomy, shortfall, w)
	if s.Redundancy > 0 {
		w.add(ReasonRedundancy, fmt.Sprintf("%s per %s keeps spare capacity to survive losing %d cluster(s); the room left in %s does not cover more load and its spare",
			redundancyName(s.Redundancy), s.Scope, s.Redundancy, clusterNames(roomy, ", ")), e.svcCell(s, "redundancy"))
		w.needs = append(w.needs, "more supply in "+clusterNames(roomy, ", ")+" or more clusters in the zone")
		found = true
	}
	if found {
		return
	}
	if e.report != nil && e.report.Solver == "greedy" {
		w.add(ReasonStopped, fmt.Sprintf("the greedy preview does not optimise; %s still %s room", clusterNames(roomy, ", "), hasHave(len(roomy))))
		w.needs = append(w.needs, "planning with the MILP solver")
		return
	}
	if e.report != nil && e.report.Status != StatusOptimal {
		gap := "unknown"
		if e.report.Gap != nil {
			gap = fmt.Sprintf("%.2f%%", 100**e.report.Gap)
		}
		w.add(ReasonStopped, fmt.Sprintf("the solve stopped before proving its plan optimal (gap %s); %s still %s room", gap, clusterNames(roomy, ", "), hasHave(len(roomy))))
		w.needs = append(w.needs, "a longer time limit")
		return
	}
	w.add(ReasonOther, fmt.Sprintf("%s %s room, but using it breaks another requirement of %s (Min Replicas, Min Clusters or a dependency's)",
		clusterNames(roomy, ", "), hasHave(len(roomy)), s.Name), e.svcCell(s, "min replicas"))
}

// dependencyShort records dependencies of s with no room within Max RTT
// of any cluster in roomy.
func (e *explainer) dependencyShort(s *Service, roomy []*Cluster, shortfall float64, w *why) bool {
	found := false
	for _, d := range e.in.Dependencies {
		t := e.in.FindService(d.DependsOn)
		if d.Service != s.Name || t == nil {
			continue
		}
		var near []*Cluster
		ok := false
		for _, c := range roomy {
			for i := range e.in.Clusters {
				c2 := &e.in.Clusters[i]
				if !e.candidate(t, c2) || !e.net.Within(c.Region, c2.Region, d.MaxRTT, d.HasMaxRTT) {
					continue
				}
				near = append(near, c2)
				ok = ok || e.roomFor(t, c2)
			}
		}
		if ok {
			continue
		}
		found = true
		cells := []string{cellRef(e.in, TabDependencies, d.Row, "ratio"), cellRef(e.in, TabDependencies, d.Row, "max rtt")}
		where := "no cluster " + t.Name + " may use is within reach"
		if len(near) > 0 {
			near = uniqueClusters(near)
			where = clusterNames(near, ", ") + " " + hasHave(len(near)) + " no room for " + t.Name
			for _, c2 := range near {
				for _, r := range sortedKeys(t.Shape) {
					if t.Shape[r] > 0 && c2.Supply[r]-e.used[[2]string{c2.Name, r}] < t.Shape[r] {
						cells = append(cells, e.supplyCell(c2, r))
					}
				}
			}
		}
		rtt := "anywhere"
		if d.HasMaxRTT {
			rtt = fmt.Sprintf("within %v ms", d.MaxRTT)
		}
		w.add(ReasonDependency, fmt.Sprintf("each unit of %s creates %v units of %s, served %s; %s", s.Name, d.Ratio, t.Name, rtt, where), cells...)
		n := replicasFor(shortfall*d.Ratio, t)
		w.needs = append(w.needs, fmt.Sprintf("%d more replica(s) of %s (%s) %s of %s", n, t.Name, shapeTimes(t, n), rtt, clusterNames(roomy, " or ")))
	}
	return found
}

// demandCells names the Demand cells of service s from region.
func (e *explainer) demandCells(s *Service, region string) []string {
	var out []string
	for _, d := range e.in.Demand {
		if d.Service == s.Name && d.Region == region {
			out = append(out, cellRef(e.in, TabDemand, d.Row, "demand"))
		}
	}
	return out
}

func (e *explainer) svcCell(s *Service, field string) string {
	return cellRef(e.in, TabServices, s.Row, field)
}

func (e *explainer) supplyCell(c *Cluster, r string) string {
	return cellRef(e.in, TabClusters, c.Row, r)
}

// replicasFor is the replicas of s that serve amount (round-off of the
// solver's amounts aside).
func replicasFor(amount float64, s *Service) int {
	if s.ReplicaCapacity <= 0 {
		return 0
	}
	return int(math.Ceil(amount/s.ReplicaCapacity - 1e-6))
}

// shapeTimes formats n replicas' resources: "2 cpu, 4 ram".
func shapeTimes(s *Service, n int) string {
	var parts []string
	for _, r := range sortedKeys(s.Shape) {
		if s.Shape[r] > 0 {
			parts = append(parts, num(s.Shape[r]*float64(n))+" "+r)
		}
	}
	return strings.Join(parts, ", ")
}

// clusterNames lists clusters as "a, b or c" (last joins the final
// pair), at most listMax of them.
func clusterNames(cs []*Cluster, last string) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name
	}
	if len(names) > listMax {
		return strings.Join(names[:listMax], ", ") + fmt.Sprintf(" and %d more", len(names)-listMax)
	}
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + last + names[len(names)-1]
}

// listMax bounds the items a message lists; the cells still name all.
const listMax = 5

// capList joins at most listMax items with sep.
func capList(items []string, sep string) string {
	if len(items) > listMax {
		return strings.Join(items[:listMax], sep) + fmt.Sprintf("%sand %d more", sep, len(items)-listMax)
	}
	return strings.Join(items, sep)
}

func uniqueClusters(cs []*Cluster) []*Cluster {
	seen := map[*Cluster]bool{}
	var out []*Cluster
	for _, c := range cs {
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

func hasHave(n int) string {
	if n == 1 {
		return "has"
	}
	return "have"
}

// num formats an amount for messages: integers plainly, else up to
// four significant digits.
func num(x float64) string {
	if x == math.Trunc(x) && math.Abs(x) < 1e15 {
		return fmt.Sprintf("%.0f", x)
	}
	return fmt.Sprintf("%.4g", x)
}

// dedupe drops repeated and empty strings, keeping the first of each.
func dedupe(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if x != "" && !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// DiagnoseOptions tune Diagnose.
type DiagnoseOptions struct {
	// TimeLimit bounds the solver work of the diagnosis: the capacity
	// value LPs and the conflict search (default DefaultDiagnoseTimeLimit).
	TimeLimit time.Duration
}

// DefaultDiagnoseTimeLimit bounds Diagnose's solver work.
const DefaultDiagnoseTimeLimit = 30 * time.Second

// Diagnose adds to r, the report of res over in, what planners need when
// resources are short: why each shortfall happened (ExplainUnmet), what
// one more unit of capacity is worth (CapacityValue) when there is a
// plan, and which requirements cannot hold together (FindConflicts) when
// Solve proved there is none. A step that fails or runs out of time adds
// a line to r.Notes rather than failing the run: the plan stands without
// its diagnosis.
func Diagnose(ctx context.Context, in *Intent, res *Result, r *Report, opts DiagnoseOptions) {
	limit := opts.TimeLimit
	if limit <= 0 {
		limit = DefaultDiagnoseTimeLimit
	}
	deadline := time.Now().Add(limit)
	if res.Plan != nil {
		ExplainUnmet(in, res.Plan, r)
		cctx, cancel := context.WithDeadline(ctx, deadline)
		rows, err := CapacityValue(cctx, in, res.Plan, CapacityOptions{TimeLimit: limit})
		cancel()
		if err != nil {
			r.Notes = append(r.Notes, "capacity value not computed: "+err.Error())
		} else {
			r.CapacityValue = rows
		}
	}
	if res.Status != StatusInfeasible {
		return
	}
	cs, err := FindConflicts(ctx, in, ConflictOptions{TimeLimit: time.Until(deadline)})
	switch {
	case err != nil:
		r.Notes = append(r.Notes, "conflicts not searched: "+err.Error())
	case cs == nil:
		r.Notes = append(r.Notes, "the conflict search found the requirements feasible after all; the solver's infeasibility proof may be numerical")
	default:
		r.Conflicts = cs
		if cs.Stopped != "" {
			r.Notes = append(r.Notes, "conflict search stopped early: "+cs.Stopped)
		}
	}
}

// cellRef names the cell of field in row of tab ("Services!K3"). When the
// workbook lacks that column (the default applies) it returns "": there
// is no cell to point at. Intents built in code, without Columns, get the
// row ("Services!3").
func cellRef(in *Intent, tab string, row int, field string) string {
	c := in.CellOf(tab, row, field)
	if _, known := in.Columns[tab]; known && c.Col < 0 {
		return ""
	}
	return c.String()
}
