package templates

import (
	"strings"

	"github.com/auxon-planner/auxon/planner"
	"github.com/auxon-planner/auxon/workbook"
)

func (p *parser) parseResources() {
	p.table(spec(planner.TabResources, nil)).each(func(r *row) {
		p.in.Resources = append(p.in.Resources, planner.Resource{
			Name: r.text("resource"), Unit: r.text("unit"), Description: r.text("description"), Row: r.n})
	})
}

func (p *parser) parseClusters(res []Resource) {
	p.table(spec(planner.TabClusters, res)).each(func(r *row) {
		c := planner.Cluster{Name: r.text("cluster"), Region: r.text("region"), Continent: r.text("continent"),
			Supply: map[string]float64{}, Price: map[string]float64{}, Row: r.n}
		for _, rs := range res {
			c.Supply[rs.Name], _ = r.number(rs.Name, 0, false)
			c.Price[rs.Name], _ = r.number(rs.Name+" cost", 0, false)
		}
		c.FixedCost, _ = r.number("fixed cost", 0, false)
		p.in.Clusters = append(p.in.Clusters, c)
	})
}

func (p *parser) parseLatency() {
	p.table(spec(planner.TabLatency, nil)).each(func(r *row) {
		l := planner.Link{From: r.text("from"), To: r.text("to"), Row: r.n}
		l.RTT, _ = r.number("rtt", 0, true)
		p.in.Latency = append(p.in.Latency, l)
	})
}

func (p *parser) parseServices(res []Resource) {
	p.table(spec(planner.TabServices, res)).each(func(r *row) {
		s := planner.Service{Name: r.text("service"), DemandUnit: r.text("demand unit"),
			Shape: map[string]float64{}, Row: r.n}
		s.Priority = with(r, "priority", 0, ParsePriority)
		s.ReplicaCapacity, _ = r.number("replica capacity", 0, true)
		for _, rs := range res {
			s.Shape[rs.Name], _ = r.number(rs.Name+" per replica", 0, false)
		}
		s.MinReplicas, _ = r.integer("min replicas", 1, false)
		s.Redundancy = with(r, "redundancy", 0, ParseRedundancy)
		s.Scope = with(r, "redundancy scope", planner.ScopeRegion, parseScope)
		s.LatencySLO, s.HasLatencySLO = r.number("latency slo", 0, false)
		s.Allowed = with(r, "allowed", nil, ParseList)
		s.MinClusters, _ = r.integer("min clusters", 0, false)
		s.MaxClusters, _ = r.integer("max clusters", 0, false)
		p.in.Services = append(p.in.Services, s)
	})
}

// parseScope reads region, continent or global in any case.
func parseScope(c workbook.Cell) (planner.Scope, error) {
	s, err := cellText(c)
	if err != nil {
		return "", err
	}
	if s == "" {
		return "", errBlank
	}
	switch sc := planner.Scope(strings.ToLower(s)); sc {
	case planner.ScopeRegion, planner.ScopeContinent, planner.ScopeGlobal:
		return sc, nil
	}
	return "", badValue(CodeBadValue, "%q is not region, continent or global", s)
}

func (p *parser) parseDemand() {
	p.table(spec(planner.TabDemand, nil)).each(func(r *row) {
		d := planner.Demand{Service: r.text("service"), Region: r.text("region"), Row: r.n}
		d.Amount, _ = r.number("demand", 0, true)
		p.in.Demand = append(p.in.Demand, d)
	})
}

func (p *parser) parseDependencies() {
	p.table(spec(planner.TabDependencies, nil)).each(func(r *row) {
		d := planner.Dependency{Service: r.text("service"), DependsOn: r.text("depends on"), Row: r.n}
		d.Ratio, _ = r.number("ratio", 0, true)
		d.MaxRTT, d.HasMaxRTT = r.number("max rtt", 0, false)
		p.in.Dependencies = append(p.in.Dependencies, d)
	})
}

func (p *parser) parseReservations() {
	p.table(spec(planner.TabReservations, nil)).each(func(r *row) {
		v := planner.Reservation{Service: r.text("service"), Cluster: r.text("cluster"), Row: r.n}
		v.Min, _ = r.integer("min replicas", 0, false)
		v.Max, v.HasMax = r.integer("max replicas", 0, false)
		p.in.Reservations = append(p.in.Reservations, v)
	})
}

func (p *parser) parseCurrent() {
	p.table(spec(planner.TabCurrent, nil)).each(func(r *row) {
		c := planner.Placement{Service: r.text("service"), Cluster: r.text("cluster"), Row: r.n}
		c.Replicas, _ = r.integer("replicas", 0, true)
		p.in.Current = append(p.in.Current, c)
	})
}
