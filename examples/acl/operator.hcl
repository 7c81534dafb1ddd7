# Consul ACL policy for eoskeeper operators (producer "eosstorebest", key_prefix "eoskeeper"):
# enough for eoskeeper status, history, pause, resume and switchover, and nothing more. An
# operator never holds the lock, publishes a status or creates a session.
#
#   consul acl policy create -name eoskeeper-operator -rules @operator.hcl
#   consul acl token create -description "ops: alice" -policy-name eoskeeper-operator
#
# The commands record the token's accessor ID and description with what they change.

# status and history: the lock, the statuses, the history, the flags.
key_prefix "eoskeeper/eosstorebest/" {
  policy = "read"
}

# pause and resume.
key "eoskeeper/eosstorebest/maintenance" {
  policy = "write"
}

# switchover: write the request, and remove it when done.
key "eoskeeper/eosstorebest/switchover" {
  policy = "write"
}
