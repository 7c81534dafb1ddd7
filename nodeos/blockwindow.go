package nodeos

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// unknownBlockCode is fc's unknown_block_exception, which nodeos answers with 400 "Unknown Block".
const unknownBlockCode = 3100002

// IsUnknownBlock reports whether err is nodeos's answer for a block it does not have (400
// "Unknown Block", unknown_block_exception 3100002).
func IsUnknownBlock(err error) bool {
	var aerr *APIError
	return errors.As(err, &aerr) && aerr.Status == 400 && (aerr.Err.Code == unknownBlockCode || aerr.Message == "Unknown Block")
}

// BlockWindowError reports that nodeos does not keep a block a caller needs to read: the
// oldest block of a window ending at the head.
type BlockWindowError struct {
	// Num is the block that could not be read, Head the head when it was asked for, and
	// Window how many blocks behind the head the caller reads.
	Num, Head, Window uint32
	// Earliest is get_info's earliest_available_block_num (Leap 3.1 and later), 0 when not reported.
	Earliest uint32
	// Err is nodeos's answer, an *APIError for an unknown block.
	Err error
}

// Error names the block, nodeos's answer and the nodeos settings that keep enough blocks.
func (e *BlockWindowError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "nodeos: block %d, %d blocks behind the head %d, is not available", e.Num, e.Head-e.Num, e.Head)
	if e.Earliest != 0 {
		fmt.Fprintf(&b, " (earliest available block %d)", e.Earliest)
	}
	fmt.Fprintf(&b, ": %v; nodeos must keep at least its last %d blocks: in config.ini leave block-log-retain-blocks unset or set it to %d or more "+
		"(0 keeps no block log), and with blocks-log-stride keep enough max-retained-block-files; "+
		"a nodeos restored from a snapshot has no older blocks until it has run for %d blocks", e.Err, e.Window, e.Window, e.Window)
	return b.String()
}

// Unwrap returns nodeos's answer.
func (e *BlockWindowError) Unwrap() error { return e.Err }

// CheckBlockWindow reads the header of the block window blocks behind nodeos's head (block 1
// on a shorter chain), through GetBlockHeader. It returns nil when nodeos has it, a
// *BlockWindowError when nodeos answers that it does not have the block, or the error that
// prevented the check (nodeos unreachable, a missing plugin).
func (c *Client) CheckBlockWindow(ctx context.Context, window uint32) error {
	info, err := c.GetInfo(ctx)
	if err != nil {
		return err
	}
	num := uint32(1)
	if info.HeadBlockNum > window {
		num = info.HeadBlockNum - window
	}
	h, err := c.GetBlockHeader(ctx, num)
	if IsUnknownBlock(err) {
		we := &BlockWindowError{Num: num, Head: info.HeadBlockNum, Window: window, Err: err}
		if info.EarliestAvailableBlockNum != nil {
			we.Earliest = *info.EarliestAvailableBlockNum
		}
		return we
	}
	if err != nil {
		return err
	}
	if h.BlockNum != num {
		return fmt.Errorf("nodeos: asked for block %d, answered block %d", num, h.BlockNum)
	}
	return nil
}
