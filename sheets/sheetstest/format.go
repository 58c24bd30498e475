package sheetstest

import (
	"math"
	"strconv"
	"strings"
)

// commaLocales write 1.234,5 rather than 1,234.5.
var commaLocales = map[string]bool{"de": true, "fr": true, "es": true, "it": true, "pt": true, "nl": true,
	"sv": true, "da": true, "fi": true, "nb": true, "pl": true, "ru": true, "tr": true, "cs": true}

// formatNumber renders f by a number format pattern ("0.0%", "#,##0.00";
// empty: as short as exact) with the locale's separators. Only digits
// after the point, grouping and percent are honoured.
func formatNumber(f float64, pattern, locale string) string {
	var s string
	switch {
	case pattern == "":
		if f == math.Trunc(f) && math.Abs(f) < 1e15 {
			s = strconv.FormatFloat(f, 'f', -1, 64)
		} else {
			s = strconv.FormatFloat(f, 'g', -1, 64)
		}
	default:
		section, _, _ := strings.Cut(pattern, ";")
		percent := strings.Contains(section, "%")
		if percent {
			f *= 100
		}
		decimals := 0
		if _, frac, ok := strings.Cut(section, "."); ok {
			decimals = strings.Count(frac, "0") + strings.Count(frac, "#")
		}
		scale := math.Pow(10, float64(decimals))
		s = strconv.FormatFloat(math.Round(f*scale)/scale, 'f', decimals, 64) // half away from zero
		if strings.Contains(section, ".") && strings.Count(section[strings.Index(section, "."):], "0") == 0 {
			s = strings.TrimRight(strings.TrimRight(s, "0"), ".") // "#,##0.##"
		}
		if strings.Contains(section, ",") {
			s = group(s)
		}
		if percent {
			s += "%"
		}
	}
	lang, _, _ := strings.Cut(locale, "_")
	if commaLocales[lang] {
		s = strings.NewReplacer(".", ",", ",", ".").Replace(s)
	}
	return s
}

// group puts thousands separators into the integer part of "1234567.5".
func group(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, ch := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(ch)
	}
	if hasFrac {
		return sign + b.String() + "." + frac
	}
	return sign + b.String()
}
