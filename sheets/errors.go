package sheets

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"golang.org/x/oauth2"
	"google.golang.org/api/googleapi"

	"github.com/auxon-planner/auxon/workbook"
)

// Errors the driver returns; test them with errors.Is.
var (
	// ErrNotShared: the spreadsheet is not shared with the account (403).
	ErrNotShared = errors.New("the spreadsheet is not shared with this account")
	// ErrScope: the token lacks the OAuth scope the call needs (403).
	ErrScope = errors.New("the credentials lack the needed OAuth scope")
	// ErrAuth: the credentials are invalid, expired or revoked (401, or
	// invalid_grant from the token endpoint).
	ErrAuth = errors.New("the credentials are invalid, expired or revoked")
	// ErrNoSpreadsheet: no spreadsheet has this id (404).
	ErrNoSpreadsheet = errors.New("no spreadsheet with this id")
	// ErrQuota: the API kept answering 429 through every retry.
	ErrQuota = errors.New("the Sheets API quota is exhausted")
	// ErrUnavailable: the API kept failing with 5xx or timeouts.
	ErrUnavailable = errors.New("the Sheets API is unavailable")
	// ErrBudget: the Driver made Options.MaxCalls calls already.
	ErrBudget = errors.New("API call budget exhausted")
	// ErrReadOnly: a write to a Driver opened with Options.ReadOnly.
	ErrReadOnly = errors.New("sheets: opened read-only")
	// ErrConflict: the spreadsheet changed between read and write in a
	// way that stops the write (nothing was written).
	ErrConflict = errors.New("the spreadsheet changed since it was read")
	// ErrInconsistent: after an ambiguous write failure only part of the
	// expected change is visible; someone else changed the spreadsheet.
	ErrInconsistent = errors.New("the spreadsheet is not in the state before or after the write")
)

// failure classes of an attempt.
type class int

const (
	permanent class = iota
	retrySafe       // not applied: 429
	ambiguous       // maybe applied: 5xx, timeout, broken connection
)

// classify decides whether an attempt's error is worth retrying. parent is
// the caller's context: once it ends nothing is retried.
func classify(parent context.Context, err error) class {
	if parent.Err() != nil {
		return permanent
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return permanent
	}
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		switch {
		case ge.Code == 429:
			return retrySafe
		case ge.Code >= 500:
			return ambiguous
		}
		return permanent
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) ||
		strings.Contains(err.Error(), "connection reset") || strings.Contains(err.Error(), "EOF") {
		return ambiguous
	}
	return permanent
}

// explain wraps an API error once, with the sentinel that names its cause
// and advice on the fix.
func (d *Driver) explain(op string, err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		if re.ErrorCode == "invalid_grant" {
			return fmt.Errorf("sheets: %s: %w: the token endpoint refused the grant (%s); for a user token run `auxon auth login` again, for a key check it was not deleted: %v",
				op, ErrAuth, re.ErrorDescription, err)
		}
		return fmt.Errorf("sheets: %s: %w: %v", op, ErrAuth, err)
	}
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("sheets: %s: %w: no answer in time: %w", op, ErrUnavailable, err)
		}
		return fmt.Errorf("sheets: %s: %w", op, err)
	}
	who := "the account"
	if d.opts.Account != "" {
		who = d.opts.Account
	}
	switch {
	case ge.Code == 401:
		return fmt.Errorf("sheets: %s: %w: %s", op, ErrAuth, ge.Message)
	case ge.Code == 403 && strings.Contains(ge.Message, "scopes"):
		return fmt.Errorf("sheets: %s: %w (%s needs %s): %s", op, ErrScope, op, neededScope(op), ge.Message)
	case ge.Code == 403:
		return fmt.Errorf("sheets: %s: %w: share spreadsheet %s with %s (Editor to plan, Viewer to validate): %s",
			op, ErrNotShared, d.id, who, ge.Message)
	case ge.Code == 404:
		return fmt.Errorf("sheets: %s: %w %q: %s", op, ErrNoSpreadsheet, d.id, ge.Message)
	case ge.Code == 429:
		return fmt.Errorf("sheets: %s: %w: %s", op, ErrQuota, ge.Message)
	case ge.Code >= 500:
		return fmt.Errorf("sheets: %s: %w: %s", op, ErrUnavailable, ge.Message)
	case ge.Code == 400 && strings.Contains(ge.Message, "already exists"):
		return fmt.Errorf("sheets: %s: %w: %w: %s", op, ErrConflict, workbook.ErrExists, ge.Message)
	case ge.Code == 400 && strings.Contains(ge.Message, "No grid with id"):
		return fmt.Errorf("sheets: %s: %w: a tab was deleted meanwhile: %s", op, ErrConflict, ge.Message)
	}
	return fmt.Errorf("sheets: %s: %w", op, err)
}

func neededScope(op string) string {
	if strings.HasPrefix(op, "write") {
		return "the spreadsheets scope"
	}
	return "the spreadsheets or spreadsheets.readonly scope"
}
