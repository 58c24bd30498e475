package sheets

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"
)

// Retry is the retry policy: truncated exponential backoff with full
// jitter. Attempt n (from 0) waits a random duration in [0, min(Max,
// Initial*2^n)).
type Retry struct {
	// Attempts is the most tries of one call (default 7: with the
	// defaults below the retries span over a minute, the quota window).
	Attempts int
	// Initial and Max bound the backoff (defaults 1s and 32s).
	Initial, Max time.Duration
	// CallTimeout bounds one attempt (default 200s, past the service's own
	// 180 s limit).
	CallTimeout time.Duration
	// Sleep waits d or until ctx ends (default a timer); tests inject one
	// that returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter returns a number in [0, 1) (default math/rand/v2).
	Jitter func() float64
}

// DefaultRetry is the policy a nil Options.Retry takes.
var DefaultRetry = Retry{Attempts: 7, Initial: time.Second, Max: 32 * time.Second, CallTimeout: 200 * time.Second,
	Sleep: sleep, Jitter: rand.Float64}

func (r Retry) withDefaults() Retry {
	d := DefaultRetry
	if r.Attempts > 0 {
		d.Attempts = r.Attempts
	}
	if r.Initial > 0 {
		d.Initial = r.Initial
	}
	if r.Max > 0 {
		d.Max = r.Max
	}
	if r.CallTimeout > 0 {
		d.CallTimeout = r.CallTimeout
	}
	if r.Sleep != nil {
		d.Sleep = r.Sleep
	}
	if r.Jitter != nil {
		d.Jitter = r.Jitter
	}
	return d
}

// Backoff is the wait before retry n (from 0).
func (r Retry) Backoff(n int) time.Duration {
	ceiling := r.Max
	if n < 30 {
		ceiling = min(r.Max, r.Initial<<n)
	}
	return time.Duration(r.Jitter() * float64(ceiling))
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// attempt makes one API call under the budget and the per-call timeout.
// d.mu is held.
func (d *Driver) attempt(ctx context.Context, method string, n int, fn func(context.Context) error) error {
	if d.calls >= d.opts.MaxCalls {
		return fmt.Errorf("%w (%d calls)", ErrBudget, d.opts.MaxCalls)
	}
	d.calls++
	if d.opts.OnCall != nil {
		d.opts.OnCall(method, n+1)
	}
	actx, cancel := context.WithTimeout(ctx, d.retry.CallTimeout)
	defer cancel()
	return fn(actx)
}

// call runs an idempotent call (a read), retrying 429s, 5xx and timeouts.
// d.mu is held.
func (d *Driver) call(ctx context.Context, op string, fn func(context.Context) error) error {
	for n := 0; ; n++ {
		err := d.attempt(ctx, "get", n, fn)
		if err == nil {
			return nil
		}
		if classify(ctx, err) == permanent || n+1 >= d.retry.Attempts {
			return d.explain(op, err)
		}
		if err := d.retry.Sleep(ctx, d.retry.Backoff(n)); err != nil {
			return fmt.Errorf("sheets: %s: %w", op, err)
		}
	}
}
