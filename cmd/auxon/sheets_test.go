package main

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/auxon-planner/auxon/sheets"
	"github.com/auxon-planner/auxon/sheets/sheetstest"
	"github.com/auxon-planner/auxon/templates"
	"github.com/auxon-planner/auxon/workbook"
)

func TestSpreadsheetID(t *testing.T) {
	for in, want := range map[string]string{
		"1AbC_d-e": "1AbC_d-e",
		" https://docs.google.com/spreadsheets/d/1AbC_d-e/edit#gid=0 ": "1AbC_d-e",
		"https://docs.google.com/spreadsheets/d/xyz":                   "xyz",
	} {
		if got := spreadsheetID(in); got != want {
			t.Errorf("spreadsheetID(%q) = %q, want %q", in, got, want)
		}
	}
}

// sheetFake serves the example spreadsheet to a service account and a
// user, with the CLI's endpoint pointed at it.
func sheetFake(t *testing.T) (*sheetstest.Server, string, string) {
	t.Helper()
	srv := sheetstest.NewServer(&sheetstest.Options{RequireAuth: true, User: "planner@example.com"})
	t.Cleanup(srv.Close)
	t.Setenv(envEndpoint, srv.URL()+"/")
	t.Setenv(envCredentials, "")
	t.Setenv(envToken, "")
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", filepath.Join(t.TempDir(), "none.json"))
	key, err := srv.NewServiceAccount("robot@auxon-test.iam.gserviceaccount.com")
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "key.json")
	if err := os.WriteFile(keyFile, key, 0o600); err != nil {
		t.Fatal(err)
	}
	sp := sheetstest.FromSheets(templates.ExampleSheets()...)
	sp.Writers = []string{"robot@auxon-test.iam.gserviceaccount.com", "planner@example.com"}
	id, err := srv.AddSpreadsheet(sp)
	if err != nil {
		t.Fatal(err)
	}
	return srv, id, keyFile
}

func TestOpenSheetReadOnlyWithKey(t *testing.T) {
	_, id, keyFile := sheetFake(t)
	ctx := context.Background()
	wb, err := openSheet(ctx, &sheetFlags{sheet: "https://docs.google.com/spreadsheets/d/" + id + "/edit", credentials: keyFile}, true)
	if err != nil {
		t.Fatal(err)
	}
	_, ps, err := templates.Read(ctx, wb)
	if err != nil || ps.Err() != nil {
		t.Fatalf("Read: %v %v", err, ps.Err())
	}
	err = wb.AddTabs(ctx, []*workbook.OutputTab{{Sheet: workbook.Sheet{Name: "x"}, Kind: "Plan", RunID: "r"}})
	if !errors.Is(err, sheets.ErrReadOnly) {
		t.Errorf("write through a read-only workbook: %v", err)
	}
}

func TestResolveCredentials(t *testing.T) {
	_, _, keyFile := sheetFake(t)
	client := filepath.Join(t.TempDir(), "client.json")
	os.WriteFile(client, []byte(`{"installed":{"client_id":"x"}}`), 0o600)
	tests := []struct {
		name string
		o    sheetFlags
		env  string
		want sheets.Credentials
	}{
		{"key flag", sheetFlags{credentials: keyFile}, "", sheets.Credentials{KeyFile: keyFile}},
		{"client flag", sheetFlags{credentials: client, token: "/t.json"}, "", sheets.Credentials{ClientSecretFile: client, TokenFile: "/t.json"}},
		{"key from env", sheetFlags{}, keyFile, sheets.Credentials{KeyFile: keyFile}},
		{"nothing: ADC", sheetFlags{}, "", sheets.Credentials{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(envCredentials, tc.env)
			if got := tc.o.resolve(); !reflect.DeepEqual(*got, tc.want) {
				t.Errorf("resolve() = %+v, want %+v", *got, tc.want)
			}
		})
	}
}

func TestAuthLoginThenSheet(t *testing.T) {
	srv, id, _ := sheetFake(t)
	secret := filepath.Join(t.TempDir(), "client_secret.json")
	if err := os.WriteFile(secret, srv.NewOAuthClient(), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	o := &authOptions{clientSecret: secret, token: defaultTokenFile(), open: func(url string) error {
		resp, err := http.Get(url) // the "browser": consent, then the loopback redirect
		if err == nil {
			resp.Body.Close()
		}
		return err
	}}
	if err := authLogin(ctx, o); err != nil {
		t.Fatal(err)
	}
	// No --credentials: the saved client and token are used.
	wb, err := openSheet(ctx, &sheetFlags{sheet: id}, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wb.Tabs(ctx); err != nil {
		t.Fatal(err)
	}
}
