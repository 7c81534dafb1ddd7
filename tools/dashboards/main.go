// Command dashboards writes the Grafana dashboards in examples/grafana from their Go
// definitions (built with the Grafana Foundation SDK), so every panel, target and variable is
// typed. Its tests check that the committed JSON is what this command writes, parse every
// PromQL expression in the dashboards and in examples/prometheus/alerts.yml, and check that
// every metric they name is one the agent's collector exports.
//
//	cd tools/dashboards && go run . -dir ../../examples/grafana
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	dir := flag.String("dir", filepath.Join("..", "..", "examples", "grafana"), "directory the dashboards are written to")
	flag.Parse()
	if err := write(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "dashboards:", err)
		os.Exit(1)
	}
}

// write renders every dashboard into dir.
func write(dir string) error {
	for _, d := range dashboards {
		b, err := render(d.build)
		if err != nil {
			return fmt.Errorf("%s: %w", d.file, err)
		}
		path := filepath.Join(dir, d.file)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		fmt.Println("wrote", path)
	}
	return nil
}
