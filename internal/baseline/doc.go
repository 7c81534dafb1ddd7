// Package baseline is the failover rule of eoskeeper's predecessor, kept as a yardstick: the
// drills run it beside eoskeeper on the same scenarios to show where the old rule
// double-produces or loses more blocks.
//
// The rule, implemented as it was and nothing more:
//
//   - Every Config.Interval the agent reads its own nodeos's /v1/chain/get_info.
//   - Role A (the primary) takes no action: its nodeos is started unpaused and produces; the
//     agent only samples and logs.
//   - Roles B and C pause their nodeos at start, then watch head_block_producer. A sample whose
//     head block is not signed by our producer extends the current absent streak (starting one
//     if none is under way); a sample showing our producer ends it. When the streak's span, the
//     wall time since its first sample, reaches Config.Absent (B: 250 s, C: 850 s by default),
//     the agent calls /v1/producer/resume once and logs it.
//   - A sample that fails (nodeos unreachable, an HTTP error or a malformed reply) counts as
//     neither: it neither extends nor ends a streak, and no decision is taken on it. Failures
//     are logged once per run of consecutive failures.
//   - There is no lock, no fencing and no pause when the primary comes back: once resumed, the
//     agent never pauses its nodeos again.
//
// The thresholds are wall durations because that is what the old daemon used; drills on an
// accelerated chain pass proportionally smaller values.
//
//	a, err := baseline.New(baseline.Config{
//		URL: "http://127.0.0.1:8888", Producer: "eosstorebest", Role: baseline.RoleB,
//	}, logger)
//	if err != nil {
//		return err
//	}
//	return a.Run(ctx) // blocks until ctx is done
package baseline
