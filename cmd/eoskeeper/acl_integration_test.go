package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"

	"github.com/eoskeeper/eoskeeper/internal/consultest"
	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/nodeos/nodeostest"
)

// aclManagementToken is the initial management token of the test's Consul.
const aclManagementToken = "9b6f3c1e-2a4d-4f8e-b7c5-0d1e2f3a4b5c"

// TestACLLeastPrivilege runs two agents and the operator commands against a Consul with ACLs
// enabled and default_policy "deny", each with a token holding exactly the policies of
// examples/acl: agent-bp-a.hcl (and its copy for bp-b) for the agents, read through
// consul.token_file, and operator.hcl for the operator, given in CONSUL_HTTP_TOKEN, which
// wins over the token_file of the keeper.hcl the operator passes. The agents register, take
// the lock and publish their statuses; status, pause, resume, switchover and history work;
// the operator's token is recorded with the maintenance flag; each token is refused what its
// policy leaves out, with an error that names the key and the permission; and a token
// rotated in the agent's token file is used without a restart.
func TestACLLeastPrivilege(t *testing.T) {
	old := tokenFileInterval
	tokenFileInterval = 100 * time.Millisecond
	t.Cleanup(func() { tokenFileInterval = old })

	cluster := consultest.StartCluster(t, 1, consultest.WithACL(aclManagementToken))
	mgmt := cluster.Servers[0].Client()
	net := newAgentNetwork(t)
	if net.Ours() != "eosstorebest" {
		t.Fatalf("the policies name eosstorebest; the network's producer is %s", net.Ours())
	}

	dir := t.TempDir()
	agentRules := readPolicy(t, "agent-bp-a.hcl")
	agents, tokenFiles, tokens := map[string]testAgent{}, map[string]string{}, map[string]*api.ACLToken{}
	for _, role := range []string{"A", "B"} {
		name := "bp-" + strings.ToLower(role)
		consul := cluster.AddClient(consultest.WithACL(aclManagementToken), consultest.WithNodeName(name))
		tokens[name] = createToken(t, mgmt, "eoskeeper-"+name, strings.ReplaceAll(agentRules, "bp-a", name), "eoskeeper agent "+name)
		tokenFiles[name] = filepath.Join(dir, name+".token")
		if err := os.WriteFile(tokenFiles[name], []byte(tokens[name].SecretID+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		nd := net.AddNode(nodeostest.NodeConfig{Name: name, ProducerNode: true})
		agents[name] = writeAgentHCL(t, dir, agentSpec{name: name, role: role, producer: net.Ours(), nodeos: nd, consul: consul.HTTPAddr,
			consulExtra: fmt.Sprintf("  token_file  = %q", tokenFiles[name])})
	}
	startAgent(t, agents["bp-a"], agentOptions{})
	waitStatus(t, agents["bp-a"].listen, 30*time.Second, func(s keeper.Status) bool { return s.State == keeper.Leader && s.Producing })
	startAgent(t, agents["bp-b"], agentOptions{})
	waitStatus(t, agents["bp-b"].listen, 30*time.Second, func(s keeper.Status) bool { return s.State == keeper.Standby && s.Healthy })

	// The agents registered their services under their own tokens.
	services, _, err := mgmt.Catalog().Service("eoskeeper", "", nil)
	if err != nil || len(services) != 2 {
		t.Fatalf("catalog eoskeeper services: %d, %v", len(services), err)
	}

	// The operator: only operator.hcl, in the environment; the keeper.hcl passed with -config
	// names the agent's token file, which the environment overrides.
	op := createToken(t, mgmt, "eoskeeper-operator", readPolicy(t, "operator.hcl"), "ops: alice")
	t.Setenv(api.HTTPAddrEnvName, "")
	t.Setenv(api.HTTPTokenFileEnvName, "")
	t.Setenv(api.HTTPTokenEnvName, op.SecretID)
	ui := newTestUI()
	waitFor(t, 20*time.Second, "both agents in `eoskeeper status`", func() bool {
		ui.OutputWriter.Reset()
		ui.ErrorWriter.Reset()
		code := (&StatusCommand{UI: ui}).Run([]string{"-config", agents["bp-a"].path})
		if code != 0 {
			t.Fatalf("status with the operator token: %s", ui.ErrorWriter.String())
		}
		out := ui.OutputWriter.String()
		return strings.Contains(out, "lock holder: bp-a") && strings.Contains(out, "\nbp-b ")
	})
	if code := (&PauseCommand{UI: ui}).Run([]string{"-config", agents["bp-a"].path, "-reason", "acl test"}); code != 0 {
		t.Fatalf("pause with the operator token: %s", ui.ErrorWriter.String())
	}
	pair, _, err := mgmt.KV().Get("eoskeeper/eosstorebest/maintenance", nil)
	if err != nil || pair == nil {
		t.Fatalf("maintenance key: %v, %v", pair, err)
	}
	if v := string(pair.Value); !strings.Contains(v, op.AccessorID) || !strings.Contains(v, "ops: alice") {
		t.Errorf("maintenance flag does not name the operator's token %s: %s", op.AccessorID, v)
	}
	waitStatus(t, agents["bp-b"].listen, 10*time.Second, func(s keeper.Status) bool { return s.State == keeper.Maintenance })
	if code := (&ResumeCommand{UI: ui}).Run([]string{"-producer", "eosstorebest", "-consul-addr", cluster.Clients[0].HTTPAddr, "-by", "alice"}); code != 0 {
		t.Fatalf("resume with flags only: %s", ui.ErrorWriter.String())
	}
	waitStatus(t, agents["bp-b"].listen, 10*time.Second, func(s keeper.Status) bool { return s.State == keeper.Standby })
	switchoverWhenReady(t, ui, agents["bp-a"].path, "bp-b", 30*time.Second)
	waitStatus(t, agents["bp-b"].listen, 10*time.Second, func(s keeper.Status) bool { return s.State == keeper.Leader && s.Producing })
	waitFor(t, 10*time.Second, "the switchover in `eoskeeper history`", func() bool {
		ui.OutputWriter.Reset()
		if code := (&HistoryCommand{UI: ui}).Run([]string{"-config", agents["bp-b"].path}); code != 0 {
			t.Fatalf("history with the operator token: %s", ui.ErrorWriter.String())
		}
		return strings.Contains(ui.OutputWriter.String(), "switchover")
	})

	// What each policy leaves out is refused, and the error names the key and permission.
	refused := func(what string, err error, want ...string) {
		t.Helper()
		var se api.StatusError
		if !errors.As(err, &se) || se.Code != 403 {
			t.Errorf("%s: err = %v, want a 403", what, err)
			return
		}
		for _, w := range want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q does not name %q", what, err, w)
			}
		}
	}
	opClient := consultest.NewClientWithToken(t, cluster.Clients[0].HTTPAddr, op.SecretID)
	_, err = opClient.KV().Put(&api.KVPair{Key: "eoskeeper/eosstorebest/leader", Value: []byte("x")}, nil)
	refused("operator writes the lock key", err, "key:write", "eoskeeper/eosstorebest/leader")
	_, _, err = opClient.Session().CreateNoChecks(&api.SessionEntry{TTL: "10s"}, nil)
	refused("operator creates a session", err, "session:write")
	agentA := consultest.NewClientWithToken(t, cluster.Clients[0].HTTPAddr, tokens["bp-a"].SecretID)
	_, err = agentA.KV().Put(&api.KVPair{Key: "eoskeeper/eosstorebest/nodes/bp-b", Value: []byte("{}")}, nil)
	refused("agent bp-a writes bp-b's status", err, "key:write", "nodes/bp-b")
	_, err = agentA.KV().Put(&api.KVPair{Key: "eoskeeper/otherbp/leader", Value: []byte("x")}, nil)
	refused("agent bp-a writes another producer's lock", err, "key:write")

	// An operator command with a token lacking the policy fails naming key and permission.
	for _, tc := range []struct {
		name, token string
		cmd         runner
		args        []string
		want        []string
	}{
		{"pause with the agent's token", tokens["bp-a"].SecretID, &PauseCommand{UI: ui},
			[]string{"-config", agents["bp-a"].path, "-reason", "x"}, []string{"key:write", "eoskeeper/eosstorebest/maintenance", "examples/acl/operator.hcl"}},
		{"switchover with the agent's token", tokens["bp-a"].SecretID, &SwitchoverCommand{UI: ui},
			[]string{"-config", agents["bp-a"].path, "-to", "bp-a", "-timeout", "10s"}, []string{"key:write", "eoskeeper/eosstorebest/switchover"}},
		{"status with a token without policy", createToken(t, mgmt, "", "", "nothing").SecretID, &StatusCommand{UI: ui},
			[]string{"-config", agents["bp-a"].path}, []string{"key read on eoskeeper/eosstorebest/"}},
	} {
		t.Setenv(api.HTTPTokenEnvName, tc.token)
		ui.OutputWriter.Reset()
		ui.ErrorWriter.Reset()
		if code := tc.cmd.Run(tc.args); code != 1 {
			t.Errorf("%s: exit %d, want 1; output %s", tc.name, code, ui.OutputWriter.String())
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(ui.ErrorWriter.String(), w) {
				t.Errorf("%s: the error does not name %q:\n%s", tc.name, w, ui.ErrorWriter.String())
			}
		}
	}

	// Rotate agent bp-b's token (the holder's) through its token file, then delete the old
	// token: the agent keeps its lock and keeps publishing its status.
	rotated := createTokenForPolicy(t, mgmt, "eoskeeper-bp-b", "eoskeeper agent bp-b, rotated")
	if err := os.WriteFile(tokenFiles["bp-b"], []byte(rotated.SecretID), 0o600); err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * tokenFileInterval)
	if _, err := mgmt.ACL().TokenDelete(tokens["bp-b"].AccessorID, nil); err != nil {
		t.Fatal(err)
	}
	before, _, err := mgmt.KV().Get("eoskeeper/eosstorebest/nodes/bp-b", nil)
	if err != nil || before == nil {
		t.Fatalf("bp-b's status: %v, %v", before, err)
	}
	waitFor(t, 15*time.Second, "bp-b's status published after its old token was deleted", func() bool {
		now, _, err := mgmt.KV().Get("eoskeeper/eosstorebest/nodes/bp-b", nil)
		return err == nil && now != nil && now.ModifyIndex > before.ModifyIndex
	})
	waitStatus(t, agents["bp-b"].listen, time.Second, func(s keeper.Status) bool { return s.State == keeper.Leader && s.Producing })
	if err := nodeostest.CheckNoDoubleProduction(net.Ledger()); err != nil {
		t.Fatal(err)
	}
}

// readPolicy returns the rules of examples/acl/<name>.
func readPolicy(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", "acl", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// createToken creates a policy named policy with rules (none when policy is "") and a token
// holding it.
func createToken(t *testing.T, c *api.Client, policy, rules, description string) *api.ACLToken {
	t.Helper()
	tok := &api.ACLToken{Description: description}
	if policy != "" {
		p, _, err := c.ACL().PolicyCreate(&api.ACLPolicy{Name: policy, Rules: rules}, nil)
		if err != nil {
			t.Fatalf("create policy %s: %v", policy, err)
		}
		tok.Policies = []*api.ACLTokenPolicyLink{{ID: p.ID}}
	}
	out, _, err := c.ACL().TokenCreate(tok, nil)
	if err != nil {
		t.Fatalf("create token %q: %v", description, err)
	}
	return out
}

// createTokenForPolicy creates another token holding the existing policy named policy.
func createTokenForPolicy(t *testing.T, c *api.Client, policy, description string) *api.ACLToken {
	t.Helper()
	out, _, err := c.ACL().TokenCreate(&api.ACLToken{Description: description, Policies: []*api.ACLTokenPolicyLink{{Name: policy}}}, nil)
	if err != nil {
		t.Fatalf("create token %q: %v", description, err)
	}
	return out
}
