package sheetstest

import "testing"

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		f               float64
		pattern, locale string
		want            string
	}{
		{1234.5, "", "en_US", "1234.5"},
		{1234.5, "#,##0.##", "en_US", "1,234.5"},
		{1234.5, "#,##0.##", "de_DE", "1.234,5"},
		{1234567, "#,##0.00", "en_US", "1,234,567.00"},
		{-1234.5, "#,##0", "en_US", "-1,235"},
		{0.955, "0.0%", "en_US", "95.5%"},
		{0.955, "0.0%", "fr_FR", "95,5%"},
		{3, "+0;-0;0", "en_US", "3"},
		{45658, "", "de_DE", "45658"},
	}
	for _, tc := range tests {
		if got := formatNumber(tc.f, tc.pattern, tc.locale); got != tc.want {
			t.Errorf("formatNumber(%v, %q, %s) = %q, want %q", tc.f, tc.pattern, tc.locale, got, tc.want)
		}
	}
}
