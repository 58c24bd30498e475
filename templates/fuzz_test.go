package templates_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/auxon-planner/auxon/planner"
	"github.com/auxon-planner/auxon/templates"
	"github.com/auxon-planner/auxon/workbook"
)

// gridsFromText decodes a fuzz input: tabs in planner.TabOrder separated
// by \f, rows by \n, cells by \t; a cell "=x" is the number x (ParseFloat,
// so NaN and Inf too), "!x" an error value, "?1"/"?0" a boolean, anything
// else text. An empty tab chunk means the tab is absent.
func gridsFromText(s string) map[string]*workbook.Grid {
	out := map[string]*workbook.Grid{}
	for i, chunk := range strings.SplitN(s, "\f", len(planner.TabOrder)) {
		if chunk == "" {
			continue
		}
		name := planner.TabOrder[i]
		g := &workbook.Grid{Name: name}
		for _, line := range strings.Split(chunk, "\n") {
			var row []workbook.Cell
			for _, c := range strings.Split(line, "\t") {
				row = append(row, cellFromText(c))
			}
			g.Rows = append(g.Rows, row)
		}
		out[name] = g
	}
	return out
}

func cellFromText(c string) workbook.Cell {
	switch {
	case strings.HasPrefix(c, "="):
		if v, err := strconv.ParseFloat(c[1:], 64); err == nil || math.IsInf(v, 0) {
			return workbook.Num(v)
		}
	case strings.HasPrefix(c, "!"):
		return workbook.Cell{Kind: workbook.Error, Str: c}
	case c == "?1" || c == "?0":
		return workbook.BoolCell(c == "?1")
	}
	return workbook.Str(c)
}

// textFromSheets is the inverse of gridsFromText, for seeds.
func textFromSheets(sheets []*workbook.Sheet) string {
	var tabs []string
	for _, s := range sheets {
		var lines []string
		for _, r := range s.Rows {
			var cs []string
			for _, c := range r {
				switch c.Kind {
				case workbook.Number:
					cs = append(cs, "="+c.Text())
				case workbook.Bool:
					cs = append(cs, map[bool]string{true: "?1", false: "?0"}[c.Bool])
				default:
					cs = append(cs, c.Text())
				}
			}
			lines = append(lines, strings.Join(cs, "\t"))
		}
		tabs = append(tabs, strings.Join(lines, "\n"))
	}
	return strings.Join(tabs, "\f")
}

// fuzzSeeds are small on purpose: the fuzzer minimizes every new
// interesting input, and with the full example (30 KB, 5 ms a run) it
// would spend its time minimizing instead of exploring.
func fuzzSeeds() []string {
	sheets := templates.ExampleSheets()
	for _, s := range sheets {
		s.Rows = s.Rows[:min(len(s.Rows), 5)]
	}
	example := textFromSheets(sheets)
	return []string{
		example,
		textFromSheets(templates.Blank()),
		strings.Replace(example, "=0.3", "=NaN", 3),
		strings.Replace(example, "N+1", "N+x", 1),
		strings.Replace(example, "session-store", "web-frontend", 1),
		strings.Replace(example, "use1-a", "use1-b", 1),
		strings.Replace(example, "=120", "1,2", 1),
		"Resource\ncpu\f\fFrom\tTo\tRTT\nx\ty\t!#N/A\f",
		"",
	}
}

// FuzzParse feeds arbitrary grids to Parse: it must not panic, must be
// deterministic, and every problem must name a tab, carry a code and come
// out sorted.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in, ps := templates.Parse(gridsFromText(s))
		if in == nil {
			t.Fatal("nil intent")
		}
		for _, p := range ps {
			if p.Cell.Tab == "" || p.Code == "" || p.Message == "" || p.Cell.Row < 0 {
				t.Fatalf("malformed problem %+v", p)
			}
		}
		sorted := append(planner.Problems(nil), ps...)
		sorted.Sort()
		if !reflect.DeepEqual(sorted, ps) {
			t.Fatal("problems are not sorted")
		}
		_, again := templates.Parse(gridsFromText(s))
		if !reflect.DeepEqual(again, ps) {
			t.Fatal("Parse is not deterministic")
		}
	})
}

// TestFuzzSeedCorpus writes the seeds to testdata/fuzz/FuzzParse with
// -update, and checks they are there.
func TestFuzzSeedCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzParse")
	for i, s := range fuzzSeeds() {
		name := filepath.Join(dir, fmt.Sprintf("seed-%02d", i))
		body := fmt.Sprintf("go test fuzz v1\nstring(%q)\n", s)
		if *update {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := os.ReadFile(name)
		if err != nil || string(got) != body {
			t.Errorf("%s is missing or stale; run go test ./templates -run TestFuzzSeedCorpus -update", name)
		}
	}
}
