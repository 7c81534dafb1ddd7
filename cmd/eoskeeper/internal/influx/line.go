package influx

import (
	"sort"
	"strconv"
	"strings"
	"time"
)

// Point is one line-protocol point. Fields keep their order; tags are written sorted by key,
// as InfluxDB recommends.
type Point struct {
	Measurement string
	Tags        map[string]string
	Fields      []Field
	Time        time.Time
}

// Field is one field of a point. Value must be an int, int64, uint32, float64, bool or string.
type Field struct {
	Key   string
	Value any
}

var (
	measurementEscaper = strings.NewReplacer(`,`, `\,`, ` `, `\ `, "\n", `\ `, "\r", `\ `, "\t", `\ `)
	keyEscaper         = strings.NewReplacer(`,`, `\,`, `=`, `\=`, ` `, `\ `, "\n", `\ `, "\r", `\ `, "\t", `\ `)
	stringEscaper      = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", ` `, "\r", ` `)
)

// Line encodes p as one line of line protocol with a timestamp in seconds, without the
// trailing newline. Measurement, tag keys and values and field keys are escaped; string field
// values are quoted with '"' and '\' escaped and line breaks replaced by spaces. Empty tag
// values are left out (InfluxDB rejects them). Line returns "" for a point without fields.
func (p Point) Line() string {
	if p.Measurement == "" || len(p.Fields) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(measurementEscaper.Replace(p.Measurement))
	keys := make([]string, 0, len(p.Tags))
	for k, v := range p.Tags {
		if k != "" && v != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		b.WriteByte(',')
		b.WriteString(keyEscaper.Replace(k))
		b.WriteByte('=')
		b.WriteString(keyEscaper.Replace(p.Tags[k]))
	}
	written := 0
	for _, f := range p.Fields {
		v, ok := fieldValue(f.Value)
		if !ok || f.Key == "" {
			continue
		}
		if written == 0 {
			b.WriteByte(' ')
		} else {
			b.WriteByte(',')
		}
		b.WriteString(keyEscaper.Replace(f.Key))
		b.WriteByte('=')
		b.WriteString(v)
		written++
	}
	if written == 0 {
		return ""
	}
	if !p.Time.IsZero() {
		b.WriteByte(' ')
		b.WriteString(strconv.FormatInt(p.Time.Unix(), 10))
	}
	return b.String()
}

func fieldValue(v any) (string, bool) {
	switch x := v.(type) {
	case int:
		return strconv.FormatInt(int64(x), 10) + "i", true
	case int64:
		return strconv.FormatInt(x, 10) + "i", true
	case uint32:
		return strconv.FormatUint(uint64(x), 10) + "i", true
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	case string:
		return `"` + stringEscaper.Replace(x) + `"`, true
	}
	return "", false
}
