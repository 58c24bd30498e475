package sheets_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auxon-planner/auxon/sheets"
	"github.com/auxon-planner/auxon/sheets/sheetstest"
	"github.com/auxon-planner/auxon/workbook"
)

const robot = "auxon-cron@auxon-test.iam.gserviceaccount.com"

// authFake is a fake requiring tokens, with a spreadsheet shared with the
// service account (writer) and the user (reader).
func authFake(t *testing.T) (*sheetstest.Server, []byte, string) {
	t.Helper()
	srv := sheetstest.NewServer(&sheetstest.Options{RequireAuth: true, User: "planner@example.com"})
	t.Cleanup(srv.Close)
	key, err := srv.NewServiceAccount(robot)
	if err != nil {
		t.Fatal(err)
	}
	id, err := srv.AddSpreadsheet(sheetstest.Spreadsheet{Writers: []string{robot, "planner@example.com"},
		Sheets: []sheetstest.Sheet{{Title: "Input", Data: [][]any{{"x", 1}}}}})
	if err != nil {
		t.Fatal(err)
	}
	return srv, key, id
}

func openWith(t *testing.T, srv *sheetstest.Server, id string, c *sheets.Credentials) *workbook.Workbook {
	t.Helper()
	c.Endpoint, c.HTTPClient = srv.URL()+"/", srv.Client()
	svc, account, err := sheets.NewService(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	wb, err := sheets.Open(svc, id, &sheets.Options{Account: account, Retry: noSleep(nil)})
	if err != nil {
		t.Fatal(err)
	}
	return wb
}

func addOne(wb *workbook.Workbook) error {
	return wb.AddTabs(context.Background(), []*workbook.OutputTab{{Sheet: workbook.Sheet{Name: "Out",
		Rows: [][]workbook.Cell{{workbook.Str("ok")}}}, Kind: "Plan", RunID: "r1"}})
}

func TestServiceAccountTokenExchange(t *testing.T) {
	srv, key, id := authFake(t)
	wb := openWith(t, srv, id, &sheets.Credentials{KeyJSON: key})
	if err := addOne(wb); err != nil {
		t.Fatal(err)
	}
	if got := srv.TokenCalls()["urn:ietf:params:oauth:grant-type:jwt-bearer"]; got != 1 {
		t.Errorf("jwt-bearer token calls = %d, want 1 (the token is reused)", got)
	}
	tabs, err := wb.AuxonTabs(context.Background())
	if err != nil || len(tabs) != 1 {
		t.Fatalf("AuxonTabs = %v, %v", tabs, err)
	}
}

func TestADC(t *testing.T) {
	srv, key, id := authFake(t)
	path := filepath.Join(t.TempDir(), "key.json")
	if err := os.WriteFile(path, key, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", path)
	wb := openWith(t, srv, id, &sheets.Credentials{})
	if _, err := wb.Tabs(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestAuthErrors(t *testing.T) {
	tests := []struct {
		name    string
		creds   func(t *testing.T, srv *sheetstest.Server, key []byte) *sheets.Credentials
		write   bool
		want    error
		message string
	}{
		{"bad signature", func(t *testing.T, srv *sheetstest.Server, key []byte) *sheets.Credentials {
			other, _ := srv.NewServiceAccount("other@auxon-test.iam.gserviceaccount.com")
			return &sheets.Credentials{KeyJSON: swapKey(t, key, other)}
		}, false, sheets.ErrAuth, "Invalid JWT Signature."},
		{"not shared", func(t *testing.T, srv *sheetstest.Server, key []byte) *sheets.Credentials {
			k, _ := srv.NewServiceAccount("stranger@auxon-test.iam.gserviceaccount.com")
			return &sheets.Credentials{KeyJSON: k}
		}, false, sheets.ErrNotShared, "share spreadsheet sheet-1 with stranger@auxon-test.iam.gserviceaccount.com"},
		{"read-only scope writes", func(t *testing.T, srv *sheetstest.Server, key []byte) *sheets.Credentials {
			return &sheets.Credentials{KeyJSON: key, ReadOnly: true}
		}, true, sheets.ErrScope, "Request had insufficient authentication scopes."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, key, id := authFake(t)
			wb := openWith(t, srv, id, tc.creds(t, srv, key))
			var err error
			if tc.write {
				err = addOne(wb)
			} else {
				_, err = wb.Tabs(context.Background())
			}
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.message) {
				t.Fatalf("err = %v, want %v mentioning %q", err, tc.want, tc.message)
			}
		})
	}
}

// swapKey returns key with the private key of other: a signature the
// token endpoint cannot verify.
func swapKey(t *testing.T, key, other []byte) []byte {
	var a, b map[string]any
	if json.Unmarshal(key, &a) != nil || json.Unmarshal(other, &b) != nil {
		t.Fatal("bad key JSON")
	}
	a["private_key"] = b["private_key"]
	out, _ := json.Marshal(a)
	return out
}

func TestLoginAndRevokedToken(t *testing.T) {
	srv, _, id := authFake(t)
	secret := srv.NewOAuthClient()
	tokenFile := filepath.Join(t.TempDir(), "auxon", "token.json")
	browser := srv.Client() // follows the redirect to the loopback server
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := sheets.Login(ctx, sheets.LoginOptions{ClientSecret: secret, TokenFile: tokenFile, HTTPClient: srv.Client(),
		Open: func(url string) error {
			if !strings.Contains(url, "code_challenge_method=S256") || !strings.Contains(url, "access_type=offline") {
				t.Errorf("consent URL lacks PKCE or offline access: %s", url)
			}
			resp, err := browser.Get(url)
			if err != nil {
				return err
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("loopback answered %d", resp.StatusCode)
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(tokenFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v, mode %v", err, fi.Mode())
	}
	creds := &sheets.Credentials{TokenFile: tokenFile, ClientSecret: secret}
	if err := addOne(openWith(t, srv, id, creds)); err != nil {
		t.Fatal(err)
	}

	// The user revokes access; the cached access token has expired, so the
	// client must refresh, and the refresh is refused.
	tok, err := sheets.ReadToken(tokenFile)
	if err != nil {
		t.Fatal(err)
	}
	tok.Expiry = time.Now().Add(-time.Hour)
	if err := sheets.WriteToken(tokenFile, tok); err != nil {
		t.Fatal(err)
	}
	srv.RevokeUser("planner@example.com")
	_, err = openWith(t, srv, id, creds).Tabs(context.Background())
	if !errors.Is(err, sheets.ErrAuth) || !strings.Contains(err.Error(), "auxon auth login") ||
		!strings.Contains(err.Error(), "Token has been expired or revoked.") {
		t.Fatalf("err = %v, want ErrAuth asking to log in again", err)
	}
}
