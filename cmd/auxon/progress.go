package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"sync"
	"time"

	"github.com/auxon-planner/auxon/planner"
)

// isTerminal reports whether w is a character device (a terminal), so
// progress is shown to people and kept out of pipes and logs.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressLine keeps the latest solver progress and redraws one status
// line on a terminal at most every interval.
type progressLine struct {
	mu       sync.Mutex
	w        io.Writer
	last     time.Time
	interval time.Duration
	drawn    bool
}

func newProgressLine(w io.Writer) *progressLine {
	return &progressLine{w: w, interval: 250 * time.Millisecond}
}

// update is a planner.Options.Progress callback.
func (p *progressLine) update(pr planner.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !pr.Improved && time.Since(p.last) < p.interval {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.w, "\r\033[K%s", formatProgress(pr))
	p.drawn = true
}

// done ends the status line.
func (p *progressLine) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
		p.drawn = false
	}
}

// formatProgress renders one progress report.
func formatProgress(pr planner.Progress) string {
	inc, gap := "—", "—"
	if !math.IsInf(pr.Incumbent, 0) && !math.IsNaN(pr.Incumbent) {
		inc = fmt.Sprintf("%.6g", pr.Incumbent)
	}
	if !math.IsInf(pr.Gap, 0) && !math.IsNaN(pr.Gap) {
		gap = fmt.Sprintf("%.2f%%", 100*pr.Gap)
	}
	return fmt.Sprintf("%-10s %6.1fs  cost %s  bound %.6g  gap %s  nodes %d",
		pr.Phase, pr.Elapsed.Seconds(), inc, pr.Bound, gap, pr.Nodes)
}
