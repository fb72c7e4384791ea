package link

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// waitCancelled is an item that works until its ctx is cancelled.
func waitCancelled(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(30 * time.Second): // a hang guard, not a timing
		return errors.New("the item's ctx was never cancelled")
	}
}

func TestForEachFirstErrorWins(t *testing.T) {
	errBad := errors.New("bad item")
	items := []string{"slow", "bad", "slow", "slow", "slow", "slow"}
	var calls atomic.Int32
	slowStarted := make(chan struct{})
	var once atomic.Bool
	err := ForEach(context.Background(), items, 2, func(ctx context.Context, it string) error {
		calls.Add(1)
		if it == "bad" {
			<-slowStarted // fail while the first item is in progress
			return errBad
		}
		if once.CompareAndSwap(false, true) {
			close(slowStarted)
		}
		return waitCancelled(ctx)
	})
	if !errors.Is(err, errBad) {
		t.Fatalf("ForEach error = %v; want the first real error %v, not the cancellation it caused", err, errBad)
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("fn ran for %d items; want 2 (no item starts after the first error)", n)
	}
}

// Once ctx has ended, no item starts but the one the other worker may
// have taken just before (the check and the call are not one step). The
// test counted the items run in all, which the other worker could finish
// while the one that cancelled was descheduled before its cancel took
// effect: it failed about once in a thousand runs.
func TestForEachParentCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var calls, late atomic.Int32
	var ended atomic.Bool
	err := ForEach(ctx, make([]int, 10), 2, func(ctx context.Context, _ int) error {
		if ended.Load() {
			late.Add(1)
		}
		if calls.Add(1) == 3 {
			cancel()
			ended.Store(true)
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("ForEach error = %v; want context.Canceled", err)
	}
	if n := late.Load(); n > 1 {
		t.Errorf("%d items started after ctx ended; want at most the one the other worker held", n)
	}
}

func TestForEachAll(t *testing.T) {
	seen := make([]atomic.Bool, 50)
	idx := make([]int, len(seen))
	for i := range idx {
		idx[i] = i
	}
	if err := ForEach(context.Background(), idx, 3, func(_ context.Context, i int) error {
		seen[i].Store(true)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for i := range seen {
		if !seen[i].Load() {
			t.Errorf("item %d never ran", i)
		}
	}
}
