package sheetstest

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"google.golang.org/api/option"
	"google.golang.org/api/sheets/v4"
)

// projectNumber is the consumer project of every quota error.
const projectNumber = "1234567890"

// Options configure NewServer. A nil *Options takes every default.
type Options struct {
	// Now is the clock of quotas and token lifetimes (default time.Now).
	Now func() time.Time
	// RequireAuth makes every API call need a Bearer token issued by the
	// fake's token endpoint. Without it any or no token is accepted and the
	// caller is anonymous, with every scope.
	RequireAuth bool
	// User is who consents at the fake's /o/oauth2/auth endpoint (default
	// "planner@example.com").
	User string
	// ReadsPerUser, WritesPerUser, ReadsPerProject and WritesPerProject
	// are the per-minute quotas (defaults 60, 60, 300, 300; negative means
	// unlimited).
	ReadsPerUser, WritesPerUser, ReadsPerProject, WritesPerProject int
	// Seed seeds the random ids the fake assigns (default 1).
	Seed uint64
}

// Server is a fake Sheets API and OAuth 2.0 endpoint on a local HTTP
// server. It is safe for concurrent use.
type Server struct {
	ts   *httptest.Server
	opts Options

	mu      sync.Mutex
	books   map[string]*book
	rnd     *rand.Rand
	calls   map[string]int
	faults  []*Fault
	late    []*lateApply
	hook    func(Call)
	quota   quotaState
	auth    authState
	nextBID int

	closing   chan struct{} // closed by Close: releases hanging faults
	closeOnce sync.Once
}

// Call describes one API call, for Calls and the hook.
type Call struct {
	// Method is the API method, e.g. "spreadsheets.get",
	// "spreadsheets.batchUpdate", "spreadsheets.values.batchGet".
	Method string
	// Spreadsheet is the spreadsheet id.
	Spreadsheet string
	// Write reports whether the method counts against the write quota.
	Write bool
}

// NewServer starts a fake. Close it when done.
func NewServer(opts *Options) *Server {
	s := &Server{books: map[string]*book{}, calls: map[string]int{}, closing: make(chan struct{})}
	if opts != nil {
		s.opts = *opts
	}
	if s.opts.Now == nil {
		s.opts.Now = time.Now
	}
	if s.opts.User == "" {
		s.opts.User = "planner@example.com"
	}
	s.opts.ReadsPerUser = quotaDefault(s.opts.ReadsPerUser, 60)
	s.opts.WritesPerUser = quotaDefault(s.opts.WritesPerUser, 60)
	s.opts.ReadsPerProject = quotaDefault(s.opts.ReadsPerProject, 300)
	s.opts.WritesPerProject = quotaDefault(s.opts.WritesPerProject, 300)
	seed := s.opts.Seed
	if seed == 0 {
		seed = 1
	}
	s.rnd = rand.New(rand.NewPCG(seed, seed^0x5eed))
	s.auth = newAuthState()
	s.ts = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

func quotaDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// URL is the server's base URL, without a trailing slash.
func (s *Server) URL() string { return s.ts.URL }

// TokenURL is the OAuth 2.0 token endpoint.
func (s *Server) TokenURL() string { return s.ts.URL + "/token" }

// AuthURL is the OAuth 2.0 authorization endpoint.
func (s *Server) AuthURL() string { return s.ts.URL + "/o/oauth2/auth" }

// Client is an HTTP client for the server that also checks every
// successful API response decodes strictly as its sheets/v4 type (a
// response that does not fails the call).
func (s *Server) Client() *http.Client {
	return &http.Client{Transport: strictTransport{base: s.ts.Client().Transport}}
}

// Close shuts the server down.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closing) })
	s.ts.Close()
}

// Service returns the real Sheets client pointed at the fake, sending no
// credentials (for a server without RequireAuth).
func (s *Server) Service(ctx context.Context) (*sheets.Service, error) {
	return sheets.NewService(ctx, option.WithEndpoint(s.ts.URL+"/"), option.WithHTTPClient(s.Client()))
}

// ServiceWithToken returns the real Sheets client sending a fixed Bearer
// token, such as one from IssueToken.
func (s *Server) ServiceWithToken(ctx context.Context, token string) (*sheets.Service, error) {
	c := &http.Client{Transport: bearer{token: token, base: s.Client().Transport}}
	return sheets.NewService(ctx, option.WithEndpoint(s.ts.URL+"/"), option.WithHTTPClient(c))
}

type bearer struct {
	token string
	base  http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.base.RoundTrip(r)
}

// Calls returns how many API calls each method received (token endpoint
// calls excluded), and the total.
func (s *Server) Calls() (byMethod map[string]int, total int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for k, v := range s.calls {
		out[k] = v
		total += v
	}
	return out, total
}

// ResetCalls zeroes the call counts.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = map[string]int{}
}

// SetHook installs fn to run before each API call is handled, with no
// lock held: it may call Edit to play a human editing the sheet. A nil fn
// removes the hook.
func (s *Server) SetHook(fn func(Call)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hook = fn
}

// Fault is an injected failure. Faults are consumed in the order injected
// by the first calls they match.
type Fault struct {
	// Method limits the fault to one API method ("" matches any).
	Method string
	// Status is the HTTP status to answer: 429, 500 or 503 (0 with Hang:
	// answer normally, but only after the client gave up).
	Status int
	// Apply handles the call before answering Status: the "applied but
	// 503" case.
	Apply bool
	// Hang holds the answer until the client gives up (its context ends).
	Hang bool
	// LateBy, if positive, applies the call after all, just before the
	// LateBy-th next API call is handled: a write that failed, was
	// checked for, and then landed.
	LateBy int
	// Times is how many calls the fault hits (default 1).
	Times int
}

// Inject queues a fault.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Times <= 0 {
		f.Times = 1
	}
	s.faults = append(s.faults, &f)
}

// ClearFaults drops every queued fault and late application.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults, s.late = nil, nil
}

// lateApply is a faulted call to apply later (Fault.LateBy).
type lateApply struct {
	left int
	fn   func()
}

// dueLate counts one call down on every late application and returns
// those now due. s.mu is held.
func (s *Server) dueLate() []func() {
	var due []func()
	kept := s.late[:0]
	for _, l := range s.late {
		if l.left--; l.left == 0 {
			due = append(due, l.fn)
		} else {
			kept = append(kept, l)
		}
	}
	s.late = kept
	return due
}

// takeFault returns the next fault matching method, if any.
func (s *Server) takeFault(method string) *Fault {
	for i, f := range s.faults {
		if f.Method == "" || f.Method == method {
			f.Times--
			if f.Times == 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			c := *f
			return &c
		}
	}
	return nil
}

// route is one parsed API request.
type route struct {
	method  string
	id      string
	rng     string // values/{range}
	write   bool
	handler func(s *Server, w http.ResponseWriter, r *http.Request, rt *route, c *caller) *apiError
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/token":
		s.serveToken(w, r)
		return
	case "/o/oauth2/auth":
		s.serveAuthorize(w, r)
		return
	}
	// Reading the body now lets the server notice a client that gives up
	// while a fault hangs.
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, badRequest("Invalid JSON payload received."))
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	rt := parseRoute(r)
	if rt == nil {
		writeError(w, newError(404, msgNotFound))
		return
	}
	s.mu.Lock()
	s.calls[rt.method]++
	hook := s.hook
	due := s.dueLate()
	s.mu.Unlock()
	for _, fn := range due {
		fn()
	}
	if hook != nil {
		hook(Call{Method: rt.method, Spreadsheet: rt.id, Write: rt.write})
	}
	if e := s.handle(w, r, rt); e != nil {
		writeError(w, e)
	}
}

// handle authenticates, charges quota, injects faults and dispatches.
func (s *Server) handle(w http.ResponseWriter, r *http.Request, rt *route) *apiError {
	c, e := s.authenticate(r, rt.write)
	if e != nil {
		return e
	}
	s.mu.Lock()
	e = s.charge(c, rt.write)
	f := s.takeFault(rt.method)
	s.mu.Unlock()
	if e != nil {
		return e
	}
	if f == nil {
		return rt.handler(s, w, r, rt, c)
	}
	if f.Apply {
		rt.handler(s, discard{}, r, rt, c)
	}
	if f.LateBy > 0 {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.late = append(s.late, &lateApply{left: f.LateBy, fn: func() {
			r.Body = io.NopCloser(bytes.NewReader(body))
			rt.handler(s, discard{}, r, rt, c)
		}})
		s.mu.Unlock()
	}
	if f.Hang {
		select {
		case <-r.Context().Done():
		case <-s.closing:
		}
		if f.Status == 0 && !f.Apply {
			return rt.handler(s, w, r, rt, c)
		}
	}
	switch f.Status {
	case 0:
		return nil
	case 429:
		return quotaError(rt.write, true)
	case 500:
		return newError(500, msgInternal)
	default:
		return newError(f.Status, msgUnavailable)
	}
}

// discard is a ResponseWriter that drops the answer of an applied fault.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}

// parseRoute maps an escaped path to its method, splitting the verb on the
// last ':' of the escaped segment.
func parseRoute(r *http.Request) *route {
	p, ok := strings.CutPrefix(r.URL.EscapedPath(), "/v4/spreadsheets/")
	if !ok || p == "" {
		return nil
	}
	seg := strings.Split(p, "/")
	id, verb := splitVerb(seg[0])
	id, _ = url.PathUnescape(id)
	rt := &route{id: id}
	switch {
	case len(seg) == 1 && verb == "" && r.Method == http.MethodGet:
		rt.method, rt.handler = "spreadsheets.get", (*Server).getSpreadsheet
	case len(seg) == 1 && verb == "batchUpdate" && r.Method == http.MethodPost:
		rt.method, rt.write, rt.handler = "spreadsheets.batchUpdate", true, (*Server).batchUpdate
	case len(seg) == 2 && seg[1] == "values:batchGet" && r.Method == http.MethodGet:
		rt.method, rt.handler = "spreadsheets.values.batchGet", (*Server).valuesBatchGet
	case len(seg) == 2 && seg[1] == "values:batchUpdate" && r.Method == http.MethodPost:
		rt.method, rt.write, rt.handler = "spreadsheets.values.batchUpdate", true, (*Server).valuesBatchUpdate
	case len(seg) == 3 && seg[1] == "values":
		rng, v := splitVerb(seg[2])
		rt.rng, _ = url.PathUnescape(rng)
		switch {
		case v == "" && r.Method == http.MethodGet:
			rt.method, rt.handler = "spreadsheets.values.get", (*Server).valuesGet
		case v == "" && r.Method == http.MethodPut:
			rt.method, rt.write, rt.handler = "spreadsheets.values.update", true, (*Server).valuesUpdate
		case v == "append" && r.Method == http.MethodPost:
			rt.method, rt.write, rt.handler = "spreadsheets.values.append", true, (*Server).valuesAppend
		case v == "clear" && r.Method == http.MethodPost:
			rt.method, rt.write, rt.handler = "spreadsheets.values.clear", true, (*Server).valuesClear
		default:
			return nil
		}
	default:
		return nil
	}
	return rt
}

func splitVerb(seg string) (string, string) {
	if i := strings.LastIndexByte(seg, ':'); i >= 0 {
		return seg[:i], seg[i+1:]
	}
	return seg, ""
}

// book returns the spreadsheet a caller may use, or the error Google gives.
func (s *Server) bookFor(id string, c *caller, write bool) (*book, *apiError) {
	b := s.books[id]
	if b == nil {
		return nil, newError(404, msgNotFound)
	}
	if !c.mayUse(b, write) {
		return nil, newError(403, msgNoPermission)
	}
	return b, nil
}

// draft returns a copy of the spreadsheet the caller may write, with the
// caller recorded as the actor of the changes. A handler changes the copy
// and stores it in s.books only when the whole request succeeded, which
// keeps every request all-or-nothing. s.mu must be held.
func (s *Server) draft(id string, c *caller) (*book, *apiError) {
	b, e := s.bookFor(id, c, true)
	if e != nil {
		return nil, e
	}
	work := b.clone()
	work.actor = c.email
	return work, nil
}

// newID returns a random positive 31-bit id not in use.
func (s *Server) newID(used func(int64) bool) int64 {
	for {
		id := s.rnd.Int64N(1<<31-2) + 1
		if !used(id) {
			return id
		}
	}
}
