package highs

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// rssBytes reads the resident set size of this process (Linux only).
func rssBytes(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Skip("no /proc/self/statm:", err)
	}
	f := strings.Fields(string(b))
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

// TestTenThousandSolvesHoldSteadyMemory solves a small MIP 10,000 times with
// logging and progress callbacks on and checks that the resident memory
// after the first 1,000 (when allocators have settled) hardly grows over
// the next 9,000: every instance, handle and C allocation is released.
func TestTenThousandSolvesHoldSteadyMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("long")
	}
	m := binPacking([]float64{4, 8, 1, 4, 2, 1}, 10)
	lines := 0
	opts := &Options{Log: func(string) { lines++ }, Progress: func(Progress) {}}
	solve := func(n int) {
		for i := 0; i < n; i++ {
			r, err := Solve(context.Background(), m, opts)
			if err != nil || r.Status != StatusOptimal {
				t.Fatalf("solve %d: %v %v", i, err, r)
			}
		}
		runtime.GC()
	}
	solve(1000)
	before := rssBytes(t)
	solve(9000)
	after := rssBytes(t)
	growth := after - before
	t.Logf("RSS after 1,000 solves %.1f MiB, after 10,000 %.1f MiB (%d log lines)",
		float64(before)/(1<<20), float64(after)/(1<<20), lines)
	// A leak of one HiGHS instance per solve would be ≥ 100 KiB each,
	// ≥ 900 MiB over 9,000 solves; 16 MiB allows for allocator noise.
	if growth > 16<<20 {
		t.Errorf("RSS grew by %.1f MiB over 9,000 solves", float64(growth)/(1<<20))
	}
}
