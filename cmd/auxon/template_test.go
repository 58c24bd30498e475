package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The command's output is byte-identical to the committed copies.
func TestTemplateMatchesCommitted(t *testing.T) {
	for _, tc := range []struct {
		flags  []string
		golden string
	}{
		{nil, "../../templates/blank.xlsx"},
		{[]string{"--example"}, "../../templates/example.xlsx"},
	} {
		out := filepath.Join(t.TempDir(), "t.xlsx")
		var so, se bytes.Buffer
		if code := run(append(append([]string{"template"}, tc.flags...), out), &so, &se); code != exitOK {
			t.Fatalf("exit %d: %s", code, se.String())
		}
		got, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(tc.golden)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("auxon template %v differs from %s", tc.flags, tc.golden)
		}
	}
}

func TestTemplateRefusesToOverwrite(t *testing.T) {
	out := filepath.Join(t.TempDir(), "mine.xlsx")
	if err := os.WriteFile(out, []byte("planner's data"), 0o644); err != nil {
		t.Fatal(err)
	}
	var so, se bytes.Buffer
	if code := run([]string{"template", out}, &so, &se); code != exitFailure {
		t.Errorf("exit %d, want %d", code, exitFailure)
	}
	if b, _ := os.ReadFile(out); string(b) != "planner's data" {
		t.Error("existing file was overwritten")
	}
	if code := run([]string{"template", "--force", out}, &so, &se); code != exitOK {
		t.Errorf("--force: exit %d: %s", code, se.String())
	}
	if code := run([]string{"template"}, &so, &se); code != exitUsage {
		t.Errorf("no file: exit %d, want %d", code, exitUsage)
	}
}
