package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/auxon-planner/auxon/planner"
	"github.com/auxon-planner/auxon/planner/highs"
	"github.com/auxon-planner/auxon/templates"
	"github.com/auxon-planner/auxon/xlsx"
)

const exportUsage = `export --format mps|lp [-o FILE] IN.xlsx

Writes the MILP auxon would solve for the workbook, with every column and
row named, for any other solver (default output: IN.mps or IN.lp).`

func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("export", exportUsage, stderr)
	format := fs.String("format", "mps", "model file format: mps or lp")
	output := fs.String("o", "", "output file")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: export needs one input workbook", errUsage)
	}
	if *format != "mps" && *format != "lp" {
		return fmt.Errorf("%w: --format must be mps or lp", errUsage)
	}
	input := fs.Arg(0)
	if *output == "" {
		*output = strings.TrimSuffix(input, ".xlsx") + "." + *format
	}
	wb, err := xlsx.Open(input, nil)
	if err != nil {
		return err
	}
	defer wb.Close()
	in, problems, err := templates.Read(ctx, wb)
	if err != nil {
		return err
	}
	if problems.Err() != nil {
		return withCode(exitInvalid, fmt.Errorf("%s: the intent has errors:\n%v", input, problems.Err()))
	}
	m, err := planner.Model(in)
	if err != nil {
		return err
	}
	if !strings.HasSuffix(*output, "."+*format) {
		return fmt.Errorf("%w: output %s must end in .%s", errUsage, *output, *format)
	}
	if err := highs.WriteModel(m, *output); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %d rows, %d columns, %d nonzeros\n", *output, m.NumRows(), m.NumCols(), m.NumNonzeros())
	return nil
}
