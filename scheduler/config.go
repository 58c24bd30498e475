package scheduler

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	_ "time/tzdata" // time zones work on hosts without a zoneinfo database

	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"

	"github.com/auxon-planner/auxon/pipeline"
)

// Config is the content of auxon serve's YAML configuration file; see
// config.example.yaml at the repository root for every key and default.
type Config struct {
	// Listen is the HTTP address (default 127.0.0.1:8080: localhost only).
	Listen string `yaml:"listen"`
	// StateDir holds the run history database and plan.json files
	// (default ./auxon-state).
	StateDir string `yaml:"state_dir"`
	// Log configures structured logging.
	Log LogConfig `yaml:"log"`
	// API guards POST /api/jobs/{name}/run.
	API APIConfig `yaml:"api"`
	// Credentials are for Google Sheets jobs.
	Credentials Credentials `yaml:"credentials"`
	// MaxConcurrent bounds the runs that solve at once (default 2).
	MaxConcurrent int `yaml:"max_concurrent"`
	// RunTimeout bounds each run, from the start of its solve slot
	// (default 30m); a job's timeout overrides it.
	RunTimeout Duration `yaml:"run_timeout"`
	// ShutdownTimeout bounds the wait for runs to stop on SIGTERM
	// (default 30s).
	ShutdownTimeout Duration `yaml:"shutdown_timeout"`
	// Jitter delays each scheduled run by a random duration below it
	// (default 0); a job's jitter overrides it.
	Jitter Duration `yaml:"jitter"`
	// Jobs are the planning jobs.
	Jobs []Job `yaml:"jobs"`
}

// LogConfig configures the slog logger.
type LogConfig struct {
	// Format is "text" (default) or "json".
	Format string `yaml:"format"`
	// Level is debug, info (default), warn or error.
	Level string `yaml:"level"`
}

// APIConfig holds the bearer token of the trigger endpoint: given
// inline, read from a file or from an environment variable (the first
// set wins, in that order). With no token, triggering over HTTP is off.
type APIConfig struct {
	Token     string `yaml:"token"`
	TokenFile string `yaml:"token_file"`
	TokenEnv  string `yaml:"token_env"`
}

// Credentials locate secrets for the Sheets driver.
type Credentials struct {
	// Google is a service account or OAuth client JSON file.
	Google string `yaml:"google"`
}

// Job is one planning job: a source, a schedule and solver settings.
type Job struct {
	// Name identifies the job in the API, metrics and history.
	Name string `yaml:"name"`
	// Sheet is a Google spreadsheet id; XLSX a file path or glob. Exactly
	// one is set.
	Sheet string `yaml:"sheet"`
	XLSX  string `yaml:"xlsx"`
	// OutputDir, for XLSX jobs, receives DIR/NAME.xlsx (a copy of the
	// input with the latest run's tabs) instead of writing in place.
	OutputDir string `yaml:"output_dir"`
	// Schedule is a cron spec ("30 2 * * *", "@daily", "@every 6h");
	// empty means manual triggers only.
	Schedule string `yaml:"schedule"`
	// TimeZone is an IANA zone the schedule is read in (default UTC).
	TimeZone string `yaml:"time_zone"`
	// TimeLimit, MIPGap and Threads limit the solver (0: the intent's
	// Settings tab, then planner defaults).
	TimeLimit Duration `yaml:"time_limit"`
	MIPGap    float64  `yaml:"mip_gap"`
	Threads   int      `yaml:"threads"`
	// Solver is highs (default) or greedy.
	Solver string `yaml:"solver"`
	// Prefix names the output tabs (default: the intent's Settings).
	Prefix string `yaml:"prefix"`
	// KeepLast keeps the tabs of this many runs, deleting older auxon
	// tabs after each successful run (0 keeps all).
	KeepLast int `yaml:"keep_last"`
	// Timeout and Jitter override the service-wide values.
	Timeout Duration `yaml:"timeout"`
	Jitter  Duration `yaml:"jitter"`
	// Disabled jobs are listed but neither scheduled nor triggerable.
	Disabled bool `yaml:"disabled"`

	// Line is where the job starts in the config file.
	Line int `yaml:"-"`
}

// Source is where a job's intent is: one of Sheet or XLSX.
type Source struct {
	Sheet     string
	XLSX      string
	OutputDir string
}

// Source returns the job's source as configured (XLSX may be a glob).
func (j *Job) Source() Source {
	return Source{Sheet: j.Sheet, XLSX: j.XLSX, OutputDir: j.OutputDir}
}

// Duration is a time.Duration written as "90s", "2m", "1h30m".
type Duration time.Duration

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil || v < 0 || n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: %q is not a duration such as 90s, 2m or 1h30m", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// Defaults.
const (
	DefaultListen          = "127.0.0.1:8080"
	DefaultStateDir        = "auxon-state"
	DefaultMaxConcurrent   = 2
	DefaultRunTimeout      = 30 * time.Minute
	DefaultShutdownTimeout = 30 * time.Second
)

// LoadConfig reads and checks the config file at path. Every error names
// the file and line.
func LoadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c, err := ParseConfig(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if !filepath.IsAbs(c.StateDir) {
		c.StateDir = filepath.Join(dir, c.StateDir)
	}
	for i := range c.Jobs {
		j := &c.Jobs[i]
		for _, p := range []*string{&j.XLSX, &j.OutputDir} {
			if *p != "" && !filepath.IsAbs(*p) {
				*p = filepath.Join(dir, *p)
			}
		}
	}
	return c, nil
}

// inType trims yaml's Go type names from its messages.
var inType = regexp.MustCompile(` in type [\w.]+`)

// ParseConfig parses and checks a config, filling in defaults. Relative
// paths stay relative (LoadConfig resolves them against the file).
func ParseConfig(b []byte) (*Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	c := &Config{}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		msg := strings.TrimPrefix(err.Error(), "yaml: unmarshal errors:\n  ")
		msg = strings.ReplaceAll(inType.ReplaceAllString(msg, ""), "\n  ", "; ")
		return nil, fmt.Errorf("%s", strings.TrimPrefix(msg, "yaml: "))
	}
	lines := jobLines(&root)
	for i := range c.Jobs {
		if i < len(lines) {
			c.Jobs[i].Line = lines[i]
		}
	}
	c.defaults()
	if err := c.check(&root); err != nil {
		return nil, err
	}
	return c, nil
}

// jobLines finds the line of each item of the jobs list.
func jobLines(root *yaml.Node) []int {
	v := mapValue(root, "jobs")
	if v == nil {
		return nil
	}
	var out []int
	for _, item := range v.Content {
		out = append(out, item.Line)
	}
	return out
}

// mapValue returns the value node of key in the top-level mapping.
func mapValue(root *yaml.Node, key string) *yaml.Node {
	if root == nil || len(root.Content) == 0 {
		return nil
	}
	m := root.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// keyLine is the line of a key in a job's mapping, else the job's line.
func keyLine(root *yaml.Node, job int, key string) int {
	v := mapValue(root, "jobs")
	if v == nil || job >= len(v.Content) {
		return 0
	}
	m := v.Content[job]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1].Line
		}
	}
	return m.Line
}

func (c *Config) defaults() {
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if c.StateDir == "" {
		c.StateDir = DefaultStateDir
	}
	if c.MaxConcurrent == 0 {
		c.MaxConcurrent = DefaultMaxConcurrent
	}
	if c.RunTimeout == 0 {
		c.RunTimeout = Duration(DefaultRunTimeout)
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = Duration(DefaultShutdownTimeout)
	}
	if c.Log.Format == "" {
		c.Log.Format = "text"
	}
	if c.Log.Level == "" {
		c.Log.Level = "info"
	}
}

// check validates values, naming the line of each bad one.
func (c *Config) check(root *yaml.Node) error {
	top := func(key string) int {
		if v := mapValue(root, key); v != nil {
			return v.Line
		}
		return 1
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		return fmt.Errorf("line %d: listen %q is not host:port", top("listen"), c.Listen)
	}
	if c.MaxConcurrent < 1 {
		return fmt.Errorf("line %d: max_concurrent must be at least 1", top("max_concurrent"))
	}
	if f := c.Log.Format; f != "text" && f != "json" {
		return fmt.Errorf("line %d: log format %q is not text or json", top("log"), f)
	}
	if _, err := ParseLevel(c.Log.Level); err != nil {
		return fmt.Errorf("line %d: %w", top("log"), err)
	}
	seen := map[string]int{}
	for i := range c.Jobs {
		if err := c.Jobs[i].check(func(key string) int { return keyLine(root, i, key) }); err != nil {
			return err
		}
		if first, dup := seen[c.Jobs[i].Name]; dup {
			return fmt.Errorf("line %d: job %q is also defined on line %d", c.Jobs[i].Line, c.Jobs[i].Name, first)
		}
		seen[c.Jobs[i].Name] = c.Jobs[i].Line
	}
	return nil
}

// jobName is what a job name may hold: it appears in URLs and metrics.
var jobName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// check validates one job; line gives the line of a key.
func (j *Job) check(line func(key string) int) error {
	bad := func(key, format string, args ...any) error {
		return fmt.Errorf("line %d: job %q: %s", line(key), j.Name, fmt.Sprintf(format, args...))
	}
	switch {
	case !jobName.MatchString(j.Name):
		return fmt.Errorf("line %d: job name %q: use 1-64 letters, digits, '.', '_' or '-'", line("name"), j.Name)
	case (j.Sheet == "") == (j.XLSX == ""):
		return bad("name", "set exactly one of sheet (a spreadsheet id) or xlsx (a path or glob)")
	case j.OutputDir != "" && j.XLSX == "":
		return bad("output_dir", "output_dir is for xlsx jobs")
	case j.MIPGap < 0 || j.MIPGap >= 1:
		return bad("mip_gap", "mip_gap %g is not in [0, 1)", j.MIPGap)
	case j.Threads < 0:
		return bad("threads", "threads must not be negative")
	case j.KeepLast < 0:
		return bad("keep_last", "keep_last must not be negative")
	case j.Solver != "" && j.Solver != pipeline.SolverHiGHS && j.Solver != pipeline.SolverGreedy:
		return bad("solver", "solver %q is not %s or %s", j.Solver, pipeline.SolverHiGHS, pipeline.SolverGreedy)
	}
	if j.XLSX != "" {
		if _, err := filepath.Match(j.XLSX, ""); err != nil {
			return bad("xlsx", "bad glob %q: %v", j.XLSX, err)
		}
	}
	if _, err := time.LoadLocation(j.TimeZone); err != nil {
		return bad("time_zone", "unknown time zone %q", j.TimeZone)
	}
	if j.Schedule != "" {
		if _, err := ParseSchedule(j.Schedule); err != nil {
			return bad("schedule", "%v", err)
		}
	}
	return nil
}

// ParseSchedule parses a standard 5-field cron spec or a descriptor
// (@daily, @hourly, @every 6h). Time zones come from the job, not from a
// CRON_TZ prefix.
func ParseSchedule(spec string) (cron.Schedule, error) {
	if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
		return nil, fmt.Errorf("schedule %q: set the job's time_zone instead of a TZ prefix", spec)
	}
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, fmt.Errorf("schedule %q: %w", spec, err)
	}
	return s, nil
}

// ResolveToken returns the bearer token: inline, else from TokenFile
// (trimmed), else from the TokenEnv variable; "" when none is set.
func (a APIConfig) ResolveToken() (string, error) {
	switch {
	case a.Token != "":
		return a.Token, nil
	case a.TokenFile != "":
		b, err := os.ReadFile(a.TokenFile)
		if err != nil {
			return "", fmt.Errorf("api token: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	case a.TokenEnv != "":
		return os.Getenv(a.TokenEnv), nil
	}
	return "", nil
}
