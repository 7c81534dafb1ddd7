package election

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/internal/consultest"
	"github.com/hashicorp/consul/api"
)

// Scale of BenchmarkScale: producers, and roles contending for each one's lock.
const (
	scaleProducers = 100
	scaleRoles     = 3
	// scaleTTL is every participant's session TTL.
	scaleTTL = 10 * time.Second
	// scaleRetry is how soon a contender tries again after an attempt refused by lock-delay,
	// a conflict or a transport error.
	scaleRetry = 100 * time.Millisecond
	// scaleHeadStart is the head start B gets over C once lock-delay has passed: C contends
	// only if the key is still free that much later.
	scaleHeadStart = 2 * time.Second
)

var scaleRoleNames = [scaleRoles]string{"A", "B", "C"}

// scaleTiming is one session timing the benchmark runs with.
type scaleTiming struct {
	name      string
	renew     time.Duration
	lostAfter time.Duration
	lockDelay time.Duration
	// window is how long the steady-state requests are counted.
	window time.Duration
}

// scaleTimings: the fastest failover Validate allows at TTL 10s with a 1s renewal
// (LockDelay may not be shorter than LostAfter), and the package's default ratios at TTL
// 10s (renew TTL/3, LostAfter 2/3 TTL) with LockDelay at its floor, LostAfter.
var scaleTimings = []scaleTiming{
	{name: "renew=1s", renew: time.Second, lostAfter: 2 * time.Second, lockDelay: 2 * time.Second, window: 15 * time.Second},
	{name: "renew=3.3s", renew: scaleTTL / 3, lostAfter: scaleTTL * 2 / 3, lockDelay: 6667 * time.Millisecond, window: 20 * time.Second},
}

// BenchmarkScale measures the election with 100 producers' locks on one real 3-server
// Consul cluster, each lock contended by three participants with the priority A > B > C:
// 300 participants, each with its own api.Client, HTTP transport and Consul session. All
// 300 run in this test process, because 300 agent processes (plus their nodeos) do not fit
// on the 2-core machine the figures are taken on; participant i of role r talks straight to
// server (i+r) mod 3, where a deployed agent would talk to its local client agent.
//
// Each iteration, on keys under a fresh prefix:
//
//  1. Acquisition: the 100 A participants call TryAcquire at once on keys that do not exist
//     yet; the latency runs from the first call to holding, including any retry.
//  2. Steady state: A holds (its term renews and watches the key with consistent blocking
//     queries) and every participant follows its key with Watch. An http.RoundTripper under
//     each client counts the requests over a window. The keeper's two other watches
//     (maintenance flag, hand-off request) are idle blocking queries and are not run here;
//     no watermark writes are made.
//  3. Failover: the 100 A sessions are destroyed at once, which is what Consul does to a dead
//     agent's session at TTL expiry without the wait. A standby that saw the key held and
//     then free tries once LockDelay has passed since it saw it free, then every 100ms while
//     refused; C waits 2s more and tries only if the key is still free. The time runs from
//     the start of the destroys until each key has its new holder.
//
// Safety is asserted, not only measured: whenever a participant acquires, every earlier term
// of that key must have closed Lost and passed its FenceBy; at the end Consul must show each
// key held by the recorded new holder with lock index 2 (exactly one acquisition after A).
// An A that loses its lock before the failover fails the benchmark too.
//
// Metrics are in milliseconds and requests per second; ns/op, the wall time of a whole
// iteration, is suppressed. It needs a consul binary (see consultest.Binary) and skips
// without one unless EOSKEEPER_INTEGRATION=required.
func BenchmarkScale(b *testing.B) {
	cluster := consultest.StartCluster(b, 3,
		consultest.WithLogLevel("warn"),
		// 300 participants on one address exceed Consul's default of 200 connections per client IP.
		consultest.WithHCL(`limits { http_max_conns_per_client = 2000 }`))
	for _, timing := range scaleTimings {
		b.Run(timing.name, func(b *testing.B) {
			var all scaleResult
			for i := range b.N {
				r := newScaleRun(b, cluster, timing, fmt.Sprintf("scale-%d-%s", i, strings.TrimPrefix(timing.name, "renew=")))
				all.add(r.run())
			}
			all.report(b, timing)
		})
	}
}

// scaleRun is one iteration: 300 participants on 100 keys under one prefix.
type scaleRun struct {
	b        *testing.B
	cluster  *consultest.Cluster
	timing   scaleTiming
	prefix   string
	operator *api.Client

	counts [scaleRoles]*scaleCounter
	keys   []*scaleKey
	parts  [scaleRoles][]*scaleParticipant

	standbyAttempts   atomic.Int64
	lockDelayRefusals atomic.Int64
	wg                sync.WaitGroup
}

func newScaleRun(b *testing.B, cluster *consultest.Cluster, timing scaleTiming, prefix string) *scaleRun {
	r := &scaleRun{b: b, cluster: cluster, timing: timing, prefix: prefix,
		operator: consultest.NewClient(b, cluster.Servers[0].HTTPAddr)}
	for role := range scaleRoles {
		r.counts[role] = &scaleCounter{}
	}
	for i := range scaleProducers {
		k := &scaleKey{failedOver: make(chan struct{})}
		r.keys = append(r.keys, k)
		for role := range scaleRoles {
			addr := cluster.Servers[(i+role)%len(cluster.Servers)].HTTPAddr
			r.parts[role] = append(r.parts[role], r.newParticipant(i, role, addr, k))
		}
	}
	return r
}

// scaleParticipant is one contender for one key, as one agent would be.
type scaleParticipant struct {
	role      int
	e         *Election
	key       *scaleKey
	transport *http.Transport

	mu   sync.Mutex
	term *Term
}

func (r *scaleRun) newParticipant(producer, role int, addr string, k *scaleKey) *scaleParticipant {
	cfg := api.DefaultConfig()
	cfg.Address = addr
	transport := cfg.Transport
	cfg.HttpClient = &http.Client{Transport: &scaleCountingTransport{base: transport, c: r.counts[role]}}
	client, err := api.NewClient(cfg)
	if err != nil {
		r.b.Fatalf("consul client for %s: %v", addr, err)
	}
	name := fmt.Sprintf("prod%03d", producer)
	e, err := New(Config{
		Client:        client,
		Prefix:        r.prefix,
		Producer:      name,
		Node:          name + "-" + strings.ToLower(scaleRoleNames[role]),
		SessionTTL:    scaleTTL,
		RenewInterval: r.timing.renew,
		LostAfter:     r.timing.lostAfter,
		LockDelay:     r.timing.lockDelay,
	})
	if err != nil {
		r.b.Fatalf("New: %v", err)
	}
	return &scaleParticipant{role: role, e: e, key: k, transport: transport}
}

func (p *scaleParticipant) setTerm(t *Term) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.term = t
}

func (p *scaleParticipant) heldTerm() *Term {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.term
}

// scaleKey records every term acquired on one key and checks that none overlaps an
// earlier one.
type scaleKey struct {
	mu         sync.Mutex
	terms      []scaleTerm
	violations []string
	failedOver chan struct{} // closed when the second term is recorded
}

type scaleTerm struct {
	role int
	term *Term
	at   time.Time
}

// record adds a term acquired at at. Every earlier term must have closed Lost and passed
// FenceBy by then; otherwise the key had two holders.
func (k *scaleKey) record(role int, t *Term, at time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, prev := range k.terms {
		select {
		case <-prev.term.Lost():
		default:
			k.violations = append(k.violations, fmt.Sprintf("%s acquired at %s while %s's term (session %s) had not closed Lost",
				scaleRoleNames[role], at.Format(time.StampMicro), scaleRoleNames[prev.role], prev.term.Session()))
		}
		if fb := prev.term.FenceBy(); !fb.Before(at) {
			k.violations = append(k.violations, fmt.Sprintf("%s acquired %s before %s's FenceBy",
				scaleRoleNames[role], fb.Sub(at), scaleRoleNames[prev.role]))
		}
	}
	k.terms = append(k.terms, scaleTerm{role: role, term: t, at: at})
	if len(k.terms) == 2 {
		close(k.failedOver)
	}
}

func (k *scaleKey) snapshot() ([]scaleTerm, []string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.terms), slices.Clone(k.violations)
}

// run performs the three phases and returns their figures.
func (r *scaleRun) run() scaleResult {
	b := r.b
	ctx, cancel := context.WithCancel(context.Background())
	defer r.cleanup(cancel)
	var res scaleResult

	// 1. Cold acquisition by the 100 A participants at once.
	aLost := make([]<-chan time.Time, scaleProducers)
	type acquired struct {
		latency  time.Duration
		attempts int
		err      error
	}
	results := make([]acquired, scaleProducers)
	start := make(chan struct{})
	var acqWG sync.WaitGroup
	for i, p := range r.parts[0] {
		acqWG.Add(1)
		go func() {
			defer acqWG.Done()
			<-start
			term, latency, attempts, err := p.acquireCold(ctx)
			results[i] = acquired{latency, attempts, err}
			if err == nil {
				aLost[i] = lostAt(term)
			}
		}()
	}
	close(start)
	acqWG.Wait()
	for i, a := range results {
		if a.err != nil {
			b.Fatalf("A of producer %d: %v", i, a.err)
		}
		res.acquire = append(res.acquire, a.latency)
		res.acquireAttempts += a.attempts
	}

	// 2. Steady state: everyone follows its key; B and C stand by.
	seen := newScaleLatch(2 * scaleProducers)
	for _, p := range r.parts[0] {
		r.goFollow(ctx, p)
	}
	for role := 1; role < scaleRoles; role++ {
		headStart := time.Duration(role-1) * scaleHeadStart
		for _, p := range r.parts[role] {
			r.goStandby(ctx, p, headStart, seen.arrive)
		}
	}
	if !seen.wait(30 * time.Second) {
		b.Fatalf("after 30s only %d of %d standbys saw their key held", 2*scaleProducers-seen.left(), 2*scaleProducers)
	}
	before := r.countSnapshot()
	windowStart := time.Now()
	<-time.After(r.timing.window)
	res.steadyWindow = time.Since(windowStart)
	after := r.countSnapshot()
	for role := range scaleRoles {
		for kind := range scaleKinds {
			d := after[role][kind] - before[role][kind]
			res.steadyReqs[role] += d
			res.steadyKinds[kind] += d
		}
	}
	for i, p := range r.parts[0] {
		if t := p.heldTerm(); isClosed(t.Lost()) {
			b.Fatalf("A of producer %d lost its lock in steady state: %v", i, t.Err())
		}
	}

	// 3. Failover: destroy every A session at once.
	r.standbyAttempts.Store(0)
	r.lockDelayRefusals.Store(0)
	sessions := make([]string, scaleProducers)
	for i, p := range r.parts[0] {
		sessions[i] = p.heldTerm().Session()
	}
	destroyErrs := make([]error, scaleProducers)
	var dWG sync.WaitGroup
	t0 := time.Now()
	for i, sid := range sessions {
		dWG.Add(1)
		go func() {
			defer dWG.Done()
			_, destroyErrs[i] = r.operator.Session().Destroy(sid, nil)
		}()
	}
	dWG.Wait()
	res.destroySpread = time.Since(t0)
	if err := errors.Join(destroyErrs...); err != nil {
		b.Fatalf("destroy A sessions: %v", err)
	}
	deadline := time.After(r.timing.lockDelay + 2*scaleHeadStart + 30*time.Second)
	for i, k := range r.keys {
		select {
		case <-k.failedOver:
		case <-deadline:
			b.Fatalf("producer %d has no new holder %s after the destroys", i, time.Since(t0))
		}
	}
	for i, ch := range aLost {
		select {
		case at := <-ch:
			res.lostDetect = append(res.lostDetect, at.Sub(t0))
		case <-time.After(5 * time.Second):
			b.Fatalf("A of producer %d did not close Lost after its session was destroyed", i)
		}
	}
	res.standbyAttempts = r.standbyAttempts.Load()
	res.lockDelayRefusals = r.lockDelayRefusals.Load()

	// Safety: no overlapping terms, and Consul agrees on the one new holder.
	for i, k := range r.keys {
		terms, violations := k.snapshot()
		for _, v := range violations {
			b.Errorf("producer %d: two holders: %s", i, v)
		}
		if len(terms) != 2 {
			b.Errorf("producer %d: %d terms, want A then one new holder", i, len(terms))
			continue
		}
		next := terms[1]
		res.failover = append(res.failover, next.at.Sub(t0))
		res.newHolders[next.role]++
		pair, _, err := r.operator.KV().Get(r.parts[0][i].e.Key(), &api.QueryOptions{RequireConsistent: true})
		switch {
		case err != nil:
			b.Errorf("producer %d: read lock key: %v", i, err)
		case pair == nil || pair.Session != next.term.Session() || pair.LockIndex != 2 || next.term.LockIndex() != 2:
			b.Errorf("producer %d: key %+v; want held by %s's session %s at lock index 2 (term's %d)",
				i, pair, scaleRoleNames[next.role], next.term.Session(), next.term.LockIndex())
		}
	}
	return res
}

// acquireCold calls TryAcquire until it holds, retrying failed attempts. Nobody else
// contends for the key, so ErrHeld or a foreign value ends it.
func (p *scaleParticipant) acquireCold(ctx context.Context) (*Term, time.Duration, int, error) {
	start := time.Now()
	for attempt := 1; ; attempt++ {
		term, err := p.e.TryAcquire(ctx, Record{Role: scaleRoleNames[p.role]})
		if err == nil {
			latency := time.Since(start)
			p.setTerm(term)
			p.key.record(p.role, term, time.Now())
			return term, latency, attempt, nil
		}
		if errors.Is(err, ErrHeld) || errors.Is(err, ErrForeignValue) || attempt >= 50 {
			return nil, 0, attempt, fmt.Errorf("attempt %d: %w", attempt, err)
		}
		select {
		case <-ctx.Done():
			return nil, 0, attempt, ctx.Err()
		case <-time.After(scaleRetry):
		}
	}
}

// goFollow runs a holder's Watch, as its agent would, until ctx ends.
func (r *scaleRun) goFollow(ctx context.Context, p *scaleParticipant) {
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		for range p.e.Watch(ctx) {
		}
	}()
}

// goStandby runs a standby until ctx ends: it follows the key and, once it has seen it held
// and then free, contends LockDelay plus headStart after it saw it free. After a successful
// acquisition it keeps the term and only follows the key.
func (r *scaleRun) goStandby(ctx context.Context, p *scaleParticipant, headStart time.Duration, seenHeld func()) {
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		var once sync.Once
		held, free, holding := false, false, false
		var tryAt time.Time
		states := p.e.Watch(ctx)
		for {
			var wake <-chan time.Time
			if free && !holding {
				wake = time.After(time.Until(tryAt))
			}
			select {
			case s, ok := <-states:
				if !ok {
					return
				}
				switch {
				case s.Err != nil:
				case s.Held:
					held, free = true, false
					once.Do(seenHeld)
				case held && !free:
					free, tryAt = true, time.Now().Add(r.timing.lockDelay+headStart)
				}
			case <-wake:
				r.standbyAttempts.Add(1)
				term, err := p.e.TryAcquire(ctx, Record{Role: scaleRoleNames[p.role]})
				switch {
				case err == nil:
					p.setTerm(term)
					p.key.record(p.role, term, time.Now())
					holding = true
				case errors.Is(err, ErrHeld):
					free = false // the watch brings the new holder
				default:
					if errors.Is(err, ErrLockDelay) {
						r.lockDelayRefusals.Add(1)
					}
					tryAt = time.Now().Add(scaleRetry)
				}
			}
		}
	}()
}

// cleanup stops every participant, releases every term and closes the connections.
func (r *scaleRun) cleanup(cancel context.CancelFunc) {
	cancel()
	r.wg.Wait()
	var wg sync.WaitGroup
	for role := range scaleRoles {
		for _, p := range r.parts[role] {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if t := p.heldTerm(); t != nil {
					ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
					defer cancel()
					_ = t.Release(ctx, nil) // A's terms were destroyed: ErrNotHeld
				}
			}()
		}
	}
	wg.Wait()
	for role := range scaleRoles {
		for _, p := range r.parts[role] {
			p.transport.CloseIdleConnections()
		}
	}
}

func (r *scaleRun) countSnapshot() [scaleRoles][scaleKinds]int64 {
	var out [scaleRoles][scaleKinds]int64
	for role, c := range r.counts {
		out[role] = c.snapshot()
	}
	return out
}

// Kinds of request counted by scaleCountingTransport.
const (
	kindRenew = iota
	kindKVConsistent
	kindKV
	kindTxn
	kindSessionCreate
	kindSessionDestroy
	kindOther
	scaleKinds
)

var scaleKindNames = [scaleKinds]string{"renew", "kv-get-consistent", "kv-get", "txn", "session-create", "session-destroy", "other"}

// scaleCounter counts requests by kind.
type scaleCounter struct {
	n [scaleKinds]atomic.Int64
}

func (c *scaleCounter) snapshot() [scaleKinds]int64 {
	var out [scaleKinds]int64
	for i := range c.n {
		out[i] = c.n[i].Load()
	}
	return out
}

// scaleCountingTransport counts each request as it is sent.
type scaleCountingTransport struct {
	base http.RoundTripper
	c    *scaleCounter
}

func (t *scaleCountingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.c.n[scaleKindOf(req)].Add(1)
	return t.base.RoundTrip(req)
}

func scaleKindOf(req *http.Request) int {
	p := req.URL.Path
	switch {
	case strings.HasPrefix(p, "/v1/session/renew/"):
		return kindRenew
	case p == "/v1/session/create":
		return kindSessionCreate
	case strings.HasPrefix(p, "/v1/session/destroy/"):
		return kindSessionDestroy
	case p == "/v1/txn":
		return kindTxn
	case strings.HasPrefix(p, "/v1/kv/"):
		if req.URL.Query().Has("consistent") {
			return kindKVConsistent
		}
		return kindKV
	}
	return kindOther
}

// scaleLatch counts arrivals down to zero.
type scaleLatch struct {
	n    atomic.Int64
	done chan struct{}
}

func newScaleLatch(n int) *scaleLatch {
	l := &scaleLatch{done: make(chan struct{})}
	l.n.Store(int64(n))
	return l
}

func (l *scaleLatch) arrive() {
	if l.n.Add(-1) == 0 {
		close(l.done)
	}
}

func (l *scaleLatch) left() int { return int(l.n.Load()) }

func (l *scaleLatch) wait(d time.Duration) bool {
	select {
	case <-l.done:
		return true
	case <-time.After(d):
		return false
	}
}

func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// scaleResult holds the figures of one or more iterations.
type scaleResult struct {
	acquire, failover, lostDetect scaleSamples
	acquireAttempts               int
	steadyReqs                    [scaleRoles]int64
	steadyKinds                   [scaleKinds]int64
	steadyWindow                  time.Duration
	destroySpread                 time.Duration
	newHolders                    [scaleRoles]int
	standbyAttempts               int64
	lockDelayRefusals             int64
}

func (a *scaleResult) add(r scaleResult) {
	a.acquire = append(a.acquire, r.acquire...)
	a.failover = append(a.failover, r.failover...)
	a.lostDetect = append(a.lostDetect, r.lostDetect...)
	a.acquireAttempts += r.acquireAttempts
	for i := range a.steadyReqs {
		a.steadyReqs[i] += r.steadyReqs[i]
		a.newHolders[i] += r.newHolders[i]
	}
	for i := range a.steadyKinds {
		a.steadyKinds[i] += r.steadyKinds[i]
	}
	a.steadyWindow += r.steadyWindow
	a.destroySpread = max(a.destroySpread, r.destroySpread)
	a.standbyAttempts += r.standbyAttempts
	a.lockDelayRefusals += r.lockDelayRefusals
}

func (a *scaleResult) report(b *testing.B, timing scaleTiming) {
	b.ReportMetric(0, "ns/op")
	for _, m := range []struct {
		name string
		s    scaleSamples
	}{{"acquire", a.acquire}, {"failover", a.failover}} {
		b.ReportMetric(m.s.quantile(0.5).Seconds()*1e3, m.name+"-p50-ms")
		b.ReportMetric(m.s.quantile(0.99).Seconds()*1e3, m.name+"-p99-ms")
		b.ReportMetric(m.s.quantile(1).Seconds()*1e3, m.name+"-max-ms")
	}
	secs := a.steadyWindow.Seconds()
	var total int64
	for _, n := range a.steadyReqs {
		total += n
	}
	holderRate := float64(a.steadyReqs[0]) / secs / scaleProducers
	standbyRate := float64(a.steadyReqs[1]+a.steadyReqs[2]) / secs / (2 * scaleProducers)
	b.ReportMetric(float64(total)/secs, "req/s")
	b.ReportMetric(holderRate, "req/s/holder")
	b.ReportMetric(standbyRate, "req/s/standby")

	var kinds []string
	for i, n := range a.steadyKinds {
		if n > 0 {
			kinds = append(kinds, fmt.Sprintf("%s %.1f/s", scaleKindNames[i], float64(n)/secs))
		}
	}
	b.Logf("%d producers x %d roles, TTL %s, renew %s, LostAfter %s, LockDelay %s, %d iteration(s)",
		scaleProducers, scaleRoles, scaleTTL, timing.renew, timing.lostAfter, timing.lockDelay, b.N)
	b.Logf("cold acquisition by %d A: p50 %s p99 %s max %s (%d attempts)",
		len(a.acquire), a.acquire.quantile(0.5), a.acquire.quantile(0.99), a.acquire.quantile(1), a.acquireAttempts)
	b.Logf("steady state over %s: %.1f req/s in all (%s); %.3f req/s per holder, %.4f per standby",
		a.steadyWindow.Round(time.Millisecond), float64(total)/secs, strings.Join(kinds, ", "), holderRate, standbyRate)
	b.Logf("failover of %d keys after destroying every A session (destroys took %s): new holder p50 %s p99 %s max %s; "+
		"beyond LockDelay p50 %s max %s; A saw Lost p50 %s max %s; new holders B %d C %d; "+
		"%d standby attempts, %d refused by lock-delay",
		len(a.failover), a.destroySpread.Round(time.Millisecond),
		a.failover.quantile(0.5), a.failover.quantile(0.99), a.failover.quantile(1),
		a.failover.quantile(0.5)-timing.lockDelay, a.failover.quantile(1)-timing.lockDelay,
		a.lostDetect.quantile(0.5), a.lostDetect.quantile(1),
		a.newHolders[1], a.newHolders[2], a.standbyAttempts, a.lockDelayRefusals)
}

// scaleSamples are latencies.
type scaleSamples []time.Duration

// quantile returns the nearest-rank q-quantile (q in (0, 1]), 0 when empty.
func (s scaleSamples) quantile(q float64) time.Duration {
	if len(s) == 0 {
		return 0
	}
	sorted := slices.Clone(s)
	slices.Sort(sorted)
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
