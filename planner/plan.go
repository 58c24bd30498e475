package planner

// Plan is an allocation: how many replicas of each service run in each
// cluster, and where each region's demand and each dependency's load is
// served. It is the artefact auxon emits; it never touches production.
type Plan struct {
	// Replicas lists every (service, cluster) pair with at least one
	// replica, sorted by service then cluster.
	Replicas []Assignment
	// Routes says where demand is served: Amount of Service's demand
	// from Region is served by replicas in Cluster.
	Routes []Route
	// DependencyRoutes says where dependency load is served: load that
	// Service running in From creates on DependsOn is served in To.
	DependencyRoutes []DependencyRoute
	// Unmet is the demand left unserved, per service and region.
	Unmet []Shortfall
}

// Assignment is a replica count of a service in a cluster.
type Assignment struct {
	Service  string
	Cluster  string
	Replicas int
}

// Route is demand of a service from a region served in a cluster.
type Route struct {
	Service string
	Region  string
	Cluster string
	Amount  float64
}

// DependencyRoute is load created by Service running in From on its
// dependency DependsOn, served in To.
type DependencyRoute struct {
	Service   string
	DependsOn string
	From      string
	To        string
	Amount    float64
}

// Shortfall is demand of a service from a region that the plan leaves
// unserved.
type Shortfall struct {
	Service string
	Region  string
	Amount  float64
}
