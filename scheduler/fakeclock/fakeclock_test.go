package fakeclock_test

import (
	"context"
	"testing"
	"time"

	"github.com/auxon-planner/auxon/scheduler/fakeclock"
)

func TestTimersFireOnlyWhenDue(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := fakeclock.New(t0)
	a, b := c.NewTimer(time.Minute), c.NewTimer(time.Hour)
	if err := c.BlockUntil(context.Background(), 2); err != nil {
		t.Fatal(err)
	}
	c.Advance(59 * time.Second)
	select {
	case <-a.C():
		t.Fatal("fired early")
	default:
	}
	c.Advance(time.Second)
	if got := <-a.C(); !got.Equal(t0.Add(time.Minute)) {
		t.Errorf("fired with %v", got)
	}
	if !b.Stop() || c.Timers() != 0 {
		t.Errorf("Stop of an armed timer: %d left", c.Timers())
	}
	c.Set(t0) // never backwards
	if !c.Now().Equal(t0.Add(time.Minute)) {
		t.Errorf("clock went back to %v", c.Now())
	}
	select {
	case <-c.NewTimer(0).C():
	default:
		t.Error("a zero timer did not fire at once")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.BlockUntil(ctx, 1); err == nil {
		t.Error("BlockUntil ignored its context")
	}
}
