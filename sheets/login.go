package sheets

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
)

// LoginOptions configure Login.
type LoginOptions struct {
	// ClientSecret is the installed-app OAuth client's client_secret.json.
	ClientSecret []byte
	// TokenFile receives the token (mode 0600).
	TokenFile string
	// ReadOnly asks for the spreadsheets.readonly scope only.
	ReadOnly bool
	// Open shows the consent URL to the user: print it, or open a browser.
	Open func(url string) error
	// Listen is the loopback address of the redirect (default
	// "127.0.0.1:0": any free port).
	Listen string
	// HTTPClient makes the token exchange (default http.DefaultClient).
	HTTPClient *http.Client
}

// Login runs the installed-app OAuth flow with a loopback redirect and
// PKCE: it serves the redirect on a local port, has the user consent at
// the URL passed to Open, exchanges the code for a token with offline
// access (a refresh token) and caches it in TokenFile. It returns when the
// browser comes back, or when ctx ends.
func Login(ctx context.Context, o LoginOptions) (*oauth2.Token, error) {
	cfg, err := google.ConfigFromJSON(o.ClientSecret, Scope(o.ReadOnly))
	if err != nil {
		return nil, fmt.Errorf("sheets: login: OAuth client secret: %w", err)
	}
	addr := o.Listen
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("sheets: login: %w", err)
	}
	cfg.RedirectURL = "http://" + ln.Addr().String() + "/"
	state, verifier := randomState(), oauth2.GenerateVerifier()
	codes := make(chan result, 1)
	srv := &http.Server{Handler: redirectHandler(state, codes)}
	go srv.Serve(ln)
	defer srv.Close()
	url := cfg.AuthCodeURL(state, oauth2.AccessTypeOffline, oauth2.S256ChallengeOption(verifier),
		oauth2.SetAuthURLParam("prompt", "consent"))
	if err := o.Open(url); err != nil {
		return nil, fmt.Errorf("sheets: login: %w", err)
	}
	var code string
	select {
	case r := <-codes:
		if r.err != nil {
			return nil, fmt.Errorf("sheets: login: %w", r.err)
		}
		code = r.code
	case <-ctx.Done():
		return nil, fmt.Errorf("sheets: login: waiting for the browser: %w", ctx.Err())
	}
	if o.HTTPClient != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, o.HTTPClient)
	}
	tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, fmt.Errorf("sheets: login: exchange the code: %w", err)
	}
	if err := WriteToken(o.TokenFile, tok); err != nil {
		return nil, err
	}
	return tok, nil
}

type result struct {
	code string
	err  error
}

// redirectHandler takes the first redirect carrying our state.
func redirectHandler(state string, out chan<- result) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("state") != state {
			http.Error(w, "auxon: unexpected state; start `auxon auth login` again", http.StatusBadRequest)
			return
		}
		res := result{code: q.Get("code")}
		if e := q.Get("error"); e != "" || res.code == "" {
			res.err = fmt.Errorf("consent refused: %s", e)
			if e == "" {
				res.err = errors.New("no code in the redirect")
			}
		}
		select {
		case out <- res:
		default:
		}
		fmt.Fprintln(w, "auxon is signed in; you may close this window.")
	})
}

func randomState() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
