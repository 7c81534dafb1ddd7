# Consul ACL policy for the eoskeeper agent on host A (examples/keeper-A.hcl): node "bp-a",
# producer "eosstorebest", key_prefix "eoskeeper". Make one per host, replacing bp-a with the
# host's names (see README.md in this directory):
#
#   consul acl policy create -name eoskeeper-bp-a -rules @agent-bp-a.hcl
#   consul acl token create -description "eoskeeper agent bp-a" -policy-name eoskeeper-bp-a

# Read the producer's keys: the lock, the maintenance flag, the switchover request and the
# statuses the other agents publish (a resigning holder picks its successor from them).
key_prefix "eoskeeper/eosstorebest/" {
  policy = "read"
}

# Take, renew and hand on the lock (a role F agent needs neither this nor history).
key "eoskeeper/eosstorebest/leader" {
  policy = "write"
}

# Append the changes of the lock holder this agent makes.
key "eoskeeper/eosstorebest/history" {
  policy = "write"
}

# Publish this agent's own status, and no other agent's.
key "eoskeeper/eosstorebest/nodes/bp-a" {
  policy = "write"
}

# The lock session, created on the local Consul agent: the name is that agent's node name
# (node_name in its configuration), here the same as eoskeeper's.
session "bp-a" {
  policy = "write"
}

# Register the eoskeeper service (ID eoskeeper-bp-a) with its checks, feed its TTL checks,
# and bind the session to the nodeos health check.
service "eoskeeper" {
  policy = "write"
}
