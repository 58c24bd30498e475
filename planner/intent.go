// Package planner holds auxon's model of capacity intent, its validation,
// the mixed-integer formulation that turns intent into a plan, and the
// independent verifier that checks every plan against the intent.
//
// The package knows nothing of spreadsheets: package templates turns grids
// into an Intent and a Plan back into grids. Every record of an Intent
// remembers the spreadsheet row it came from, and Intent.Columns remembers
// where each column was, so that every problem the planner finds can name
// its cell ("Services!F7").
package planner

import (
	"fmt"
	"time"
)

// Tab names of the intent workbook. They are also the keys of
// Intent.Columns.
const (
	TabResources    = "Resources"
	TabClusters     = "Clusters"
	TabLatency      = "Latency"
	TabServices     = "Services"
	TabDemand       = "Demand"
	TabDependencies = "Dependencies"
	TabReservations = "Reservations"
	TabCurrent      = "Current"
	TabSettings     = "Settings"
)

// TabOrder is the order of the input tabs; problems are sorted by it.
var TabOrder = []string{TabResources, TabClusters, TabLatency, TabServices,
	TabDemand, TabDependencies, TabReservations, TabCurrent, TabSettings}

// Intent is everything a planner wrote down: supply, demand and the rules
// that bind them. Names are case-sensitive after trimming.
type Intent struct {
	Resources    []Resource
	Clusters     []Cluster
	Latency      []Link
	Services     []Service
	Demand       []Demand
	Dependencies []Dependency
	Reservations []Reservation
	Current      []Placement
	Settings     Settings

	// Columns maps tab -> field key -> zero-based column index, as found
	// in the source workbook. Field keys are the canonical header keys of
	// package templates ("service", "latency slo", "cpu per replica", ...).
	// It may be nil for intents built in code; cells then name only the row.
	Columns map[string]map[string]int
}

// Scope is the zone a service's redundancy is counted in.
type Scope string

// The redundancy scopes.
const (
	ScopeRegion    Scope = "region"
	ScopeContinent Scope = "continent"
	ScopeGlobal    Scope = "global"
)

// Resource is a kind of supply: cores, GiB of memory, TiB of disk.
type Resource struct {
	Name        string
	Unit        string
	Description string
	Row         int // 1-based row in the Resources tab; 0 when built in code
}

// Cluster is a place replicas can run, with a supply and a price per
// resource.
type Cluster struct {
	Name      string
	Region    string
	Continent string
	// Supply is the amount of each resource the cluster offers, by
	// resource name. A resource missing here has zero supply.
	Supply map[string]float64
	// Price is the cost of one unit of each resource, by resource name.
	Price map[string]float64
	// FixedCost is paid once if the cluster hosts any replica at all.
	FixedCost float64
	Row       int
}

// Link is a measured round-trip time between two regions; it holds both
// ways.
type Link struct {
	From, To string
	RTT      float64 // milliseconds
	Row      int
}

// Service is something that runs as replicas and serves demand.
type Service struct {
	Name string
	// Priority 0 is the most important; larger numbers matter less.
	Priority   int
	DemandUnit string
	// ReplicaCapacity is the demand (in DemandUnit) one replica serves.
	ReplicaCapacity float64
	// Shape is the amount of each resource one replica takes.
	Shape map[string]float64
	// MinReplicas is the least number of replicas in any cluster the
	// service uses (default 1).
	MinReplicas int
	// Redundancy is k of N+k: the service must survive losing any k
	// clusters of each zone of its Scope.
	Redundancy int
	Scope      Scope
	// LatencySLO bounds the RTT between a demand region and the cluster
	// serving it, in milliseconds; HasLatencySLO is false for "no bound".
	LatencySLO    float64
	HasLatencySLO bool
	// Allowed lists cluster, region or continent names the service may
	// use; "!x" excludes x. Empty means anywhere.
	Allowed []string
	// MinClusters and MaxClusters bound the number of clusters used.
	// MinClusters 0 means the default (1 when the service carries load);
	// MaxClusters 0 means no bound.
	MinClusters int
	MaxClusters int
	Row         int
}

// Demand is load of a service originating in a region.
type Demand struct {
	Service string
	Region  string
	Amount  float64
	Row     int
}

// Dependency says each unit of Service load creates Ratio units of
// DependsOn load, which must be served within MaxRTT of where Service runs.
type Dependency struct {
	Service   string
	DependsOn string
	Ratio     float64
	// MaxRTT in milliseconds; HasMaxRTT is false for "no bound".
	MaxRTT    float64
	HasMaxRTT bool
	Row       int
}

// Reservation pins a service's replica count in a cluster between Min and
// Max (HasMax false: no upper pin).
type Reservation struct {
	Service string
	Cluster string
	Min     int
	Max     int
	HasMax  bool
	Row     int
}

// Placement is today's deployment of a service in a cluster.
type Placement struct {
	Service  string
	Cluster  string
	Replicas int
	Row      int
}

// Settings are the run's knobs from the Settings tab. Zero values mean
// "use the default" as documented on each field.
type Settings struct {
	// TimeLimit bounds the solve (default DefaultTimeLimit).
	TimeLimit time.Duration
	// MIPGap is the relative gap at which the solve stops (default
	// DefaultMIPGap).
	MIPGap float64
	// MoveCost is charged per replica added or removed against Current
	// (default 0: churn is free).
	MoveCost float64
	// IntraRegionRTT is the RTT between two places in the same region, in
	// milliseconds (default DefaultIntraRegionRTT).
	IntraRegionRTT    float64
	HasIntraRegionRTT bool
	// OutputPrefix starts the name of every tab auxon writes (default
	// DefaultOutputPrefix).
	OutputPrefix string
	// Rows maps each setting key to its row, for messages.
	Rows map[string]int
}

// Defaults for Settings.
const (
	DefaultTimeLimit      = 60 * time.Second
	DefaultMIPGap         = 1e-4
	DefaultIntraRegionRTT = 1.0
	DefaultOutputPrefix   = "auxon"
)

// Cell is a spreadsheet cell: a tab, a 1-based row and a zero-based
// column. Col < 0 means the whole row; Row 0 means the whole tab.
type Cell struct {
	Tab string
	Row int
	Col int
}

// String formats the cell in A1 notation: "Services!F7", "Services!7"
// for a whole row, "Services" for the tab.
func (c Cell) String() string {
	switch {
	case c.Row <= 0:
		return c.Tab
	case c.Col < 0:
		return fmt.Sprintf("%s!%d", c.Tab, c.Row)
	default:
		return fmt.Sprintf("%s!%s%d", c.Tab, ColumnName(c.Col), c.Row)
	}
}

// ColumnName turns a zero-based column index into its letters: 0 -> A,
// 25 -> Z, 26 -> AA.
func ColumnName(col int) string {
	name := ""
	for col >= 0 {
		name = string(rune('A'+col%26)) + name
		col = col/26 - 1
	}
	return name
}

// CellOf is the cell of field in the given row of tab, as recorded in
// Columns; when the column is unknown it names the row alone.
func (in *Intent) CellOf(tab string, row int, field string) Cell {
	if cols, ok := in.Columns[tab]; ok {
		if col, ok := cols[field]; ok {
			return Cell{Tab: tab, Row: row, Col: col}
		}
	}
	return Cell{Tab: tab, Row: row, Col: -1}
}
