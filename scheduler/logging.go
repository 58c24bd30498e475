package scheduler

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// ParseLevel reads debug, info, warn or error.
func ParseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToUpper(s))); err != nil {
		return 0, fmt.Errorf("log level %q is not debug, info, warn or error", s)
	}
	return l, nil
}

// NewLogger returns a slog logger writing text or JSON to w at the
// configured level; the config must have passed ParseConfig.
func NewLogger(w io.Writer, c LogConfig) *slog.Logger {
	level, _ := ParseLevel(c.Level)
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
