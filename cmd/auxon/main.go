// Command auxon is an intent-based capacity planner: it reads capacity
// intent from a spreadsheet, solves a mixed-integer program with HiGHS and
// writes the allocation plan back as new tabs.
//
// Exit codes:
//
//	0  success
//	1  the command failed (I/O, solver or internal error)
//	2  usage error (unknown command or flag)
//	3  invalid input: the intent has errors (validate, plan)
//	4  some files of a batch failed (plan --out-dir)
//	5  no plan satisfies the intent's hard requirements (plan): the
//	   Summary and Conflicts tabs say which ones conflict
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// Exit codes; only main chooses them.
const (
	exitOK       = 0
	exitFailure  = 1
	exitUsage    = 2
	exitInvalid  = 3
	exitPartial  = 4
	exitConflict = 5
)

// command is one subcommand: a flag set built per run and a testable run
// function.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

// commands is the table of subcommands.
func commands() []command {
	return []command{
		{"version", "print auxon's and HiGHS's versions and solve a tiny model", runVersion},
		{"validate", "check intent workbooks and print every problem with its cell", runValidate},
		{"template", "write a blank intent workbook, or the worked example", runTemplate},
		{"plan", "plan workbooks: solve the intent and write the plan tabs", runPlan},
		{"export", "write the MILP of a workbook as .mps or .lp", runExport},
		{"serve", "run as a service: scheduled replans, run history, HTTP API and metrics", runServe},
		{"auth", "sign in to Google for --sheet (auth login), or forget the token (auth logout)", runAuth},
	}
}

// exitError carries an exit code chosen by a command to main.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// withCode wraps err so main exits with code.
func withCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: code, err: err}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: auxon <command> [flags] [args]")
	fmt.Fprintln(w, "\ncommands:")
	cmds := commands()
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].name < cmds[j].name })
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nexit codes: 0 ok, 1 failure, 2 usage, 3 invalid input, 4 some files of a batch failed,")
	fmt.Fprintln(w, "            5 the hard requirements conflict (see the Conflicts tab)")
	fmt.Fprintln(w, "run 'auxon <command> -h' for a command's flags")
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches args to a subcommand and maps its error to an exit code.
func run(args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "auxon: internal error: %v\n", r)
			code = exitFailure
		}
	}()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		err := c.run(ctx, args[1:], stdout, stderr)
		return exitCode(err, stderr)
	}
	fmt.Fprintf(stderr, "auxon: unknown command %q\n", args[0])
	usage(stderr)
	return exitUsage
}

// exitCode prints err (if any) and picks the exit code.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, errHelp) {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && !errors.Is(ee.err, errSilent) {
			fmt.Fprintf(stderr, "auxon: %v\n", ee.err)
		}
		return ee.code
	}
	if errors.Is(err, errUsage) {
		fmt.Fprintf(stderr, "auxon: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(stderr, "auxon: %v\n", err)
	return exitFailure
}

var (
	// errHelp is returned when -h was asked for; it exits 0.
	errHelp = errors.New("help requested")
	// errUsage marks a usage error; wrap it with fmt.Errorf("%w: ...").
	errUsage = errors.New("usage")
	// errSilent marks an error already reported to the user.
	errSilent = errors.New("already reported")
)
