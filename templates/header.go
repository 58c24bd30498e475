package templates

import "strings"

// NormalizeHeader returns the canonical field key of a header: lower
// case, underscores as spaces, runs of spaces collapsed, and a trailing
// unit in parentheses removed. "Latency_SLO (ms)" -> "latency slo".
func NormalizeHeader(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	if strings.HasSuffix(h, ")") {
		if i := strings.LastIndex(h, "("); i >= 0 {
			h = h[:i]
		}
	}
	h = strings.ReplaceAll(h, "_", " ")
	return strings.Join(strings.Fields(h), " ")
}

// squash is the form headers are compared in: the normalized header with
// spaces and hyphens removed, so "Latency SLO", "latency_slo",
// "LatencySLO" and "intra-region rtt" match their keys.
func squash(h string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, NormalizeHeader(h))
}
