package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/auxon-planner/auxon/templates"
	"github.com/auxon-planner/auxon/xlsx"
)

const templateUsage = `template [--example] [--force] OUT.xlsx

Writes a blank intent workbook: every tab with its headers, a note on each
header explaining the column and its unit, dropdowns where values come
from a list, frozen header rows. With --example, writes the worked example
instead (3 continents, 9 regions, 19 clusters, 26 services, dependencies,
reservations and a Current tab). The output is byte-identical to
templates/blank.xlsx or templates/example.xlsx. An existing file is never
overwritten without --force.`

// templateOptions are the flags of auxon template.
type templateOptions struct {
	example bool
	force   bool
}

func (o *templateOptions) addFlags(fs interface {
	BoolVar(*bool, string, bool, string)
}) {
	fs.BoolVar(&o.example, "example", false, "write the worked example instead of a blank template")
	fs.BoolVar(&o.force, "force", false, "overwrite OUT.xlsx if it exists")
}

func runTemplate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o templateOptions
	fs := newFlagSet("template", templateUsage, stderr)
	o.addFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: template needs exactly one output file", errUsage)
	}
	out := fs.Arg(0)
	if _, err := os.Stat(out); err == nil && !o.force {
		return fmt.Errorf("%s exists; use --force to overwrite it", out)
	}
	sheets, what := templates.Blank(), "blank template"
	if o.example {
		sheets, what = templates.ExampleSheets(), "worked example"
	}
	if err := xlsx.Create(out, sheets); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote the %s to %s\n", what, out)
	return nil
}
