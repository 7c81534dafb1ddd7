# eoskeeper agent on host B, the first standby: it contends for the lock once our producer
# has missed 2 turns in a row. Everything not set here takes its default; see keeper-A.hcl
# for every setting.

node {
  name = "bp-b"
  role = "B"
}

producer = "eosstorebest"

nodeos {
  log_file = "/var/log/nodeos/nodeos.log"
  pid_file = "/run/nodeos/nodeos.pid"
}

consul {
  token = env("CONSUL_HTTP_TOKEN", "")
}

failover {
  priority      = { A = 1, B = 2, C = 6 }
  fence_command = ["/usr/bin/systemctl", "kill", "--signal=SIGKILL", "nodeos.service"]
}

alerts {
  timezone = "Asia/Shanghai"
}

notify "wecom_robot" "ops" {
  key = env("WECOM_KEY")
}

output "influxdb" {
  url      = "http://10.0.0.10:8086"
  database = "eosmonitor"
  username = "eoskeeper"
  password = env("INFLUX_PASSWORD")
}
