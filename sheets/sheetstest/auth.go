package sheetstest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Scopes the fake checks.
const (
	scopeSheets   = "https://www.googleapis.com/auth/spreadsheets"
	scopeSheetsRO = "https://www.googleapis.com/auth/spreadsheets.readonly"
	scopeDrive    = "https://www.googleapis.com/auth/drive"
	scopeDriveRO  = "https://www.googleapis.com/auth/drive.readonly"
)

const tokenLifetime = time.Hour

// caller is who makes an API call.
type caller struct {
	email  string // "" when auth is off
	scopes []string
	anon   bool
}

func (c *caller) can(write bool) bool {
	if c.anon {
		return true
	}
	for _, sc := range c.scopes {
		if sc == scopeSheets || sc == scopeDrive || (!write && (sc == scopeSheetsRO || sc == scopeDriveRO)) {
			return true
		}
	}
	return false
}

func (c *caller) mayUse(b *book, write bool) bool {
	if c.anon || (b.writers == nil && b.readers == nil) {
		return true
	}
	if slices.Contains(b.writers, c.email) {
		return true
	}
	return !write && slices.Contains(b.readers, c.email)
}

type accessToken struct {
	email   string
	scopes  []string
	expiry  time.Time
	refresh string // the refresh token it came from, if any
}

type refreshGrant struct {
	email, client string
	scopes        []string
	revoked       bool
}

type authCode struct {
	client, redirect, challenge, email string
	scopes                             []string
}

type authState struct {
	accounts map[string]*rsa.PublicKey // service account email -> key
	clients  map[string]string         // client id -> secret
	tokens   map[string]*accessToken
	refresh  map[string]*refreshGrant
	codes    map[string]*authCode
	tokenN   map[string]int // token endpoint calls by grant type
}

func newAuthState() authState {
	return authState{accounts: map[string]*rsa.PublicKey{}, clients: map[string]string{},
		tokens: map[string]*accessToken{}, refresh: map[string]*refreshGrant{}, codes: map[string]*authCode{},
		tokenN: map[string]int{}}
}

func randomToken(prefix string) string {
	var b [16]byte
	rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// authenticate checks the Bearer token and its scopes.
func (s *Server) authenticate(r *http.Request, write bool) (*caller, *apiError) {
	if !s.opts.RequireAuth {
		return &caller{anon: true}, nil
	}
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || tok == "" {
		return nil, unauthenticated(msgMissingCreds)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.auth.tokens[tok]
	if t == nil || !s.opts.Now().Before(t.expiry) || (t.refresh != "" && s.auth.refresh[t.refresh].revoked) {
		return nil, unauthenticated(msgInvalidCreds)
	}
	c := &caller{email: t.email, scopes: t.scopes}
	if !c.can(write) {
		return nil, scopeError()
	}
	return c, nil
}

// NewServiceAccount makes an RSA key for a service account, registers its
// public half with the token endpoint and returns the JSON key file, whose
// token_uri is the fake's.
func (s *Server) NewServiceAccount(email string) ([]byte, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("sheetstest: service account key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("sheetstest: service account key: %w", err)
	}
	s.mu.Lock()
	s.auth.accounts[email] = &key.PublicKey
	s.mu.Unlock()
	return json.MarshalIndent(map[string]string{
		"type": "service_account", "project_id": "auxon-test", "private_key_id": randomToken(""),
		"private_key":  string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"client_email": email, "client_id": "1" + strings.Repeat("0", 20),
		"auth_uri": s.AuthURL(), "token_uri": s.TokenURL(), "universe_domain": "googleapis.com",
	}, "", "  ")
}

// NewOAuthClient registers an installed-app OAuth client and returns its
// client_secret.json, whose endpoints are the fake's.
func (s *Server) NewOAuthClient() []byte {
	id, secret := randomToken("client-")+".apps.googleusercontent.com", randomToken("secret-")
	s.mu.Lock()
	s.auth.clients[id] = secret
	s.mu.Unlock()
	b, _ := json.Marshal(map[string]any{"installed": map[string]any{
		"client_id": id, "client_secret": secret, "project_id": "auxon-test",
		"auth_uri": s.AuthURL(), "token_uri": s.TokenURL(), "redirect_uris": []string{"http://localhost"},
	}})
	return b
}

// IssueToken mints an access token for email with scopes, valid for an
// hour of the fake's clock, without a token exchange.
func (s *Server) IssueToken(email string, scopes ...string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mintLocked(email, scopes, "")
}

func (s *Server) mintLocked(email string, scopes []string, refresh string) string {
	tok := randomToken("ya29.fake-")
	s.auth.tokens[tok] = &accessToken{email: email, scopes: scopes, expiry: s.opts.Now().Add(tokenLifetime), refresh: refresh}
	return tok
}

// RevokeUser revokes every refresh token granted to email and the access
// tokens minted from them, as when a user removes the app's access.
func (s *Server) RevokeUser(email string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range s.auth.refresh {
		if g.email == email {
			g.revoked = true
		}
	}
}

// TokenCalls returns how many token endpoint calls each grant type got.
func (s *Server) TokenCalls() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for k, v := range s.auth.tokenN {
		out[k] = v
	}
	return out
}

func tokenError(w http.ResponseWriter, code int, kind, desc string) {
	writeJSON(w, code, map[string]string{"error": kind, "error_description": desc})
}

// serveToken is the token endpoint: jwt-bearer, authorization_code and
// refresh_token grants.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.ParseForm() != nil {
		tokenError(w, 400, "invalid_request", "Bad Request")
		return
	}
	grant := r.PostForm.Get("grant_type")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.auth.tokenN[grant]++
	var (
		email, refresh string
		scopes         []string
		desc           string
	)
	switch grant {
	case "urn:ietf:params:oauth:grant-type:jwt-bearer":
		email, scopes, desc = s.checkJWT(r.PostForm.Get("assertion"))
	case "authorization_code":
		email, scopes, refresh, desc = s.exchangeCode(r)
	case "refresh_token":
		email, scopes, refresh, desc = s.refreshGrant(r)
	default:
		tokenError(w, 400, "unsupported_grant_type", "Invalid grant_type: "+grant)
		return
	}
	if desc != "" {
		tokenError(w, 400, "invalid_grant", desc)
		return
	}
	body := map[string]any{"access_token": s.mintLocked(email, scopes, refresh), "expires_in": int(tokenLifetime.Seconds()) - 1,
		"token_type": "Bearer", "scope": strings.Join(scopes, " ")}
	if grant == "authorization_code" {
		body["refresh_token"] = refresh
	}
	writeJSON(w, 200, body)
}

// checkJWT verifies a jwt-bearer assertion: RS256 signature by a known
// service account, audience and lifetime.
func (s *Server) checkJWT(assertion string) (email string, scopes []string, desc string) {
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return "", nil, "Invalid JWT: malformed assertion."
	}
	var claims struct {
		Iss   string `json:"iss"`
		Scope string `json:"scope"`
		Aud   string `json:"aud"`
		Exp   int64  `json:"exp"`
		Iat   int64  `json:"iat"`
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || json.Unmarshal(raw, &claims) != nil {
		return "", nil, "Invalid JWT: malformed claims."
	}
	pub := s.auth.accounts[claims.Iss]
	if pub == nil {
		return "", nil, "Invalid grant: account not found"
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err != nil || rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig) != nil {
		return "", nil, "Invalid JWT Signature."
	}
	if claims.Aud != s.TokenURL() {
		return "", nil, "Invalid JWT: Failed audience check. The right audience is " + s.TokenURL()
	}
	now := s.opts.Now().Unix()
	if claims.Exp-claims.Iat > 3600 || claims.Iat > now+300 || claims.Exp < now {
		return "", nil, "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim."
	}
	if claims.Scope == "" {
		return "", nil, "Invalid OAuth scope or ID token audience provided."
	}
	return claims.Iss, strings.Fields(claims.Scope), ""
}

// clientOK checks the client credentials of a token request.
func (s *Server) clientOK(r *http.Request) (string, bool) {
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	want, known := s.auth.clients[id]
	return id, known && want == secret
}

func (s *Server) exchangeCode(r *http.Request) (email string, scopes []string, refresh, desc string) {
	client, ok := s.clientOK(r)
	if !ok {
		return "", nil, "", "Unauthorized"
	}
	code := s.auth.codes[r.PostForm.Get("code")]
	delete(s.auth.codes, r.PostForm.Get("code"))
	if code == nil || code.client != client {
		return "", nil, "", "Malformed auth code."
	}
	if code.redirect != r.PostForm.Get("redirect_uri") {
		return "", nil, "", "Bad Request"
	}
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	if code.challenge != "" && base64.RawURLEncoding.EncodeToString(sum[:]) != code.challenge {
		return "", nil, "", "Invalid code verifier."
	}
	refresh = randomToken("1//fake-refresh-")
	s.auth.refresh[refresh] = &refreshGrant{email: code.email, client: client, scopes: code.scopes}
	return code.email, code.scopes, refresh, ""
}

func (s *Server) refreshGrant(r *http.Request) (email string, scopes []string, refresh, desc string) {
	client, ok := s.clientOK(r)
	if !ok {
		return "", nil, "", "Unauthorized"
	}
	refresh = r.PostForm.Get("refresh_token")
	g := s.auth.refresh[refresh]
	if g == nil || g.revoked || g.client != client {
		return "", nil, "", "Token has been expired or revoked."
	}
	return g.email, g.scopes, refresh, ""
}

// serveAuthorize consents at once as Options.User and redirects to the
// client's loopback redirect_uri with a code.
func (s *Server) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	_, known := s.auth.clients[q.Get("client_id")]
	s.mu.Unlock()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	switch {
	case !known:
		http.Error(w, "Error 401: invalid_client", http.StatusUnauthorized)
		return
	case err != nil || (redirect.Hostname() != "127.0.0.1" && redirect.Hostname() != "localhost" && redirect.Hostname() != "::1"):
		http.Error(w, "Error 400: redirect_uri_mismatch", http.StatusBadRequest)
		return
	case q.Get("response_type") != "code" || q.Get("scope") == "":
		http.Error(w, "Error 400: invalid_request", http.StatusBadRequest)
		return
	case q.Get("code_challenge") != "" && q.Get("code_challenge_method") != "S256":
		http.Error(w, "Error 400: invalid_request", http.StatusBadRequest)
		return
	}
	code := randomToken("4/fake-code-")
	s.mu.Lock()
	s.auth.codes[code] = &authCode{client: q.Get("client_id"), redirect: q.Get("redirect_uri"),
		challenge: q.Get("code_challenge"), email: s.opts.User, scopes: strings.Fields(q.Get("scope"))}
	s.mu.Unlock()
	v := redirect.Query()
	v.Set("code", code)
	v.Set("state", q.Get("state"))
	v.Set("scope", q.Get("scope"))
	redirect.RawQuery = v.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// quotaState counts calls in the current minute of the fake's clock.
type quotaState struct {
	minute int64
	user   map[string][2]int // [reads, writes] by user
	proj   [2]int
}

// charge counts one call against the read or write buckets, or returns
// the 429 Google gives. s.mu is held.
func (s *Server) charge(c *caller, write bool) *apiError {
	m := s.opts.Now().Unix() / 60
	if m != s.quota.minute || s.quota.user == nil {
		s.quota = quotaState{minute: m, user: map[string][2]int{}}
	}
	k := 0
	userLimit, projLimit := s.opts.ReadsPerUser, s.opts.ReadsPerProject
	if write {
		k, userLimit, projLimit = 1, s.opts.WritesPerUser, s.opts.WritesPerProject
	}
	u := s.quota.user[c.email]
	if userLimit >= 0 && u[k] >= userLimit {
		return quotaError(write, true)
	}
	if projLimit >= 0 && s.quota.proj[k] >= projLimit {
		return quotaError(write, false)
	}
	u[k]++
	s.quota.user[c.email] = u
	s.quota.proj[k]++
	return nil
}
