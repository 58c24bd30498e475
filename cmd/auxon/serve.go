package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/auxon-planner/auxon/scheduler"
	"github.com/auxon-planner/auxon/scheduler/history"
	"github.com/auxon-planner/auxon/workbook"
)

const serveUsage = `serve --config FILE [flags]

Runs as a service: replans every job of the config on its cron schedule,
keeps the run history in STATE_DIR/history.db, and serves /healthz,
/readyz, /metrics, /api/jobs, /api/runs and POST /api/jobs/NAME/run (with
the bearer token of the config) plus a status page at /. SIGHUP reloads
the config's jobs and token; SIGTERM or Ctrl-C stops taking runs,
cancels running solves and exits within the config's shutdown_timeout.
See config.example.yaml.`

// serveOptions are the flags of auxon serve.
type serveOptions struct {
	config    string
	listen    string
	logFormat string
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o serveOptions
	fs := newFlagSet("serve", serveUsage, stderr)
	fs.StringVar(&o.config, "config", "", "the YAML config file (required)")
	fs.StringVar(&o.listen, "listen", "", "HTTP address, overriding the config's listen")
	fs.StringVar(&o.logFormat, "log-format", "", "text or json, overriding the config's log format")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if o.config == "" || len(fs.Args()) > 0 {
		return fmt.Errorf("%w: serve needs --config FILE and no arguments", errUsage)
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	return serve(ctx, &o, stderr, hup)
}

// loadConfig reads the config and applies the flags' overrides.
func (o *serveOptions) loadConfig() (*scheduler.Config, error) {
	cfg, err := scheduler.LoadConfig(o.config)
	if err != nil {
		return nil, err
	}
	if o.listen != "" {
		cfg.Listen = o.listen
	}
	switch o.logFormat {
	case "":
	case "text", "json":
		cfg.Log.Format = o.logFormat
	default:
		return nil, fmt.Errorf("%w: --log-format %q is not text or json", errUsage, o.logFormat)
	}
	return cfg, nil
}

// serve runs the service until ctx ends; hup delivers reload requests.
func serve(ctx context.Context, o *serveOptions, stderr io.Writer, hup <-chan os.Signal) error {
	cfg, err := o.loadConfig()
	if err != nil {
		return withCode(exitUsage, err)
	}
	log := scheduler.NewLogger(stderr, cfg.Log)
	token, err := cfg.API.ResolveToken()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(cfg.StateDir, 0o755); err != nil {
		return fmt.Errorf("state dir: %w", err)
	}
	store, marked, err := history.Open(filepath.Join(cfg.StateDir, "history.db"), nil)
	if err != nil {
		return err
	}
	defer store.Close()
	metrics := scheduler.NewMetrics()
	for _, r := range marked {
		log.Warn("run was interrupted by a crash", "job", r.Job, "run", r.ID, "source", r.Source, "start", r.Start)
		metrics.Interrupted(r.Job)
	}
	sched := scheduler.New(store, scheduler.WithLogger(log), scheduler.WithMetrics(metrics),
		scheduler.WithMaxConcurrent(cfg.MaxConcurrent), scheduler.WithRunTimeout(cfg.RunTimeout.D()),
		scheduler.WithJitter(cfg.Jitter.D()), scheduler.WithPlanDir(filepath.Join(cfg.StateDir, "plans")),
		scheduler.WithOpener(openSource(cfg, metrics)))
	if err := sched.SetJobs(cfg.Jobs); err != nil {
		return err
	}
	api := scheduler.NewAPI(sched, token)
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{Handler: api, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	sched.Start()
	log.Info("listening", "addr", ln.Addr().String(), "jobs", len(cfg.Jobs), "state_dir", cfg.StateDir,
		"trigger", token != "")
	for {
		select {
		case <-hup:
			reload(o, cfg, sched, api, log)
		case err := <-served:
			_ = sched.Stop(context.Background())
			return fmt.Errorf("http: %w", err)
		case <-ctx.Done():
			return shutdown(cfg, sched, srv, log)
		}
	}
}

// reload applies a changed config's jobs and token; other changes need a
// restart. A bad config is logged and the running one kept.
func reload(o *serveOptions, cur *scheduler.Config, sched *scheduler.Scheduler, api *scheduler.API, log *slog.Logger) {
	cfg, err := o.loadConfig()
	if err == nil {
		var token string
		if token, err = cfg.API.ResolveToken(); err == nil {
			if err = sched.SetJobs(cfg.Jobs); err == nil {
				api.SetToken(token)
			}
		}
	}
	if err != nil {
		log.Error("config not reloaded; keeping the running one", "err", err.Error())
		return
	}
	if cfg.Listen != cur.Listen || cfg.StateDir != cur.StateDir || cfg.MaxConcurrent != cur.MaxConcurrent {
		log.Warn("listen, state_dir and max_concurrent changes take effect on restart")
	}
	log.Info("config reloaded", "jobs", len(cfg.Jobs))
}

// shutdown stops taking runs, cancels the running ones and closes the
// HTTP server, within the config's shutdown timeout.
func shutdown(cfg *scheduler.Config, sched *scheduler.Scheduler, srv *http.Server, log *slog.Logger) error {
	log.Info("stopping: no new runs; cancelling solves", "timeout", cfg.ShutdownTimeout.D().String())
	ctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout.D())
	defer cancel()
	stopErr := sched.Stop(ctx)
	httpErr := srv.Shutdown(ctx)
	if err := errors.Join(stopErr, httpErr); err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}

// openSource opens XLSX sources itself; Sheets sources need the Google
// Sheets driver (see newSheetsOpener).
func openSource(cfg *scheduler.Config, metrics *scheduler.Metrics) scheduler.Opener {
	sheets := newSheetsOpener(cfg.Credentials, metrics.SheetsCall)
	return func(ctx context.Context, src scheduler.Source) (*workbook.Workbook, error) {
		if src.Sheet != "" {
			return sheets(ctx, src)
		}
		return scheduler.OpenXLSX(ctx, src)
	}
}

// newSheetsOpener returns the Opener of Sheets sources: the credentials
// file of the config (else the environment, the login cache or ADC, as
// for auxon plan --sheet). The driver reports every API call to onCall
// (attempt counts from 1; attempts above 1 are retries), which feeds
// auxon_sheets_api_calls_total and auxon_sheets_api_retries_total.
func newSheetsOpener(creds scheduler.Credentials, onCall func(method string, attempt int)) scheduler.Opener {
	return func(ctx context.Context, src scheduler.Source) (*workbook.Workbook, error) {
		return openSpreadsheet(ctx, spreadsheetID(src.Sheet), sheetCredentials(creds.Google, ""), false, onCall)
	}
}
