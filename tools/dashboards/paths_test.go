package main

import "path/filepath"

// Paths of the checked files, relative to this package's directory.
var (
	repoRoot      = filepath.Join("..", "..")
	grafanaDir    = filepath.Join(repoRoot, "examples", "grafana")
	alertsFile    = filepath.Join(repoRoot, "examples", "prometheus", "alerts.yml")
	collectorFile = filepath.Join(repoRoot, "cmd", "eoskeeper", "internal", "metrics", "collector.go")
)
