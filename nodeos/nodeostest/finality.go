package nodeostest

import (
	"crypto/sha256"
	"encoding/base64"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
)

// finality models Savanna voting for our producer's finalizer (Config.Finalizers).
type finality struct {
	enabled    bool
	activeKey  string
	pendingKey string
	pendingAt  nodeos.Slot
	generation uint32
	timeout    int
	activation int
}

// voteState is what a node knows of our active finalizer's votes.
type voteState struct {
	base  nodeos.Slot // last vote received, resume (force_unpause) or start, whichever is latest
	last  nodeos.Slot // last vote received; 0 if none
	block *block      // the block that vote was for
}

func (f *finality) init(cfg Config) {
	f.enabled = cfg.Finalizers && cfg.Mode == Savanna && cfg.LogFormat.version().InstantFinality
	f.activeKey = cfg.ActiveFinalizerKey
	f.generation = 1
	f.timeout = cfg.VoteTimeoutBlocks
	f.activation = cfg.KeyActivationBlocks
}

// nodeAdded makes the first node holding a key our active finalizer when none was configured.
func (f *finality) nodeAdded(nd *Node) {
	if f.activeKey == "" && nd.cfg.FinalizerKey != "" {
		f.activeKey = nd.cfg.FinalizerKey
	}
}

// SetActiveFinalizerKey makes key our producer's active finalizer key, as the on-chain actfinkey
// action does: the change is pending for Config.KeyActivationBlocks slots, then the node holding
// key votes for us and the previous key's votes no longer count.
func (n *Network) SetActiveFinalizerKey(key string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.fin.pendingKey = key
	n.fin.pendingAt = n.slot + nodeos.Slot(n.fin.activation)
}

// ActiveFinalizerKey returns our producer's active finalizer key.
func (n *Network) ActiveFinalizerKey() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.fin.activeKey
}

func (f *finality) maybeActivate(n *Network, s nodeos.Slot) {
	if f.pendingKey == "" || s < f.pendingAt {
		return
	}
	f.activeKey, f.pendingKey = f.pendingKey, ""
	f.generation++
	if !n.cfg.LogFormat.version().InstantFinality || n.cfg.Mode != Savanna {
		return
	}
	for _, nd := range n.nodes {
		if nd.active() {
			nd.logGenerationChange(s, f.generation-1, f.generation)
		}
	}
}

// vote delivers the active finalizer's vote on each group's new block to the group's nodes.
func (f *finality) vote(n *Network, s nodeos.Slot) {
	if !f.enabled || f.activeKey == "" {
		return
	}
	for _, g := range n.groups {
		if g.head.Slot != s {
			continue // no new block in this group
		}
		members := n.members(g)
		voting := false
		for _, nd := range members {
			if nd.cfg.FinalizerKey == f.activeKey {
				voting = true
			}
		}
		if !voting {
			continue
		}
		for _, nd := range members {
			if nd.head.ID != g.head.ID {
				continue
			}
			nd.vote = voteState{base: s, last: s, block: g.head}
		}
	}
}

// implicitlyPaused reports whether Spring's vote tracker keeps producer node nd from producing
// slot s: our active finalizer has not voted for more than VoteTimeoutBlocks.
func (n *Network) implicitlyPaused(nd *Node, s nodeos.Slot) bool {
	if !n.fin.enabled || !nd.cfg.ProducerNode {
		return false
	}
	return int64(s)-int64(nd.vote.base) > int64(n.fin.timeout)
}

// forceUnpause is resume()'s reset of the vote tracker.
func (n *Network) forceUnpause(nd *Node) { nd.vote.base = n.slot }

func (f *finality) lastVoteTime(nd *Node) time.Time {
	if nd.vote.last == 0 {
		return nodeos.Slot(0).Time()
	}
	return nd.vote.last.Time()
}

func (f *finality) conflictTime(nd *Node) time.Time {
	return (nd.vote.base + 1).Time()
}

// blsKey returns a stand-in BLS public key for a virtual producer's finalizer.
func blsKey(name string) string {
	h := sha256.Sum256([]byte("bls " + name))
	raw := append(h[:], h[:]...)
	return "PUB_BLS_" + base64.RawURLEncoding.EncodeToString(raw[:48])
}
