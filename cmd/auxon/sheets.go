package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/auxon-planner/auxon/sheets"
	"github.com/auxon-planner/auxon/workbook"
)

// Environment variables read by the Sheets flags.
const (
	// envCredentials names a service-account key or an OAuth client
	// secret, like --credentials.
	envCredentials = "AUXON_GOOGLE_CREDENTIALS"
	// envToken names the cached user token, like --token.
	envToken = "AUXON_GOOGLE_TOKEN"
	// envEndpoint overrides the Sheets API base URL (tests, proxies).
	envEndpoint = "AUXON_SHEETS_ENDPOINT"
)

// sheetFlags are the flags that reach a Google Sheet.
type sheetFlags struct {
	sheet       string
	credentials string
	token       string
}

// addFlags registers --sheet, --credentials and --token.
func (o *sheetFlags) addFlags(fs *flag.FlagSet) {
	fs.StringVar(&o.sheet, "sheet", "", "Google spreadsheet id (or its URL) to read and write instead of an XLSX file")
	fs.StringVar(&o.credentials, "credentials", "",
		"Google credentials: a service-account key, or an OAuth client secret used with the token of 'auxon auth login' "+
			"(default $"+envCredentials+", else the client saved by 'auxon auth login', else Application Default Credentials)")
	fs.StringVar(&o.token, "token", "", "cached user token (default $"+envToken+", else "+displayPath(defaultTokenFile())+")")
}

// openSheet opens the spreadsheet of o.sheet with credentials from the
// flags, the environment, the login cache or ADC, in that order. readOnly
// asks for the spreadsheets.readonly scope and refuses writes (validate).
func openSheet(ctx context.Context, o *sheetFlags, readOnly bool) (*workbook.Workbook, error) {
	return openSpreadsheet(ctx, spreadsheetID(o.sheet), o.resolve(), readOnly, nil)
}

// openSpreadsheet opens spreadsheet id with credentials c; onCall, if not
// nil, is told of every API call (serve's metrics).
func openSpreadsheet(ctx context.Context, id string, c *sheets.Credentials, readOnly bool, onCall func(string, int)) (*workbook.Workbook, error) {
	if id == "" {
		return nil, fmt.Errorf("%w: --sheet needs a spreadsheet id", errUsage)
	}
	c.ReadOnly = readOnly
	c.Endpoint = os.Getenv(envEndpoint)
	svc, account, err := sheets.NewService(ctx, c)
	if err != nil {
		return nil, err
	}
	return sheets.Open(svc, id, &sheets.Options{ReadOnly: readOnly, Account: account, OnCall: onCall})
}

// sheetCredentials turns a credentials file (service-account key or OAuth
// client secret, told apart by content) and a token file into
// sheets.Credentials; empty names take the defaults of openSheet.
func sheetCredentials(credentials, token string) *sheets.Credentials {
	o := &sheetFlags{credentials: credentials, token: token}
	return o.resolve()
}

func (o *sheetFlags) resolve() *sheets.Credentials {
	file := firstNonEmpty(o.credentials, os.Getenv(envCredentials))
	token := firstNonEmpty(o.token, os.Getenv(envToken), defaultTokenFile())
	if file == "" {
		if saved := savedClientFile(); fileExists(saved) && fileExists(token) {
			return &sheets.Credentials{ClientSecretFile: saved, TokenFile: token}
		}
		return &sheets.Credentials{} // Application Default Credentials
	}
	if isServiceAccountKey(file) {
		return &sheets.Credentials{KeyFile: file}
	}
	return &sheets.Credentials{ClientSecretFile: file, TokenFile: token}
}

// isServiceAccountKey tells a key file from an OAuth client secret. An
// unreadable file counts as a key, so that the error names it.
func isServiceAccountKey(path string) bool {
	b, err := os.ReadFile(path)
	if err != nil {
		return true
	}
	var v struct {
		Type      string          `json:"type"`
		Installed json.RawMessage `json:"installed"`
		Web       json.RawMessage `json:"web"`
	}
	if json.Unmarshal(b, &v) != nil {
		return true
	}
	return v.Installed == nil && v.Web == nil
}

// spreadsheetID accepts an id or a docs.google.com URL.
func spreadsheetID(s string) string {
	s = strings.TrimSpace(s)
	if _, rest, ok := strings.Cut(s, "/spreadsheets/d/"); ok {
		id, _, _ := strings.Cut(rest, "/")
		return id
	}
	return s
}

// configDir is auxon's directory for the login cache.
func configDir() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "auxon")
}

func defaultTokenFile() string {
	if d := configDir(); d != "" {
		return filepath.Join(d, "token.json")
	}
	return ""
}

// savedClientFile is where 'auxon auth login' keeps the OAuth client the
// token belongs to.
func savedClientFile() string {
	if d := configDir(); d != "" {
		return filepath.Join(d, "client_secret.json")
	}
	return ""
}

func displayPath(p string) string {
	if home, err := os.UserHomeDir(); err == nil && p != "" && strings.HasPrefix(p, home) {
		return "~" + strings.TrimPrefix(p, home)
	}
	return p
}

func fileExists(p string) bool {
	if p == "" {
		return false
	}
	_, err := os.Stat(p)
	return !errors.Is(err, os.ErrNotExist)
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
