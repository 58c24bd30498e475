package sheetstest

import (
	"regexp"
	"strconv"
	"strings"
)

// a1 is a parsed A1 range. Rows and columns are zero-based; an end of -1
// is open (to the edge of the grid).
type a1 struct {
	sheet    string
	hasSheet bool
	r0, c0   int64
	r1, c1   int64 // exclusive; -1 = open
	single   bool  // one cell, e.g. "B2"
	whole    bool  // a bare sheet name
}

var refRE = regexp.MustCompile(`^([A-Za-z]{0,3})([0-9]{0,7})$`)

// parseA1 parses a range as sent by a client.
func parseA1(s string) (a1, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return a1{}, false
	}
	name, rng, hasSheet, ok := splitSheet(s)
	if !ok {
		return a1{}, false
	}
	if !hasSheet {
		if r, ok := parseCells(rng); ok {
			return r, true
		}
		return a1{sheet: rng, hasSheet: true, whole: true, r1: -1, c1: -1}, true
	}
	if rng == "" {
		return a1{sheet: name, hasSheet: true, whole: true, r1: -1, c1: -1}, true
	}
	r, ok := parseCells(rng)
	r.sheet, r.hasSheet = name, true
	return r, ok
}

// splitSheet splits "'It”s'!A1:B2" into its sheet name and range.
func splitSheet(s string) (name, rng string, hasSheet, ok bool) {
	if strings.HasPrefix(s, "'") {
		var b strings.Builder
		for i := 1; i < len(s); i++ {
			if s[i] != '\'' {
				b.WriteByte(s[i])
				continue
			}
			if i+1 < len(s) && s[i+1] == '\'' {
				b.WriteByte('\'')
				i++
				continue
			}
			rest := s[i+1:]
			if rest == "" {
				return b.String(), "", true, true
			}
			if !strings.HasPrefix(rest, "!") {
				return "", "", false, false
			}
			return b.String(), rest[1:], true, true
		}
		return "", "", false, false
	}
	if i := strings.LastIndexByte(s, '!'); i >= 0 {
		return s[:i], s[i+1:], true, true
	}
	return "", s, false, true
}

// parseCells parses "A1", "A1:B2", "A:A", "1:2", "A5:A".
func parseCells(s string) (a1, bool) {
	from, to, isRange := strings.Cut(s, ":")
	fc, fr, ok1 := parseRef(from)
	if !ok1 || (fc < 0 && fr < 0) {
		return a1{}, false
	}
	if !isRange {
		if fc < 0 || fr < 0 {
			return a1{}, false
		}
		return a1{r0: fr, c0: fc, r1: fr + 1, c1: fc + 1, single: true}, true
	}
	tc, tr, ok2 := parseRef(to)
	if !ok2 || (tc < 0 && tr < 0) {
		return a1{}, false
	}
	r := a1{r0: max(fr, 0), c0: max(fc, 0), r1: -1, c1: -1}
	if tr >= 0 {
		r.r1 = tr + 1
	}
	if tc >= 0 {
		r.c1 = tc + 1
	}
	if fr < 0 && tr >= 0 { // "A:B3" is not a form; keep it simple
		r.r0 = 0
	}
	if r.r1 >= 0 && r.r1 <= r.r0 { // reversed rows
		r.r0, r.r1 = r.r1-1, r.r0+1
	}
	if r.c1 >= 0 && r.c1 <= r.c0 {
		r.c0, r.c1 = r.c1-1, r.c0+1
	}
	return r, true
}

// parseRef parses "B12" into column 1, row 11; a missing part is -1.
func parseRef(s string) (col, row int64, ok bool) {
	m := refRE.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, false
	}
	col, row = -1, -1
	if m[1] != "" {
		col = colIndex(m[1])
	}
	if m[2] != "" {
		n, err := strconv.ParseInt(m[2], 10, 64)
		if err != nil || n < 1 {
			return 0, 0, false
		}
		row = n - 1
	}
	return col, row, true
}

func colIndex(letters string) int64 {
	var n int64
	for _, ch := range strings.ToUpper(letters) {
		n = n*26 + int64(ch-'A'+1)
	}
	return n - 1
}

// colName turns a zero-based column into letters.
func colName(c int64) string {
	var b []byte
	for c++; c > 0; c = (c - 1) / 26 {
		b = append([]byte{byte('A' + (c-1)%26)}, b...)
	}
	return string(b)
}

var plainTitle = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
var cellLike = regexp.MustCompile(`^(?i:[A-Z]{1,3}[0-9]+|R[0-9]*C[0-9]*|TRUE|FALSE)$`)

// quoteTitle quotes a sheet title only when A1 notation needs it.
func quoteTitle(t string) string {
	if plainTitle.MatchString(t) && !cellLike.MatchString(t) {
		return t
	}
	return "'" + strings.ReplaceAll(t, "'", "''") + "'"
}

// cellsA1 renders a bounded zero-based range as "A1:B2" (or "A1").
func cellsA1(r0, c0, r1, c1 int64) string {
	from := colName(c0) + strconv.FormatInt(r0+1, 10)
	if r1-r0 == 1 && c1-c0 == 1 {
		return from
	}
	return from + ":" + colName(c1-1) + strconv.FormatInt(r1, 10)
}
