package planner

import "math"

// RTT returns the round-trip time between two regions in milliseconds, as
// the formulation and the validator see it: the same region is
// Settings.IntraRegionRTT (default DefaultIntraRegionRTT); other pairs
// come from the Latency tab in either direction, the first row winning;
// a pair absent from Latency is unreachable (ok false).
func (in *Intent) RTT(regionA, regionB string) (ms float64, ok bool) {
	if regionA == regionB {
		return in.intraRegionRTT(), true
	}
	for _, l := range in.Latency {
		if (l.From == regionA && l.To == regionB) || (l.From == regionB && l.To == regionA) {
			return l.RTT, true
		}
	}
	return 0, false
}

func (in *Intent) intraRegionRTT() float64 {
	if in.Settings.HasIntraRegionRTT {
		return in.Settings.IntraRegionRTT
	}
	return DefaultIntraRegionRTT
}

// Network is a precomputed RTT lookup for an intent, for callers that ask
// many times. It answers exactly as Intent.RTT did when it was made.
type Network struct {
	intra float64
	rtt   map[[2]string]float64
}

// NewNetwork indexes the Latency tab of in.
func NewNetwork(in *Intent) *Network {
	n := &Network{intra: in.intraRegionRTT(), rtt: make(map[[2]string]float64, 2*len(in.Latency))}
	for _, l := range in.Latency {
		for _, k := range [][2]string{{l.From, l.To}, {l.To, l.From}} {
			if _, dup := n.rtt[k]; !dup {
				n.rtt[k] = l.RTT
			}
		}
	}
	return n
}

// RTT is Intent.RTT from the index.
func (n *Network) RTT(regionA, regionB string) (ms float64, ok bool) {
	if regionA == regionB {
		return n.intra, true
	}
	ms, ok = n.rtt[[2]string{regionA, regionB}]
	return ms, ok
}

// Within reports whether regions a and b are reachable within bound ms;
// has false means there is no bound, so any pair qualifies.
func (n *Network) Within(a, b string, bound float64, has bool) bool {
	if !has {
		return true
	}
	ms, ok := n.RTT(a, b)
	return ok && ms <= bound
}

// Nearest returns the cluster among clusters whose region has the
// smallest RTT from region, and that RTT; ok is false when no RTT is
// known to any of them.
func (n *Network) Nearest(region string, clusters []*Cluster) (name string, ms float64, ok bool) {
	ms = math.Inf(1)
	for _, c := range clusters {
		if rtt, known := n.RTT(region, c.Region); known && rtt < ms {
			name, ms, ok = c.Name, rtt, true
		}
	}
	return name, ms, ok
}

// GlobalZone is the one zone of ScopeGlobal.
const GlobalZone = "global"

// Zone is the zone cluster c belongs to under scope: its region, its
// continent, or GlobalZone. An unknown scope counts as ScopeRegion.
func (c *Cluster) Zone(scope Scope) string {
	switch scope {
	case ScopeGlobal:
		return GlobalZone
	case ScopeContinent:
		return c.Continent
	}
	return c.Region
}
