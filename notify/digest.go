package notify

import (
	"fmt"
	"sort"
	"time"
)

// clockTime is a time of day in minutes after midnight.
type clockTime int

// parseDigestTimes parses "HH:MM" strings and returns them sorted without duplicates.
func parseDigestTimes(in []string) ([]clockTime, error) {
	seen := make(map[clockTime]bool)
	var out []clockTime
	for _, s := range in {
		t, err := time.Parse("15:04", s)
		if err != nil {
			return nil, fmt.Errorf("time %q is not HH:MM", s)
		}
		ct := clockTime(t.Hour()*60 + t.Minute())
		if !seen[ct] {
			seen[ct] = true
			out = append(out, ct)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, nil
}

// nextDigest returns the first scheduled time strictly after now, in loc. Times are wall-clock
// times, so a schedule follows daylight-saving changes.
func nextDigest(now time.Time, times []clockTime, loc *time.Location) time.Time {
	if len(times) == 0 {
		return time.Time{}
	}
	local := now.In(loc)
	y, m, d := local.Date()
	for day := 0; day < 2; day++ {
		for _, ct := range times {
			t := time.Date(y, m, d+day, int(ct)/60, int(ct)%60, 0, 0, loc)
			if t.After(now) {
				return t
			}
		}
	}
	return time.Time{} // unreachable: tomorrow's first time is always after now
}
