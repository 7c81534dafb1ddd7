# Consul server for the three-site layout: one server on each of hosts A, B and C, so the
# quorum (2 of 3) survives the loss of any one site. Copy to /etc/consul.d/consul.hcl on each
# host and change node_name, bind_addr and advertise_addr. Check with:
#   consul validate /etc/consul.d/
#
# eoskeeper's timing assumes the defaults below: session TTLs of at least 10s
# (session_ttl_min) and a lock-delay the agents set per session (15s by default).

datacenter = "dc1"
node_name  = "bp-a"
data_dir   = "/var/lib/consul"

server           = true
bootstrap_expect = 3
retry_join       = ["10.0.0.1", "10.0.0.2", "10.0.0.3"]

bind_addr      = "10.0.0.1"
advertise_addr = "10.0.0.1"
client_addr    = "127.0.0.1"

ui_config {
  enabled = true
}

# Session TTLs below 10s are refused; eoskeeper's default is 15s.
session_ttl_min = "10s"

performance {
  # 1 is the production setting: fastest leader election and failure detection.
  raft_multiplier = 1
}

acl {
  enabled                  = true
  default_policy           = "deny"
  enable_token_persistence = true
}

# An eoskeeper agent token needs (producer "eosstorebest", default key_prefix):
#   key_prefix "eoskeeper/eosstorebest/" { policy = "write" }
#   session_prefix ""                     { policy = "write" }
#   service "eoskeeper"                   { policy = "write" }
#   node_prefix ""                        { policy = "read" }
#   agent_prefix ""                       { policy = "read" }
