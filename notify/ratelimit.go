package notify

import "time"

// tokenBucket is a token-bucket rate limiter driven by explicit times, so it needs no clock of
// its own. It is used by one worker goroutine only.
type tokenBucket struct {
	burst  float64
	every  time.Duration
	tokens float64
	last   time.Time
}

// newTokenBucket returns a full bucket; every == 0 means unlimited.
func newTokenBucket(r RateLimit) *tokenBucket {
	return &tokenBucket{burst: float64(r.Burst), every: r.Every, tokens: float64(r.Burst)}
}

// take consumes one token at now and returns 0, or returns how long to wait until a token is
// available (consuming nothing).
func (b *tokenBucket) take(now time.Time) time.Duration {
	if b.every <= 0 {
		return 0
	}
	if !b.last.IsZero() && now.After(b.last) {
		b.tokens += float64(now.Sub(b.last)) / float64(b.every)
		if b.tokens > b.burst {
			b.tokens = b.burst
		}
	}
	if b.last.IsZero() || now.After(b.last) {
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return 0
	}
	wait := time.Duration((1 - b.tokens) * float64(b.every))
	if wait <= 0 {
		wait = 1
	}
	return wait
}
