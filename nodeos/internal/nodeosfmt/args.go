package nodeosfmt

import (
	"strconv"
	"time"
)

// Block holds the values of a Produced block or Received block line.
type Block struct {
	// ID is the id as the line shows it: the 16 hex digits after the 8 of the block number.
	ID string
	// Num is the block number.
	Num uint32
	// Time is the block timestamp.
	Time time.Time
	// Producer is the producer account that signed the block.
	Producer string
	// Trxs is the number of transactions.
	Trxs int
	// LIB is the last irreversible block number.
	LIB uint32
	// Confirmed is the block header's confirmed count.
	Confirmed int
	// Savanna marks a proper Savanna block, whose Spring lines show no confirmed count.
	Savanna bool
	// Net is the block's net usage in bytes and CPU its CPU usage in µs.
	Net, CPU int64
	// Elapsed is the elapsed time in µs.
	Elapsed int64
	// Took is the producing (Produced) or applying (Received) time in µs.
	Took int64
	// Latency is how long after its timestamp the block was applied, in ms (Received).
	Latency int64

	confsSuffix bool // ${confs} is "" or ", confirmed: N" (set by Version)
}

// AppendArg implements Args with the placeholders of docs/nodeos.md, Produced block and
// Received block.
func (a Block) AppendArg(b []byte, name string) ([]byte, bool) {
	switch name {
	case "id":
		return append(b, a.ID...), true
	case "n":
		return strconv.AppendUint(b, uint64(a.Num), 10), true
	case "t":
		return AppendTime(b, a.Time), true
	case "p":
		return append(b, a.Producer...), true
	case "count":
		return strconv.AppendInt(b, int64(a.Trxs), 10), true
	case "lib":
		return strconv.AppendUint(b, uint64(a.LIB), 10), true
	case "confs":
		if !a.confsSuffix {
			return strconv.AppendInt(b, int64(a.Confirmed), 10), true
		}
		if a.Savanna {
			return b, true
		}
		return strconv.AppendInt(append(b, ", confirmed: "...), int64(a.Confirmed), 10), true
	case "net":
		return strconv.AppendInt(b, a.Net, 10), true
	case "cpu":
		return strconv.AppendInt(b, a.CPU, 10), true
	case "et", "elapsed":
		return strconv.AppendInt(b, a.Elapsed, 10), true
	case "tt", "time":
		return strconv.AppendInt(b, a.Took, 10), true
	case "latency":
		return strconv.AppendInt(b, a.Latency, 10), true
	}
	return b, false
}

// ForkHead is one side of a fork switch.
type ForkHead struct {
	// ID is the full 64-hex block id.
	ID string
	// Num is the block number.
	Num uint32
	// Producer is the block's producer.
	Producer string
	// Time is the block timestamp.
	Time time.Time
	// LIB is the irreversible block number the block carries (legacy comparison).
	LIB uint32
	// QC is the timestamp of the latest block with a quorum certificate (Savanna comparison).
	QC time.Time
}

// Fork holds the values of a switching forks line.
type Fork struct {
	// From is the old head and To the new one.
	From, To ForkHead
	// Savanna selects Spring's Savanna form of the head comparisons, else the legacy form.
	Savanna bool
}

// Spring's log_fork_comparison of a head (docs/nodeos.md, Fork switches and double production).
// The placeholder names are this package's; the text around them is Spring's.
const (
	comparisonSavanna = "[ latest_qc_block_timestamp: ${qc}, timestamp: ${t}, id: ${id} ]"
	comparisonLegacy  = "[ irreversible_blocknum: ${lib}, block_num: ${n}, timestamp: ${t}, id: ${id} ]"
)

// AppendArg implements Args with the placeholders of the Spring, Leap and EOSIO forms.
func (a Fork) AppendArg(b []byte, name string) ([]byte, bool) {
	switch name {
	case "chid", "current_head_id":
		return append(b, a.From.ID...), true
	case "chn", "current_head_num":
		return strconv.AppendUint(b, uint64(a.From.Num), 10), true
	case "cp":
		return append(b, a.From.Producer...), true
	case "c":
		return a.comparison(b, a.From), true
	case "nhid", "new_head_id":
		return append(b, a.To.ID...), true
	case "nhn", "new_head_num":
		return strconv.AppendUint(b, uint64(a.To.Num), 10), true
	case "np":
		return append(b, a.To.Producer...), true
	case "n":
		return a.comparison(b, a.To), true
	}
	return b, false
}

func (a Fork) comparison(b []byte, h ForkHead) []byte {
	if a.Savanna {
		return Expand(b, comparisonSavanna, headArgs(h))
	}
	return Expand(b, comparisonLegacy, headArgs(h))
}

type headArgs ForkHead

func (h headArgs) AppendArg(b []byte, name string) ([]byte, bool) {
	switch name {
	case "qc":
		return AppendTime(b, h.QC), true
	case "t":
		return AppendTime(b, h.Time), true
	case "id":
		return append(b, h.ID...), true
	case "lib":
		return strconv.AppendUint(b, uint64(h.LIB), 10), true
	case "n":
		return strconv.AppendUint(b, uint64(h.Num), 10), true
	}
	return b, false
}

// DoubleProduced holds the values of Spring's double produced block warning.
type DoubleProduced struct {
	// Producer signed both blocks numbered Num.
	Producer string
	Num      uint32
}

// AppendArg implements Args.
func (a DoubleProduced) AppendArg(b []byte, name string) ([]byte, bool) {
	switch name {
	case "p":
		return append(b, a.Producer...), true
	case "n":
		return strconv.AppendUint(b, uint64(a.Num), 10), true
	}
	return b, false
}

// NotProducing holds the values of the Not producing block lines.
type NotProducing struct {
	// Block is the timestamp of the block not produced.
	Block time.Time
	// LastVote and Conflict are the vote-timeout form's last producer vote and conflict block.
	LastVote, Conflict time.Time
}

// AppendArg implements Args.
func (a NotProducing) AppendArg(b []byte, name string) ([]byte, bool) {
	switch name {
	case "t":
		return AppendTime(b, a.Block), true
	case "pv":
		return AppendTime(b, a.LastVote), true
	case "pct":
		return AppendTime(b, a.Conflict), true
	}
	return b, false
}

// Launching holds the values of the start-up line of a producing node.
type Launching struct {
	// Producers is the number of configured producer names.
	Producers int
	// At is when production starts.
	At time.Time
}

// AppendArg implements Args.
func (a Launching) AppendArg(b []byte, name string) ([]byte, bool) {
	switch name {
	case "n":
		return strconv.AppendInt(b, int64(a.Producers), 10), true
	case "time":
		return AppendTime(b, a.At), true
	}
	return b, false
}

// GenerationChange holds the values of Spring's finalizer policy generation change line.
type GenerationChange struct {
	// From is the old generation and To the new one.
	From, To uint32
}

// AppendArg implements Args.
func (a GenerationChange) AppendArg(b []byte, name string) ([]byte, bool) {
	switch name {
	case "old_gen":
		return strconv.AppendUint(b, uint64(a.From), 10), true
	case "new_gen":
		return strconv.AppendUint(b, uint64(a.To), 10), true
	}
	return b, false
}
