package templates

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/auxon-planner/auxon/workbook"
)

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in   workbook.Cell
		want float64
		code string // "" = ok, "blank" = errBlank
	}{
		{workbook.Num(42), 42, ""},
		{workbook.Num(45658), 45658, ""}, // a date reads as its serial number
		{workbook.Str(" 40 "), 40, ""},
		{workbook.Str("1,234.5"), 1234.5, ""},
		{workbook.Str("-1,234,567"), -1234567, ""},
		{workbook.Str("12%"), 0.12, ""},
		{workbook.Str("12.5 %"), 0.125, ""},
		{workbook.Str("1e3"), 1000, ""},
		{workbook.Str("+.5"), 0.5, ""},
		{workbook.Str("NaN"), math.NaN(), ""},
		{workbook.Str("-inf"), math.Inf(-1), ""},
		{workbook.Cell{}, 0, "blank"},
		{workbook.Str("   "), 0, "blank"},
		{workbook.Str("1,5"), 0, "bad-number"},
		{workbook.Str("1,23,456"), 0, "bad-number"},
		{workbook.Str("12 abc"), 0, "bad-number"},
		{workbook.Str("0x10"), 0, "bad-number"},
		{workbook.Str("1_000"), 0, "bad-number"},
		{workbook.Str("%"), 0, "bad-number"},
		{workbook.BoolCell(true), 0, "bad-number"},
		{workbook.Cell{Kind: workbook.Error, Str: "#N/A"}, 0, "formula-error"},
	}
	for _, tc := range tests {
		got, err := ParseNumber(tc.in)
		if code := errCode(err); code != tc.code {
			t.Errorf("ParseNumber(%q): error code %q (%v), want %q", tc.in.Text(), code, err, tc.code)
			continue
		}
		if tc.code == "" && got != tc.want && !(math.IsNaN(got) && math.IsNaN(tc.want)) {
			t.Errorf("ParseNumber(%q) = %v, want %v", tc.in.Text(), got, tc.want)
		}
	}
}

func errCode(err error) string {
	var ve *valueError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, errBlank):
		return "blank"
	case errors.As(err, &ve):
		return ve.code
	}
	return "other"
}

func TestParseSpecials(t *testing.T) {
	intTests := []struct {
		fn   func(workbook.Cell) (int, error)
		in   workbook.Cell
		want int
		code string
	}{
		{ParseInt, workbook.Num(3), 3, ""},
		{ParseInt, workbook.Str("3.0"), 3, ""},
		{ParseInt, workbook.Num(2.5), 0, "not-integer"},
		{ParseInt, workbook.Num(1e300), 0, "not-integer"},
		{ParsePriority, workbook.Str("P2"), 2, ""},
		{ParsePriority, workbook.Str("p0"), 0, ""},
		{ParsePriority, workbook.Num(1), 1, ""},
		{ParsePriority, workbook.Str("Pfoo"), 0, "bad-value"},
		{ParseRedundancy, workbook.Str("N"), 0, ""},
		{ParseRedundancy, workbook.Str("n + 2"), 2, ""},
		{ParseRedundancy, workbook.Num(1), 1, ""},
		{ParseRedundancy, workbook.Str("N-1"), 0, "bad-value"},
		{ParseRedundancy, workbook.Str("N+"), 0, "bad-value"},
	}
	for _, tc := range intTests {
		got, err := tc.fn(tc.in)
		if errCode(err) != tc.code || (tc.code == "" && got != tc.want) {
			t.Errorf("parse %q = %d, %v; want %d, %q", tc.in.Text(), got, err, tc.want, tc.code)
		}
	}
	durTests := []struct {
		in   workbook.Cell
		want time.Duration
		code string
	}{
		{workbook.Num(90), 90 * time.Second, ""},
		{workbook.Str("90s"), 90 * time.Second, ""},
		{workbook.Str("2m"), 2 * time.Minute, ""},
		{workbook.Str("1h 30m"), 90 * time.Minute, ""},
		{workbook.Str("soon"), 0, "bad-value"},
		{workbook.Num(math.Inf(1)), 0, "bad-value"},
	}
	for _, tc := range durTests {
		got, err := ParseDuration(tc.in)
		if errCode(err) != tc.code || got != tc.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v, %q", tc.in.Text(), got, err, tc.want, tc.code)
		}
	}
}

func TestNormalizeHeader(t *testing.T) {
	tests := map[string]string{
		"Latency SLO (ms)":    "latency slo",
		" Replica  Capacity ": "replica capacity",
		"cpu_per_replica":     "cpu per replica",
		"RTT ms":              "rtt ms",
		"Fixed Cost (USD)":    "fixed cost",
		"()":                  "",
	}
	for in, want := range tests {
		if got := NormalizeHeader(in); got != want {
			t.Errorf("NormalizeHeader(%q) = %q, want %q", in, got, want)
		}
	}
	for _, h := range []string{"LatencySLO", "latency_slo", "LATENCY SLO (ms)", "Latency-SLO", "latency slo ms"} {
		g := baseGrids()
		set(g, "Services", "J1", h)
		in, ps := Parse(g)
		if len(ps) > 0 || !in.FindService("web").HasLatencySLO {
			t.Errorf("header %q not read as Latency SLO: %v", h, ps)
		}
	}
}
