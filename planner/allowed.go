package planner

import "strings"

// AllowedClusters returns the names of the clusters service s may use, in
// the order of the Clusters tab.
//
// Each entry of s.Allowed names a cluster, a region or a continent; an
// entry "!x" excludes whatever x names. A cluster is allowed when some
// plain entry names it (or there is no plain entry at all: start from
// every cluster) and no exclusion names it. Names are matched exactly
// after trimming spaces.
func (in *Intent) AllowedClusters(s *Service) []string {
	var out []string
	for i := range in.Clusters {
		if s.Allows(&in.Clusters[i]) {
			out = append(out, in.Clusters[i].Name)
		}
	}
	return out
}

// Allows reports whether service s may use cluster c (see
// Intent.AllowedClusters for the rule).
func (s *Service) Allows(c *Cluster) bool {
	included, anyInclude := false, false
	for _, e := range s.Allowed {
		e = strings.TrimSpace(e)
		if x, ok := strings.CutPrefix(e, "!"); ok {
			if c.named(strings.TrimSpace(x)) {
				return false
			}
			continue
		}
		if e == "" {
			continue
		}
		anyInclude = true
		included = included || c.named(e)
	}
	return included || !anyInclude
}

// named reports whether name is this cluster's name, region or continent.
func (c *Cluster) named(name string) bool {
	return name == c.Name || name == c.Region || name == c.Continent
}

// FindCluster returns the cluster called name, or nil.
func (in *Intent) FindCluster(name string) *Cluster {
	for i := range in.Clusters {
		if in.Clusters[i].Name == name {
			return &in.Clusters[i]
		}
	}
	return nil
}

// FindService returns the service called name, or nil.
func (in *Intent) FindService(name string) *Service {
	for i := range in.Services {
		if in.Services[i].Name == name {
			return &in.Services[i]
		}
	}
	return nil
}
