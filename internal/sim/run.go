package sim

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

// RunSeeds runs n seeds from first on workers goroutines and returns their results in seed
// order.
func RunSeeds(first int64, n, workers int, opts Options) []Result {
	results := make([]Result, n)
	var wg sync.WaitGroup
	next := make(chan int)
	for range max(workers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = Run(first+int64(i), opts)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return results
}

// Summary adds up the figures of many runs.
type Summary struct {
	Seeds, Failed, Overlapping      int
	Simulated                       time.Duration
	Faults, Takeovers               map[string]int
	Violations                      map[string]int
	OurSlots, Missed, Double, Split int
}

// Add counts one result.
func (s *Summary) Add(r Result) {
	if s.Faults == nil {
		s.Faults, s.Takeovers, s.Violations = map[string]int{}, map[string]int{}, map[string]int{}
	}
	s.Seeds++
	s.Simulated += r.Stats.Simulated
	if len(r.Violations) > 0 {
		s.Failed++
	}
	if r.Stats.MaxOverlap > 1 {
		s.Overlapping++
	}
	for k, v := range r.Stats.Faults {
		s.Faults[k] += v
	}
	for k, v := range r.Stats.Takeovers {
		s.Takeovers[k] += v
	}
	for _, v := range r.Violations {
		s.Violations[v.Rule]++
	}
	s.OurSlots += r.Stats.OurSlots
	s.Missed += r.Stats.MissedSlots
	s.Double += r.Stats.DoubleSlots
	s.Split += r.Stats.SplitTurns
}

// String renders the summary as a few lines of figures.
func (s Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "seeds %d, failed %d, simulated %.1f h, schedules with overlapping faults %d\n",
		s.Seeds, s.Failed, s.Simulated.Hours(), s.Overlapping)
	fmt.Fprintf(&b, "our slots %d, missed %d, double-produced %d, turns split between nodes %d\n", s.OurSlots, s.Missed, s.Double, s.Split)
	fmt.Fprintf(&b, "faults: %s\n", counts(s.Faults))
	fmt.Fprintf(&b, "takeovers: %s\n", counts(s.Takeovers))
	fmt.Fprintf(&b, "violations: %s", counts(s.Violations))
	return b.String()
}

func counts(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}
