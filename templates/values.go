package templates

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/auxon-planner/auxon/workbook"
)

// errBlank says a cell holds no value; callers apply defaults.
var errBlank = errors.New("blank")

// valueError is an unreadable value with its problem code.
type valueError struct {
	code string
	msg  string
}

func (e *valueError) Error() string { return e.msg }

func badValue(code, format string, args ...any) error {
	return &valueError{code: code, msg: fmt.Sprintf(format, args...)}
}

// thousands matches numbers with comma thousands separators: "1,234.5".
var thousands = regexp.MustCompile(`^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$`)

// cellText is the trimmed text of a cell; error cells are an error.
func cellText(c workbook.Cell) (string, error) {
	if c.Kind == workbook.Error {
		return "", badValue("formula-error", "cell holds the error value %s", c.Str)
	}
	return strings.TrimSpace(c.Text()), nil
}

// ParseNumber reads a number from a cell: a number cell (dates are their
// serial numbers), or text such as " 40 ", "1,234.5", "12%" or "1e3".
// Commas are accepted only as thousands separators, so "1,5" is an error
// rather than 15. A blank cell returns errBlank.
func ParseNumber(c workbook.Cell) (float64, error) {
	switch c.Kind {
	case workbook.Empty:
		return 0, errBlank
	case workbook.Number:
		return c.Num, nil
	case workbook.Bool:
		return 0, badValue("bad-number", "%s is a boolean, not a number", c.Text())
	}
	s, err := cellText(c)
	if err != nil {
		return 0, err
	}
	if s == "" {
		return 0, errBlank
	}
	return parseNumberText(s)
}

func parseNumberText(s string) (float64, error) {
	text, scale := s, 1.0
	if t, ok := strings.CutSuffix(text, "%"); ok {
		text, scale = strings.TrimSpace(t), 0.01
	}
	if strings.Contains(text, ",") {
		if !thousands.MatchString(text) {
			return 0, badValue("bad-number", "%q is not a number (commas are only read as thousands separators)", s)
		}
		text = strings.ReplaceAll(text, ",", "")
	}
	if strings.ContainsAny(text, "_xXpP") && !isSpecial(text) {
		return 0, badValue("bad-number", "%q is not a number", s)
	}
	v, err := strconv.ParseFloat(text, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, badValue("bad-number", "%q is not a number", s)
	}
	return v * scale, nil
}

// isSpecial reports the spellings of NaN and infinity ParseFloat accepts;
// the validator then reports them as not finite.
func isSpecial(s string) bool {
	switch strings.ToLower(strings.TrimLeft(s, "+-")) {
	case "nan", "inf", "infinity":
		return true
	}
	return false
}

// ParseInt reads a whole number (see ParseNumber); 2.5 is an error.
func ParseInt(c workbook.Cell) (int, error) {
	v, err := ParseNumber(c)
	if err != nil {
		return 0, err
	}
	if v != math.Trunc(v) || math.Abs(v) > 1<<53 {
		return 0, badValue("not-integer", "%s is not a whole number", c.Text())
	}
	return int(v), nil
}

// ParsePriority reads a priority: a whole number or "P1".
func ParsePriority(c workbook.Cell) (int, error) {
	if c.Kind == workbook.String {
		s := strings.TrimSpace(c.Str)
		if len(s) > 1 && (s[0] == 'P' || s[0] == 'p') {
			if n, err := strconv.Atoi(s[1:]); err == nil {
				return n, nil
			}
			return 0, badValue("bad-value", "%q is not a whole number or P<n>", s)
		}
	}
	return ParseInt(c)
}

// ParseRedundancy reads N, N+k or an integer k.
func ParseRedundancy(c workbook.Cell) (int, error) {
	s, err := cellText(c)
	if err != nil {
		return 0, err
	}
	if s == "" {
		return 0, errBlank
	}
	up := strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	if up == "N" {
		return 0, nil
	}
	if rest, ok := strings.CutPrefix(up, "N+"); ok {
		if k, err := strconv.Atoi(rest); err == nil && k >= 0 {
			return k, nil
		}
	} else if k, err := ParseInt(c); err == nil {
		return k, nil
	}
	return 0, badValue("bad-value", "%q is not N, N+k or an integer", s)
}

// ParseDuration reads a duration: a number of seconds, or "90s", "2m",
// "1h30m".
func ParseDuration(c workbook.Cell) (time.Duration, error) {
	v, err := ParseNumber(c)
	if err == nil {
		if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e9 {
			return 0, badValue("bad-value", "%s is not a duration", c.Text())
		}
		return time.Duration(v * float64(time.Second)), nil
	}
	if errors.Is(err, errBlank) {
		return 0, err
	}
	s, _ := cellText(c)
	d, derr := time.ParseDuration(strings.ReplaceAll(s, " ", ""))
	if derr != nil {
		return 0, badValue("bad-value", "%q is not a duration (use seconds, 90s or 2m)", s)
	}
	return d, nil
}

// ParseList splits a comma list, trimming items and dropping empty ones.
func ParseList(c workbook.Cell) ([]string, error) {
	s, err := cellText(c)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out, nil
}
