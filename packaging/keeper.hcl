# eoskeeper agent configuration, installed by the package as /etc/eoskeeper/keeper.hcl.
# The package manager keeps your edits on upgrade.
#
# As shipped this file is valid but makes the host a full node (role F): the agent watches
# and reports on nodeos and never pauses or resumes it, so starting it before editing cannot
# touch production. On a producing host set node.name, node.role (A, B or C) and producer,
# uncomment the failover block, then check the file and start the agent:
#
#   eoskeeper validate -config /etc/eoskeeper/keeper.hcl
#   systemctl enable --now eoskeeper
#
# Every setting, with comments: /usr/share/doc/eoskeeper/examples/keeper-A.hcl.
#
# Secrets never live in this file: env("NAME") reads an environment variable, set in
# /etc/default/eoskeeper (mode 0600, read by systemd for the service), and file("path") reads
# a file, trimmed.

node {
  name = "fn-1" # unique per host; names the Consul service ID and the InfluxDB host tag
  role = "F"    # A, B, C produce (in that order of preference); F is a watched full node
}

producer = "eosstorebest" # the producer account the A, B and C hosts share

nodeos {
  url = "http://127.0.0.1:8888"
  # On A, B and C the agent follows the log for "Produced block" lines (add the eoskeeper
  # user to the group that can read it) and counts peers through the pid file.
  # log_file = "/var/log/nodeos/nodeos.log"
  # pid_file = "/run/nodeos/nodeos.pid"
}

consul {
  address = "127.0.0.1:8500"
  token   = env("CONSUL_HTTP_TOKEN", "")
}

# failover {
#   # Missed turns of our producer a role waits for before it contends for the lock.
#   priority = { A = 1, B = 2, C = 6 }
#
#   # Last resort when nodeos cannot be confirmed paused through its API (needs a polkit
#   # rule letting the eoskeeper user manage nodeos.service).
#   fence_command = ["/usr/bin/systemctl", "kill", "--signal=SIGKILL", "nodeos.service"]
# }

# notify "wecom_robot" "ops" {
#   key = env("WECOM_KEY")
# }

# output "influxdb" {
#   url      = "http://10.0.0.10:8086"
#   database = "eosmonitor"
#   username = "eoskeeper"
#   password = env("INFLUX_PASSWORD")
# }

output "http" {
  listen = "127.0.0.1:9273" # /metrics, /status, /v1/producing, /v1/health
}
