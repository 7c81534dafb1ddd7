# eoskeeper agent on host C, the second standby: it contends for the lock only after our
# producer has missed 6 turns in a row, so B (2 turns) always gets the first chance.
# See keeper-A.hcl for every setting.

node {
  name = "bp-c"
  role = "C"
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
