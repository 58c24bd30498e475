package scheduler_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auxon-planner/auxon/scheduler"
)

func TestExampleConfigParses(t *testing.T) {
	c, err := scheduler.LoadConfig(filepath.Join("..", "config.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:8080" || len(c.Jobs) != 2 || c.Jobs[0].TimeLimit.D() != 2*time.Minute ||
		c.Jobs[1].KeepLast != 3 || !filepath.IsAbs(c.Jobs[1].XLSX) || c.Jobs[0].Line == 0 {
		t.Errorf("unexpected config: %+v", c)
	}
}

func TestConfigDefaults(t *testing.T) {
	c, err := scheduler.ParseConfig([]byte("jobs:\n  - name: a\n    xlsx: a.xlsx\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != scheduler.DefaultListen || c.MaxConcurrent != 2 || c.RunTimeout.D() != 30*time.Minute ||
		c.ShutdownTimeout.D() != 30*time.Second || c.Log.Format != "text" || c.Jobs[0].Line != 2 {
		t.Errorf("defaults: %+v", c)
	}
}

// Every error names the line of the bad key or value.
func TestConfigErrorsNameTheLine(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown top key", "listen: :80\nlisten_addr: x\n", "line 2: field listen_addr not found"},
		{"unknown job key", "jobs:\n  - name: a\n    xlsx: a.xlsx\n    schedul: '@daily'\n", "line 4: field schedul not found"},
		{"bad duration", "jobs:\n  - name: a\n    xlsx: a.xlsx\n    time_limit: 2 minutes\n", `line 4: "2 minutes" is not a duration`},
		{"bad number", "jobs:\n  - name: a\n    xlsx: a.xlsx\n    keep_last: many\n", "line 4: cannot unmarshal !!str `many` into int"},
		{"bad schedule", "jobs:\n  - name: a\n    xlsx: a.xlsx\n    schedule: '61 * * * *'\n", `line 4: job "a": schedule "61 * * * *"`},
		{"TZ prefix", "jobs:\n  - name: a\n    xlsx: a.xlsx\n    schedule: 'CRON_TZ=UTC 0 1 * * *'\n", "line 4: job \"a\": schedule \"CRON_TZ=UTC 0 1 * * *\": set the job's time_zone"},
		{"bad zone", "jobs:\n  - name: a\n    xlsx: a.xlsx\n    time_zone: Mars/Olympus\n", `line 4: job "a": unknown time zone "Mars/Olympus"`},
		{"no source", "jobs:\n  - name: a\n    schedule: '@daily'\n", "line 2: job \"a\": set exactly one of sheet"},
		{"two sources", "jobs:\n  - name: a\n    sheet: x\n    xlsx: y\n", "line 2: job \"a\": set exactly one"},
		{"bad name", "jobs:\n  - name: 'a b'\n    sheet: x\n", `line 2: job name "a b"`},
		{"duplicate", "jobs:\n  - name: a\n    sheet: x\n  - name: a\n    sheet: y\n", `line 4: job "a" is also defined on line 2`},
		{"bad gap", "jobs:\n  - name: a\n    sheet: x\n    mip_gap: 1.5\n", "line 4: job \"a\": mip_gap 1.5"},
		{"bad solver", "jobs:\n  - name: a\n    sheet: x\n    solver: cplex\n", `line 4: job "a": solver "cplex"`},
		{"output_dir on sheet", "jobs:\n  - name: a\n    sheet: x\n    output_dir: out\n", "line 4: job \"a\": output_dir is for xlsx jobs"},
		{"bad listen", "listen: localhost\n", `line 1: listen "localhost" is not host:port`},
		{"bad log format", "log:\n  format: xml\n", `line 2: log format "xml"`},
		{"bad concurrency", "max_concurrent: -1\n", "line 1: max_concurrent must be at least 1"},
		{"not yaml", "jobs: [\n", "line 1: did not find expected node content"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := scheduler.ParseConfig([]byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestLoadConfigNamesFileAndResolvesPaths(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.yaml")
	os.WriteFile(path, []byte("state_dir: st\njobs:\n  - name: a\n    xlsx: in/*.xlsx\n    bogus: 1\n"), 0o644)
	if _, err := scheduler.LoadConfig(path); err == nil || !strings.HasPrefix(err.Error(), path+": line 5:") {
		t.Errorf("error %v, want it to start with %s: line 5:", err, path)
	}
	os.WriteFile(path, []byte("state_dir: st\njobs:\n  - name: a\n    xlsx: in/*.xlsx\n"), 0o644)
	c, err := scheduler.LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.StateDir != filepath.Join(dir, "st") || c.Jobs[0].XLSX != filepath.Join(dir, "in/*.xlsx") {
		t.Errorf("paths not resolved: %s %s", c.StateDir, c.Jobs[0].XLSX)
	}
}

func TestResolveToken(t *testing.T) {
	file := filepath.Join(t.TempDir(), "tok")
	os.WriteFile(file, []byte("from-file\n"), 0o600)
	t.Setenv("AUXON_TEST_TOKEN", "from-env")
	tests := []struct {
		api  scheduler.APIConfig
		want string
	}{
		{scheduler.APIConfig{}, ""},
		{scheduler.APIConfig{Token: "inline", TokenFile: file}, "inline"},
		{scheduler.APIConfig{TokenFile: file, TokenEnv: "AUXON_TEST_TOKEN"}, "from-file"},
		{scheduler.APIConfig{TokenEnv: "AUXON_TEST_TOKEN"}, "from-env"},
	}
	for _, tt := range tests {
		if got, err := tt.api.ResolveToken(); err != nil || got != tt.want {
			t.Errorf("%+v: %q, %v; want %q", tt.api, got, err, tt.want)
		}
	}
}
