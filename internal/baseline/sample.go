package baseline

import (
	"context"
	"time"
)

// sample takes one get_info sample and applies the rule to it. Called only by Run's goroutine.
func (a *Agent) sample(ctx context.Context) {
	info, err := a.node.GetInfo(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		a.mu.Lock()
		a.status.Failed++
		a.mu.Unlock()
		if !a.failing {
			a.failing = true
			a.log.Warn("get_info failed; samples skipped until nodeos answers", "error", err)
		}
		return
	}
	now := a.now()
	if a.failing {
		a.failing = false
		a.log.Info("nodeos answers again")
	}
	ours := info.HeadBlockProducer == a.cfg.Producer
	tr, span := a.streak.observe(now, ours)

	a.mu.Lock()
	a.status.Samples++
	a.status.HeadBlock = info.HeadBlockNum
	a.status.HeadProducer = info.HeadBlockProducer
	a.status.AbsentSince = a.streak.since
	a.status.AbsentSamples = a.streak.samples
	if tr == reset {
		a.status.Resets++
	}
	resumed := a.status.Resumed()
	a.mu.Unlock()

	switch tr {
	case started:
		a.log.Debug("our producer absent from head", "head_block", info.HeadBlockNum, "head_producer", info.HeadBlockProducer)
	case reset:
		a.log.Debug("our producer on head again; absent streak reset", "head_block", info.HeadBlockNum)
	}
	if a.cfg.Role == RoleA || resumed || span < a.cfg.Absent {
		return
	}
	a.resume(ctx, span)
}

// resume calls /v1/producer/resume once the absent span reached the threshold. A failed call
// is retried at the next absent sample.
func (a *Agent) resume(ctx context.Context, span time.Duration) {
	if err := a.node.Resume(ctx); err != nil {
		if ctx.Err() == nil {
			a.log.Error("absent span reached; resume failed, retrying at the next sample", "absent_for", span, "error", err)
		}
		return
	}
	at := a.now()
	a.mu.Lock()
	a.status.ResumedAt = at
	a.mu.Unlock()
	a.log.Info("our producer absent for the threshold: resumed nodeos", "absent_for", span, "absent_samples", a.streak.samples, "threshold", a.cfg.Absent)
}
