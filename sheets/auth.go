package sheets

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
	"google.golang.org/api/option"
	"google.golang.org/api/sheets/v4"
)

// Credentials choose how NewService authenticates. Exactly one source is
// used, in this order: a service-account key (KeyJSON or KeyFile), a user
// token cached by Login (TokenFile, with the OAuth client of ClientSecret
// or ClientSecretFile), else Application Default Credentials
// (GOOGLE_APPLICATION_CREDENTIALS, gcloud's file, the metadata server).
type Credentials struct {
	// KeyFile is a service account's JSON key; KeyJSON its content.
	KeyFile string
	KeyJSON []byte
	// Subject, for a service account with domain-wide delegation, is the
	// user to act as.
	Subject string
	// TokenFile is a token cached by Login.
	TokenFile string
	// ClientSecretFile is the installed-app OAuth client the token was
	// granted to; ClientSecret its content.
	ClientSecretFile string
	ClientSecret     []byte
	// ReadOnly asks for the spreadsheets.readonly scope instead of
	// spreadsheets: enough to validate, not to plan.
	ReadOnly bool
	// Endpoint overrides the API's base URL (tests, proxies).
	Endpoint string
	// HTTPClient is the base client of token and API calls (default
	// http.DefaultClient).
	HTTPClient *http.Client
}

// Scope is the OAuth scope credentials ask for: spreadsheets, or
// spreadsheets.readonly when readOnly. Never the Drive scopes.
func Scope(readOnly bool) string {
	if readOnly {
		return sheets.SpreadsheetsReadonlyScope
	}
	return sheets.SpreadsheetsScope
}

// NewService returns a Sheets client authenticated by c, and the account
// it acts as when known (a service account's email), for error messages.
func NewService(ctx context.Context, c *Credentials) (svc *sheets.Service, account string, err error) {
	base := c.HTTPClient
	if base == nil {
		base = http.DefaultClient
	}
	// Tokens refresh long after ctx's request; keep its values only.
	tctx := context.WithValue(context.WithoutCancel(ctx), oauth2.HTTPClient, base)
	ts, account, err := c.tokenSource(tctx)
	if err != nil {
		return nil, "", err
	}
	opts := []option.ClientOption{option.WithHTTPClient(oauth2.NewClient(tctx, ts))}
	if c.Endpoint != "" {
		opts = append(opts, option.WithEndpoint(c.Endpoint))
	}
	svc, err = sheets.NewService(ctx, opts...)
	if err != nil {
		return nil, "", fmt.Errorf("sheets: client: %w", err)
	}
	return svc, account, nil
}

func (c *Credentials) tokenSource(ctx context.Context) (oauth2.TokenSource, string, error) {
	scope := Scope(c.ReadOnly)
	switch {
	case c.KeyFile != "" || c.KeyJSON != nil:
		key, err := readOr(c.KeyJSON, c.KeyFile)
		if err != nil {
			return nil, "", fmt.Errorf("sheets: service account key: %w", err)
		}
		cfg, err := google.JWTConfigFromJSON(key, scope)
		if err != nil {
			return nil, "", fmt.Errorf("sheets: service account key %s: %w", c.KeyFile, err)
		}
		cfg.Subject = c.Subject
		return cfg.TokenSource(ctx), cfg.Email, nil
	case c.TokenFile != "":
		secret, err := readOr(c.ClientSecret, c.ClientSecretFile)
		if err != nil {
			return nil, "", fmt.Errorf("sheets: a cached user token needs its OAuth client secret: %w", err)
		}
		cfg, err := google.ConfigFromJSON(secret, scope)
		if err != nil {
			return nil, "", fmt.Errorf("sheets: OAuth client secret: %w", err)
		}
		tok, err := ReadToken(c.TokenFile)
		if err != nil {
			return nil, "", err
		}
		return &savingSource{src: cfg.TokenSource(ctx, tok), path: c.TokenFile, last: tok.AccessToken}, "", nil
	}
	creds, err := google.FindDefaultCredentials(ctx, scope)
	if err != nil {
		return nil, "", fmt.Errorf("sheets: no credentials given and %w", err)
	}
	var who struct {
		Email string `json:"client_email"`
	}
	json.Unmarshal(creds.JSON, &who)
	return creds.TokenSource, who.Email, nil
}

func readOr(data []byte, path string) ([]byte, error) {
	if data != nil {
		return data, nil
	}
	if path == "" {
		return nil, errors.New("no file given")
	}
	return os.ReadFile(path)
}

// savingSource writes refreshed tokens back to the cache file, so the
// refresh token's rotation is kept. A failed save is ignored: the token in
// hand is still good.
type savingSource struct {
	mu   sync.Mutex
	src  oauth2.TokenSource
	path string
	last string
}

func (s *savingSource) Token() (*oauth2.Token, error) {
	tok, err := s.src.Token()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if tok.AccessToken != s.last {
		s.last = tok.AccessToken
		_ = WriteToken(s.path, tok)
	}
	return tok, nil
}

// ReadToken reads a token cached by Login.
func ReadToken(path string) (*oauth2.Token, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sheets: token cache (run `auxon auth login`): %w", err)
	}
	var tok oauth2.Token
	if err := json.Unmarshal(b, &tok); err != nil || tok.RefreshToken == "" && tok.AccessToken == "" {
		return nil, fmt.Errorf("sheets: token cache %s is not a token (run `auxon auth login`)", path)
	}
	return &tok, nil
}

// WriteToken caches a token at path, readable by its owner only, through a
// temporary file renamed over it.
func WriteToken(path string, tok *oauth2.Token) error {
	b, err := json.MarshalIndent(tok, "", "  ")
	if err != nil {
		return fmt.Errorf("sheets: token cache: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("sheets: token cache: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".token-*")
	if err != nil {
		return fmt.Errorf("sheets: token cache: %w", err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("sheets: token cache: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("sheets: token cache: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("sheets: token cache: %w", err)
	}
	return nil
}
