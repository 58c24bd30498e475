package templates

import "github.com/auxon-planner/auxon/planner"

// Column is one column of an intent tab.
type Column struct {
	// Key is the canonical field key, used in planner.Intent.Columns and
	// planner.Intent.CellOf.
	Key string
	// Header is the header the templates write; Unit, if any, follows it
	// in parentheses.
	Header string
	Unit   string
	// Aliases are other headers accepted for the column.
	Aliases []string
	// Required columns must be present in the tab.
	Required bool
	// Note explains the column; the templates attach it to the header.
	Note string
	// Values, when set, are the only values the column accepts (a
	// dropdown in the templates).
	Values []string
	// ListTab and ListKey, when set, make the column a dropdown of the
	// names in another tab's column.
	ListTab, ListKey string
}

// Title is the header as the templates write it: "Latency SLO (ms)".
func (c Column) Title() string {
	if c.Unit == "" {
		return c.Header
	}
	return c.Header + " (" + c.Unit + ")"
}

// Tab describes one tab of the intent workbook.
type Tab struct {
	Name     string
	Required bool
	Columns  []Column
}

// Resource describes a resource for Schema: its name and unit.
type Resource struct{ Name, Unit string }

// Schema lists the tabs of the intent workbook, in order, with the
// per-resource columns of Clusters and Services expanded for resources.
func Schema(resources []Resource) []Tab {
	return []Tab{
		{Name: planner.TabResources, Required: true, Columns: resourceColumns},
		{Name: planner.TabClusters, Required: true, Columns: clusterColumns(resources)},
		{Name: planner.TabLatency, Required: true, Columns: latencyColumns},
		{Name: planner.TabServices, Required: true, Columns: serviceColumns(resources)},
		{Name: planner.TabDemand, Required: true, Columns: demandColumns},
		{Name: planner.TabDependencies, Required: true, Columns: dependencyColumns},
		{Name: planner.TabReservations, Columns: reservationColumns},
		{Name: planner.TabCurrent, Columns: currentColumns},
		{Name: planner.TabSettings, Columns: settingColumns},
	}
}

var resourceColumns = []Column{
	{Key: "resource", Header: "Resource", Required: true, Note: "Name of a resource, e.g. cpu, ram, ssd. Each resource adds a supply column and a cost column to Clusters and a per-replica column to Services."},
	{Key: "unit", Header: "Unit", Note: "Unit the resource is counted in, e.g. cores, GiB, TiB."},
	{Key: "description", Header: "Description", Note: "Free text for humans."},
}

func clusterColumns(resources []Resource) []Column {
	cols := []Column{
		{Key: "cluster", Header: "Cluster", Required: true, Note: "Unique cluster name."},
		{Key: "region", Header: "Region", Required: true, Note: "Region the cluster is in; Latency gives RTTs between regions."},
		{Key: "continent", Header: "Continent", Required: true, Note: "Continent the cluster is in; used by redundancy scope 'continent' and by Allowed."},
	}
	for _, r := range resources {
		cols = append(cols, Column{Key: r.Name, Header: r.Name, Unit: r.Unit, Required: true,
			Note: "Supply of " + r.Name + " in the cluster, in " + unitOr(r.Unit) + ". Blank = 0."})
	}
	for _, r := range resources {
		cols = append(cols, Column{Key: r.Name + " cost", Header: r.Name + " cost", Unit: "per " + unitOr(r.Unit),
			Note: "Price of one " + unitOr(r.Unit) + " of " + r.Name + " in the cluster. Blank = 0."})
	}
	return append(cols, Column{Key: "fixed cost", Header: "Fixed Cost",
		Note: "Paid once if the cluster hosts any replica at all. Blank = 0."})
}

var latencyColumns = []Column{
	{Key: "from", Header: "From", Required: true, ListTab: planner.TabClusters, ListKey: "region", Note: "A region (with clusters, or a demand region)."},
	{Key: "to", Header: "To", Required: true, ListTab: planner.TabClusters, ListKey: "region", Note: "The other region; RTTs are symmetric, give each pair once."},
	{Key: "rtt", Header: "RTT", Unit: "ms", Aliases: []string{"rtt ms"}, Required: true, Note: "Round-trip time between the two regions in milliseconds. Pairs not listed are out of reach of every latency bound; the same region is Settings 'intra-region rtt' (default 1 ms)."},
}

func serviceColumns(resources []Resource) []Column {
	cols := []Column{
		{Key: "service", Header: "Service", Required: true, Note: "Unique service name."},
		{Key: "priority", Header: "Priority", Note: "0 is the most important; P1 is accepted for 1. Unmet demand is traded strictly by priority. Blank = 0."},
		{Key: "demand unit", Header: "Demand Unit", Note: "Unit demand is counted in, e.g. QPS, sessions, GB/s."},
		{Key: "replica capacity", Header: "Replica Capacity", Unit: "demand units", Required: true, Note: "Demand one replica serves, in the Demand Unit. Must be above 0."},
	}
	for _, r := range resources {
		cols = append(cols, Column{Key: r.Name + " per replica", Header: r.Name + " per replica", Unit: r.Unit, Required: true,
			Note: unitOr(r.Unit) + " of " + r.Name + " one replica takes. Blank = 0."})
	}
	return append(cols,
		Column{Key: "min replicas", Header: "Min Replicas", Note: "Fewest replicas in any cluster the service uses. Blank = 1."},
		Column{Key: "redundancy", Header: "Redundancy", Note: "N, N+1, N+2, ... (or 0, 1, 2): survive losing that many clusters in each zone of the scope. Blank = N."},
		Column{Key: "redundancy scope", Header: "Redundancy Scope", Values: []string{"region", "continent", "global"}, Note: "Zone redundancy is counted in: region, continent or global. Blank = region."},
		Column{Key: "latency slo", Header: "Latency SLO", Unit: "ms", Aliases: []string{"latency slo ms"}, Note: "Largest RTT between a demand region and the cluster serving it, in ms. Blank = no bound."},
		Column{Key: "allowed", Header: "Allowed", Note: "Comma list of clusters, regions or continents the service may use; !x excludes x; only exclusions = everywhere but those. Blank = anywhere."},
		Column{Key: "min clusters", Header: "Min Clusters", Note: "Fewest clusters to use when the service carries load. Blank = 1."},
		Column{Key: "max clusters", Header: "Max Clusters", Note: "Most clusters to use. Blank = no bound."},
	)
}

var demandColumns = []Column{
	{Key: "service", Header: "Service", Required: true, ListTab: planner.TabServices, ListKey: "service", Note: "A service of the Services tab."},
	{Key: "region", Header: "Region", Required: true, ListTab: planner.TabClusters, ListKey: "region", Note: "Region the demand originates in (the dropdown lists cluster regions, but any region Latency mentions is fine); it may have no clusters (a user population), then Latency must give its RTTs."},
	{Key: "demand", Header: "Demand", Unit: "demand units", Required: true, Note: "Load from the region, in the service's Demand Unit. Formulas are fine; their computed values are read."},
}

var dependencyColumns = []Column{
	{Key: "service", Header: "Service", Required: true, ListTab: planner.TabServices, ListKey: "service", Note: "The service creating load."},
	{Key: "depends on", Header: "Depends On", Required: true, ListTab: planner.TabServices, ListKey: "service", Note: "The service receiving it. Dependencies must not form a cycle."},
	{Key: "ratio", Header: "Ratio", Unit: "per unit", Required: true, Note: "Units of Depends On load created by each unit of Service load."},
	{Key: "max rtt", Header: "Max RTT", Unit: "ms", Aliases: []string{"max rtt ms"}, Note: "Largest RTT between where Service runs and where its dependency load is served. Blank = no bound."},
}

var reservationColumns = []Column{
	{Key: "service", Header: "Service", Required: true, ListTab: planner.TabServices, ListKey: "service", Note: "A service of the Services tab."},
	{Key: "cluster", Header: "Cluster", Required: true, ListTab: planner.TabClusters, ListKey: "cluster", Note: "A cluster of the Clusters tab."},
	{Key: "min replicas", Header: "Min Replicas", Note: "At least this many replicas of the service in the cluster. Blank = 0."},
	{Key: "max replicas", Header: "Max Replicas", Note: "At most this many (0 keeps the service out). Blank = no bound."},
}

var currentColumns = []Column{
	{Key: "service", Header: "Service", Required: true, ListTab: planner.TabServices, ListKey: "service", Note: "A service of the Services tab."},
	{Key: "cluster", Header: "Cluster", Required: true, ListTab: planner.TabClusters, ListKey: "cluster", Note: "A cluster of the Clusters tab."},
	{Key: "replicas", Header: "Replicas", Required: true, Note: "Replicas running there today; the plan's churn and diff are counted against it."},
}

var settingColumns = []Column{
	{Key: "setting", Header: "Setting", Required: true, Values: settingNames(), Note: "time limit (seconds, or 90s / 2m), mip gap (0.01 or 1%), move cost (per replica moved), intra-region rtt (ms), output prefix."},
	{Key: "value", Header: "Value", Required: true, Note: "The setting's value."},
}

func unitOr(unit string) string {
	if unit == "" {
		return "units"
	}
	return unit
}
