package planner

// Cost is what a plan costs, recomputed from the intent rather than taken
// from a solver's objective. Unmet demand is not priced: it is reported
// beside the cost, as an amount.
type Cost struct {
	// Resource is Σ_c Σ_r price[c,r] · Σ_s shape[s,r]·n[s,c].
	Resource float64 `json:"resource"`
	// Fixed is the sum of FixedCost over clusters hosting any replica.
	Fixed float64 `json:"fixed"`
	// Churn is Settings.MoveCost · Σ_{s,c} |n[s,c] − current[s,c]| over
	// every pair in the plan or the Current tab.
	Churn float64 `json:"churn"`
	// Total is Resource + Fixed + Churn.
	Total float64 `json:"total"`
	// UnmetDemand is the total demand the plan leaves unserved, summed
	// over services and regions in each service's own demand unit.
	UnmetDemand float64 `json:"unmet_demand"`
}

// PlanCost computes the cost of plan p under intent in. Replicas in a
// cluster the intent does not know, and resources a cluster gives no
// price for, cost nothing; repeated Current rows for a pair add up.
func PlanCost(in *Intent, p *Plan) Cost {
	clusters := map[string]*Cluster{}
	for i := range in.Clusters {
		if _, dup := clusters[in.Clusters[i].Name]; !dup {
			clusters[in.Clusters[i].Name] = &in.Clusters[i]
		}
	}
	services := map[string]*Service{}
	for i := range in.Services {
		if _, dup := services[in.Services[i].Name]; !dup {
			services[in.Services[i].Name] = &in.Services[i]
		}
	}
	var cost Cost
	hosting := map[string]bool{}
	delta := map[[2]string]int{} // (service, cluster) -> n − current
	for _, a := range p.Replicas {
		delta[[2]string{a.Service, a.Cluster}] += a.Replicas
		c, s := clusters[a.Cluster], services[a.Service]
		if a.Replicas <= 0 || c == nil {
			continue
		}
		if !hosting[c.Name] {
			hosting[c.Name] = true
			cost.Fixed += c.FixedCost
		}
		if s == nil {
			continue
		}
		for _, r := range sortedKeys(s.Shape) { // in order: the same bits every run
			cost.Resource += c.Price[r] * s.Shape[r] * float64(a.Replicas)
		}
	}
	for _, cur := range in.Current {
		delta[[2]string{cur.Service, cur.Cluster}] -= cur.Replicas
	}
	moved := 0
	for _, d := range delta {
		moved += max(d, -d)
	}
	cost.Churn = in.Settings.MoveCost * float64(moved)
	for _, u := range p.Unmet {
		cost.UnmetDemand += u.Amount
	}
	cost.Total = cost.Resource + cost.Fixed + cost.Churn
	return cost
}
