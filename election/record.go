package election

import (
	"encoding/json"
	"fmt"
	"time"
)

// recordFormat marks a lock key value as an eoskeeper leader record.
const recordFormat = "eoskeeper.leader/v1"

// Watermark is our producer's last block on chain as the holder last saw it.
type Watermark struct {
	// BlockNum is the block number.
	BlockNum uint32 `json:"block_num"`
	// Slot is the block's slot number.
	Slot uint32 `json:"slot"`
	// Node is the node whose nodeos produced the block.
	Node string `json:"node"`
}

// Handoff records that the holder stopped its producer and names the nodes that
// may resume without waiting for evidence: a planned switchover's target, or
// the successors of a holder that gave the lock up for a fault of its own.
type Handoff struct {
	// To names the target node (the first successor).
	To string `json:"to"`
	// Watermark is the last block produced before the hand-off.
	Watermark Watermark `json:"watermark"`
	// At is when the hand-off was recorded. Release sets it when zero.
	At time.Time `json:"at"`
	// Successors, when set, lists the nodes that may take over in order, each
	// from AfterMs milliseconds after it sees the lock free.
	Successors []Successor `json:"successors,omitempty"`
	// Reason is why the old holder gave the lock up; empty for a switchover.
	Reason string `json:"reason,omitempty"`
	// Head is the old holder's head block number when it released; a
	// hand-off far behind a successor's head is stale.
	Head uint32 `json:"head,omitempty"`
	// StoppedAt is when the old holder's producer was confirmed stopped.
	StoppedAt time.Time `json:"stopped_at,omitzero"`
	// ResumeFromSlot, when set, is the slot before which no successor resumes.
	ResumeFromSlot uint32 `json:"resume_from_slot,omitempty"`
}

// Successor is one node a hand-off names, with its head start delay.
type Successor struct {
	// Node names the successor.
	Node string `json:"node"`
	// AfterMs is how long, in milliseconds after seeing the lock free, the
	// successor waits before acquiring.
	AfterMs int64 `json:"after_ms"`
}

// Record is the value of the lock key. It stays in the key after release, so
// the next holder can read the last watermark and any hand-off.
type Record struct {
	// Node names the holder.
	Node string `json:"node"`
	// Role is the holder's role (for example "A").
	Role string `json:"role,omitempty"`
	// Session is the Consul session that held the lock when the record was
	// written. TryAcquire fills it in.
	Session string `json:"session"`
	// AcquiredAt is when the holder acquired the lock. TryAcquire fills it in.
	AcquiredAt time.Time `json:"acquired_at"`
	// Watermark is our producer's last block, kept current by the holder.
	Watermark Watermark `json:"watermark"`
	// Handoff is set by a release that hands the lock to a named node.
	Handoff *Handoff `json:"handoff,omitempty"`
}

// recordJSON is the stored form: a Record with a format marker.
type recordJSON struct {
	Format string `json:"format"`
	Record
}

func encodeRecord(r Record) ([]byte, error) {
	b, err := json.Marshal(recordJSON{Format: recordFormat, Record: r})
	if err != nil {
		return nil, fmt.Errorf("election: encode record: %w", err)
	}
	return b, nil
}

// decodeRecord parses a lock key value; a value without our format marker
// is ErrForeignValue.
func decodeRecord(b []byte) (Record, error) {
	var v recordJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return Record{}, fmt.Errorf("%w: %w", ErrForeignValue, err)
	}
	if v.Format != recordFormat {
		return Record{}, fmt.Errorf("%w: format %q, want %q", ErrForeignValue, v.Format, recordFormat)
	}
	return v.Record, nil
}
