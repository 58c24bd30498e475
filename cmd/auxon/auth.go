package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/auxon-planner/auxon/sheets"
)

const authUsage = `auth login [--client-secret FILE] [--token FILE] [--read-only]
       auxon auth logout [--token FILE]

login signs you in to Google for --sheet: it prints a URL, you consent in
a browser (on this machine: the redirect comes back to a local port), and
the token is cached (mode 0600) for later runs; the OAuth client is
saved beside it. Create the client as a "Desktop app" in the Google Cloud
console and download its JSON. Scope: spreadsheets (spreadsheets.readonly
with --read-only). logout deletes the cached token.`

// authOptions are the flags of auxon auth.
type authOptions struct {
	clientSecret string
	token        string
	readOnly     bool
	// open shows the consent URL (default: print it to stderr).
	open func(url string) error
}

func runAuth(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o authOptions
	fs := newFlagSet("auth", authUsage, stderr)
	fs.StringVar(&o.clientSecret, "client-secret", "", "OAuth client secret JSON (default $"+envCredentials+", else the one saved by the last login)")
	fs.StringVar(&o.token, "token", "", "where the token is cached (default $"+envToken+", else "+displayPath(defaultTokenFile())+")")
	fs.BoolVar(&o.readOnly, "read-only", false, "ask for read-only access (enough for validate)")
	if len(args) == 0 {
		fs.Usage()
		return fmt.Errorf("%w: auth needs login or logout", errUsage)
	}
	sub := args[0]
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	o.token = firstNonEmpty(o.token, os.Getenv(envToken), defaultTokenFile())
	switch sub {
	case "login":
		o.open = func(url string) error {
			_, err := fmt.Fprintf(stderr, "Open this URL in a browser on this machine and allow access:\n\n  %s\n\nWaiting for the browser...\n", url)
			return err
		}
		if err := authLogin(ctx, &o); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "signed in; token cached in %s\n", o.token)
		return nil
	case "logout":
		if err := os.Remove(o.token); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("logout: %w", err)
		}
		fmt.Fprintf(stdout, "removed %s\n", o.token)
		return nil
	}
	return fmt.Errorf("%w: unknown auth command %q (login or logout)", errUsage, sub)
}

// authLogin runs the loopback flow and saves the client beside the token.
func authLogin(ctx context.Context, o *authOptions) error {
	file := firstNonEmpty(o.clientSecret, os.Getenv(envCredentials), savedClientFile())
	if file == "" || !fileExists(file) {
		return fmt.Errorf("%w: auth login needs --client-secret FILE (an OAuth \"Desktop app\" client)", errUsage)
	}
	secret, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("auth login: %w", err)
	}
	if _, err := sheets.Login(ctx, sheets.LoginOptions{ClientSecret: secret, TokenFile: o.token, ReadOnly: o.readOnly, Open: o.open}); err != nil {
		return err
	}
	saved := savedClientFile()
	if saved == "" || sameFile(file, saved) || filepath.Dir(o.token) != filepath.Dir(saved) {
		return nil
	}
	if err := os.WriteFile(saved, secret, 0o600); err != nil {
		return fmt.Errorf("auth login: save the client: %w", err)
	}
	return nil
}

func sameFile(a, b string) bool {
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}
