package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/eoskeeper/eoskeeper/internal/childenv"
)

// DefaultCommandTimeout bounds one run of a Command channel's program.
const DefaultCommandTimeout = 30 * time.Second

// MaxCommandTimeout bounds CommandConfig.Timeout: an alert that takes longer to hand over
// is late anyway, and the channel's queue waits for it.
const MaxCommandTimeout = 10 * time.Minute

// MaxArgs bounds the elements of CommandConfig.Argv.
const MaxArgs = 64

// envKeyRE is the shape of an environment variable name.
var envKeyRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// CommandConfig configures a local command channel.
type CommandConfig struct {
	Name    string        // Optional, defaults to "command"
	Argv    []string      `hcl:"argv"`             // the program and its arguments (no shell); required
	Env     Env           `hcl:"env,optional"`     // "KEY=value" entries added to the program's minimal environment (see Command)
	Timeout time.Duration `hcl:"timeout,optional"` // Optional, defaults to DefaultCommandTimeout; the process is killed after it
}

func init() { RegisterKind("command", func() ChannelSettings { return new(CommandConfig) }) }

// Env is a list of "KEY=value" environment entries whose values may be credentials: it
// prints, through fmt and encoding/json, as "KEY=<redacted>" per entry.
type Env []string

// redacted returns the entries with their values replaced.
func (e Env) redacted() []string {
	out := make([]string, len(e))
	for i, kv := range e {
		k, _, ok := strings.Cut(kv, "=")
		if !ok {
			k = redacted
		} else {
			k += "=" + redacted
		}
		out[i] = k
	}
	return out
}

// String returns the entries with their values redacted.
func (e Env) String() string { return fmt.Sprint(e.redacted()) }

// GoString returns the entries with their values redacted, so %#v does not print them.
func (e Env) GoString() string { return fmt.Sprintf("%#v", e.redacted()) }

// MarshalJSON encodes the entries with their values redacted.
func (e Env) MarshalJSON() ([]byte, error) {
	if e == nil {
		return []byte("null"), nil
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // "<redacted>" as written
	if err := enc.Encode(e.redacted()); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// SetDefaults fills the zero fields that have a default.
func (c *CommandConfig) SetDefaults() {
	if c.Name == "" {
		c.Name = "command"
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultCommandTimeout
	}
}

// Validate reports every problem of c.
func (c *CommandConfig) Validate() error {
	var p problems
	switch {
	case len(c.Argv) == 0 || c.Argv[0] == "":
		p.add("Argv", "command: 'argv' is a list whose first element is the program")
	case len(c.Argv) > MaxArgs:
		p.add("Argv", "command: 'argv' has %d elements, at most %d", len(c.Argv), MaxArgs)
	default:
		for i, a := range c.Argv {
			if a == "" {
				p.add("Argv", "command: element %d of 'argv' is empty", i)
				break
			}
		}
	}
	for i, kv := range c.Env {
		if k, _, ok := strings.Cut(kv, "="); !ok || !envKeyRE.MatchString(k) {
			p.add("Env", "command: element %d of 'env' is not KEY=value with KEY of letters, digits and '_'", i)
		}
	}
	if c.Timeout < 0 || c.Timeout > MaxCommandTimeout {
		p.add("Timeout", "command: 'timeout' (%s) must lie within 0 (the default, %s) and %s", c.Timeout, DefaultCommandTimeout, MaxCommandTimeout)
	}
	return p.err()
}

// NewChannel builds the command channel named name.
func (c *CommandConfig) NewChannel(name string) (Channel, error) {
	cfg := *c
	cfg.Name = name
	return NewCommand(cfg)
}

// Command runs a program per message. It writes the Message as JSON (the same document the
// Webhook posts) to the program's stdin and sets EOSKEEPER_ALERT_KIND, _KEY, _SEVERITY,
// _STATE, _NODE, _ROLE, _PRODUCER, _MESSAGE, _TIME (RFC 3339), _REPEAT, _TITLE and _TEXT, plus
// EOSKEEPER_ALERT_FIGURE_<NAME> per figure (name upper-cased, non-alphanumerics as "_").
// The program does not inherit the agent's environment, which holds the secrets of the
// configuration: it gets PATH, HOME, LANG, LC_ALL and TZ (childenv.Env), then the configured
// Env, then the EOSKEEPER_ALERT_* variables. Exit status 0 is success; a program that cannot
// be started is a permanent error; a non-zero exit or a timeout is transient.
type Command struct {
	cfg CommandConfig
}

var _ Channel = (*Command)(nil)

// NewCommand checks cfg and returns the channel.
func NewCommand(cfg CommandConfig) (*Command, error) {
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Command{cfg: cfg}, nil
}

// Name returns the configured name.
func (c *Command) Name() string { return c.cfg.Name }

// Send runs the command for m.
func (c *Command) Send(ctx context.Context, m Message) error {
	in, err := encodeMessage(m)
	if err != nil {
		return &SendError{Channel: c.cfg.Name, Permanent: true, Err: err}
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.cfg.Argv[0], c.cfg.Argv[1:]...)
	cmd.Stdin = bytes.NewReader(in)
	cmd.Env = childenv.Env(append(slices.Clip(c.cfg.Env), alertEnv(m)...)...)
	cmd.WaitDelay = time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return &SendError{Channel: c.cfg.Name, Err: fmt.Errorf("command timed out: %w", ctx.Err())}
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return &SendError{Channel: c.cfg.Name, Code: strconv.Itoa(exit.ExitCode()),
			Message: snippet(out.Bytes()), Err: fmt.Errorf("command failed: %w", err)}
	}
	return &SendError{Channel: c.cfg.Name, Permanent: true, Err: fmt.Errorf("command: %w", err)}
}

// alertEnv returns the EOSKEEPER_ALERT_* environment for m.
func alertEnv(m Message) []string {
	a := m.Alert
	env := []string{
		"EOSKEEPER_ALERT_KIND=" + m.Kind.String(),
		"EOSKEEPER_ALERT_KEY=" + a.Key,
		"EOSKEEPER_ALERT_SEVERITY=" + a.Severity.String(),
		"EOSKEEPER_ALERT_STATE=" + a.State.String(),
		"EOSKEEPER_ALERT_NODE=" + a.Node,
		"EOSKEEPER_ALERT_ROLE=" + a.Role,
		"EOSKEEPER_ALERT_PRODUCER=" + a.Producer,
		"EOSKEEPER_ALERT_MESSAGE=" + a.Message,
		"EOSKEEPER_ALERT_REPEAT=" + strconv.Itoa(m.Repeat),
		"EOSKEEPER_ALERT_TITLE=" + m.Title,
		"EOSKEEPER_ALERT_TEXT=" + m.Text,
	}
	if !a.Time.IsZero() {
		env = append(env, "EOSKEEPER_ALERT_TIME="+a.Time.Format(time.RFC3339))
	}
	for _, f := range a.Figures {
		env = append(env, "EOSKEEPER_ALERT_FIGURE_"+envName(f.Name)+"="+f.Value)
	}
	return env
}

// envName upper-cases s and replaces characters other than A-Z and 0-9 with "_".
func envName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		}
		return '_'
	}, s)
}

// encodeMessage is the JSON document used by Webhook and Command.
func encodeMessage(m Message) ([]byte, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode message: %w", err)
	}
	return b, nil
}
