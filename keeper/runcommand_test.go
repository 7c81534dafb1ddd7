package keeper

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestRunCommandGrandchildHoldsOutput: a command killed at its deadline while a child it
// started still holds the output pipe returns within the deadline plus CommandWaitDelay.
func TestRunCommandGrandchildHoldsOutput(t *testing.T) {
	const deadline = 300 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	start := time.Now()
	err := RunCommand(ctx, []string{"sh", "-c", "sleep 30 & wait"})
	took := time.Since(start)
	if err == nil {
		t.Fatal("a command killed at its deadline reported success")
	}
	if limit := deadline + CommandWaitDelay + time.Second; took > limit {
		t.Errorf("RunCommand returned after %s, want at most %s", took, limit)
	}
}

// TestRunCommandOutput: a failing command's error carries its output.
func TestRunCommandOutput(t *testing.T) {
	err := RunCommand(context.Background(), []string{"sh", "-c", "echo boom; exit 3"})
	if err == nil || !strings.Contains(err.Error(), "boom") || !strings.Contains(err.Error(), "exit status 3") {
		t.Errorf("RunCommand = %v, want the exit status and the output", err)
	}
	if err := RunCommand(context.Background(), []string{"true"}); err != nil {
		t.Errorf("true: %v", err)
	}
}
