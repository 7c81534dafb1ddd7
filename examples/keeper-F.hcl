# eoskeeper agent on a full node (role F): watched and reported on, never paused or resumed.
# It takes no part in the election; with a Consul agent nearby it still registers its
# service and checks, so the node shows in the Consul UI. Its InfluxDB rows go to the
# seed's eosfninfo measurement.

node {
  name = "fn-1"
  role = "F"
}

producer = "eosstorebest"

nodeos {
  url = "http://127.0.0.1:8888"
}

consul {
  token = env("CONSUL_HTTP_TOKEN", "")
}

alerts {
  min_peers = 10
  timezone  = "Asia/Shanghai"
  digest    = ["07:00", "19:00"]
}

notify "wecom_robot" "ops" {
  key          = env("WECOM_KEY")
  min_severity = "warning"
}

output "influxdb" {
  url      = "http://10.0.0.10:8086"
  database = "eosmonitor"
  username = "eoskeeper"
  password = env("INFLUX_PASSWORD")
}
