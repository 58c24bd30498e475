package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/auxon-planner/auxon/planner"
	"github.com/auxon-planner/auxon/templates"
	"github.com/auxon-planner/auxon/workbook"
	"github.com/auxon-planner/auxon/xlsx"
)

const validateUsage = `validate [--json] IN.xlsx [MORE.xlsx ...]
       auxon validate [--json] --sheet SPREADSHEET_ID

Reads the intent tabs of each workbook and prints every problem at once,
each naming its cell ("Services!F7"), sorted by tab and row, with a
stable code (missing-tab, bad-number, unknown-name, dependency-cycle,
redundancy-impossible, slo-unreachable, ...). Warnings do not make a
workbook invalid. Exit codes: 0 every workbook is valid, 1 a file could
not be read, 2 usage, 3 some workbook has errors (invalid input).`

// validateOptions are the flags of auxon validate.
type validateOptions struct {
	json bool
}

func (o *validateOptions) addFlags(fs interface {
	BoolVar(*bool, string, bool, string)
}) {
	fs.BoolVar(&o.json, "json", false, "print one JSON report per workbook, one a line, for machines")
}

func runValidate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o validateOptions
	var sf sheetFlags
	fs := newFlagSet("validate", validateUsage, stderr)
	o.addFlags(fs)
	sf.addFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	sources := fs.Args()
	if sf.sheet != "" {
		sources = append(sources, "")
	}
	if len(sources) == 0 {
		return fmt.Errorf("%w: validate needs a workbook or --sheet", errUsage)
	}
	invalid := 0
	for _, path := range sources {
		var rep *validateReport
		var err error
		if path == "" {
			rep, err = validateSheet(ctx, &sf)
		} else {
			rep, err = validateFile(ctx, path)
		}
		if err != nil {
			return err
		}
		if err := rep.print(stdout, o.json); err != nil {
			return err
		}
		if !rep.Valid {
			invalid++
		}
	}
	if invalid > 0 {
		return withCode(exitInvalid, fmt.Errorf("%w: %d invalid workbook(s)", errSilent, invalid))
	}
	return nil
}

// validateReport is the result of validating one workbook; it is also the
// --json output.
type validateReport struct {
	File     string          `json:"file"`
	Valid    bool            `json:"valid"`
	Errors   int             `json:"errors"`
	Warnings int             `json:"warnings"`
	Problems []problemReport `json:"problems"`
}

// problemReport is one problem in --json output.
type problemReport struct {
	Cell     string `json:"cell"`
	Tab      string `json:"tab"`
	Row      int    `json:"row,omitempty"`
	Column   string `json:"column,omitempty"`
	Code     string `json:"code"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

// validateFile reads and validates one workbook.
func validateFile(ctx context.Context, path string) (*validateReport, error) {
	wb, err := xlsx.Open(path, nil)
	if err != nil {
		return nil, err
	}
	defer wb.Close()
	return validateWorkbook(ctx, path, wb)
}

// validateSheet reads and validates a Google Sheet, with the read-only
// scope.
func validateSheet(ctx context.Context, sf *sheetFlags) (*validateReport, error) {
	wb, err := openSheet(ctx, sf, true)
	if err != nil {
		return nil, err
	}
	defer wb.Close()
	return validateWorkbook(ctx, "sheet "+sf.sheet, wb)
}

// validateWorkbook validates the intent of an open workbook named name.
func validateWorkbook(ctx context.Context, path string, wb *workbook.Workbook) (*validateReport, error) {
	_, ps, err := templates.Read(ctx, wb)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	rep := &validateReport{File: path, Problems: []problemReport{}}
	for _, p := range ps {
		pr := problemReport{Cell: p.Cell.String(), Tab: p.Cell.Tab, Row: p.Cell.Row, Code: p.Code,
			Severity: string(p.Severity), Message: p.Message}
		if p.Cell.Row > 0 && p.Cell.Col >= 0 {
			pr.Column = planner.ColumnName(p.Cell.Col)
		}
		if p.Severity == planner.SeverityWarning {
			rep.Warnings++
		} else {
			rep.Errors++
		}
		rep.Problems = append(rep.Problems, pr)
	}
	rep.Valid = rep.Errors == 0
	return rep, nil
}

func (r *validateReport) print(w io.Writer, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(w).Encode(r)
	}
	for _, p := range r.Problems {
		sev := "error"
		if p.Severity == string(planner.SeverityWarning) {
			sev = "warning"
		}
		fmt.Fprintf(w, "%s: %s: %s [%s]\n", p.Cell, sev, p.Message, p.Code)
	}
	verdict := "valid"
	if !r.Valid {
		verdict = "INVALID"
	}
	_, err := fmt.Fprintf(w, "%s: %s (%d errors, %d warnings)\n", r.File, verdict, r.Errors, r.Warnings)
	return err
}
