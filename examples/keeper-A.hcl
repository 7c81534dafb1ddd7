# eoskeeper agent on host A, the primary block producer.
#
# A, B and C run nodeos with the same producer name and signing key, all started with
# pause-on-startup = true. The agents share one Consul cluster and only the lock holder's
# nodeos is resumed. Check this file with:  eoskeeper validate -config keeper-A.hcl
#
# Secrets never live in this file: env("NAME") reads an environment variable (set in the
# systemd unit's EnvironmentFile) and file("path") reads a file, trimmed.

node {
  name = "bp-a"   # unique per host; names the Consul service ID and the InfluxDB host tag
  role = "A"      # A, B, C produce (in that order of preference); F is a watched full node
}

producer = "eosstorebest"

nodeos {
  url           = "http://127.0.0.1:8888"
  log_file      = "/var/log/nodeos/nodeos.log" # followed for "Produced block" lines
  p2p_port      = 9876
  pid_file      = "/run/nodeos/nodeos.pid"
  timeout       = "2s"
  poll_interval = "1s"
}

consul {
  address    = "127.0.0.1:8500"
  token      = env("CONSUL_HTTP_TOKEN", "")
  datacenter = "dc1"
  key_prefix = "eoskeeper"

  # A holder pauses its nodeos when it has not renewed its session for lost_after, which
  # must be shorter than session_ttl and at most lock_delay.
  session_ttl = "15s"
  lock_delay  = "15s"
  lost_after  = "10s"

  # tls {
  #   ca_file   = "/etc/eoskeeper/consul-ca.pem"
  #   cert_file = "/etc/eoskeeper/client.pem"
  #   key_file  = "/etc/eoskeeper/client-key.pem"
  # }
}

failover {
  # Missed turns of our producer a role waits for before it contends for the lock.
  # The same map can be used on every host.
  priority = { A = 1, B = 2, C = 6 }

  # Last resort when nodeos cannot be confirmed paused through its API.
  fence_command = ["/usr/bin/systemctl", "kill", "--signal=SIGKILL", "nodeos.service"]
}

alerts {
  min_peers        = 5
  api_failures     = 5
  head_stall       = "10s"
  lib_stall        = "20s"
  min_producers    = 5
  producers_window = "60s"
  repeat           = "30m"
  lang             = "zh"
  timezone         = "Asia/Shanghai"
  digest           = ["07:00", "13:00", "19:00"]
}

notify "wecom_robot" "ops" {
  key = env("WECOM_KEY")
}

notify "sms_http" "oncall" {
  url     = "https://sms.example.com/api/send"
  headers = { Authorization = "Bearer ${env("SMS_API_KEY")}" }
  body    = "{\"mobiles\":\"{{mobiles}}\",\"text\":\"{{text}}\"}"
  mobiles = ["13800000000"]

  success_json_path = "code"
  success_value     = "0"

  min_severity = "critical" # SMS only for faults that cost blocks
  after        = "2m"       # and only if still firing after two minutes
  digest       = false
}

output "influxdb" {
  url            = "http://10.0.0.10:8086"
  version        = 1
  database       = "eosmonitor"
  username       = "eoskeeper"
  password       = env("INFLUX_PASSWORD")
  batch          = 100
  flush_interval = "10s"
}

output "http" {
  listen = "127.0.0.1:9273" # /metrics, /status, /v1/producing, /v1/health

  # To let Prometheus on another host scrape this agent, listen beyond loopback and protect
  # the listener (validate and the agent warn otherwise): HTTPS with a certificate that is
  # read again when it is renewed, and a token that /status and /metrics require (the role
  # endpoints stay open for the Consul check). basic_auth { username, password } instead of
  # bearer_token works too. See examples/README.md for the Prometheus side.
  #
  # listen        = "10.0.0.1:9273"
  # tls_cert_file = "/etc/eoskeeper/tls/bp-a.crt"
  # tls_key_file  = "/etc/eoskeeper/tls/bp-a.key"
  # bearer_token  = env("EOSKEEPER_METRICS_TOKEN")
}

logging {
  level = "info"
  json  = false
}

# Savanna chains: this node's own BLS finalizer key, activated with eosio::actfinkey when this
# node takes over (see README, "one finalizer key per node"). The permission is a low-privilege
# one linked to eosio::actfinkey; its private key comes from the environment, never the file.
# finalizer {
#   key         = "PUB_BLS_..."
#   permission  = "eosstorebest@finkey"
#   private_key = env("FINKEY_PRIVATE_KEY")
# }

# Commands run in the background when this node starts and stops producing.
# hooks {
#   on_promote = ["/usr/local/bin/notify-ops", "promoted"]
#   on_demote  = ["/usr/local/bin/notify-ops", "demoted"]
# }
