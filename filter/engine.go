package filter

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"gopkg.in/yaml.v3"
)

// Envelope is what the SMTP session knows about a message besides its content.
type Envelope struct {
	// MailFrom is the envelope sender.
	MailFrom string
	// Rcpt lists the envelope recipients (Amazon's anonymized buyer addresses).
	Rcpt []string
	// Agent is the login of the authenticated agent, or "" for a trusted network.
	Agent string
}

// Policy is a set of messaging rules.
type Policy struct {
	// Monitor records verdicts without enforcing them.
	Monitor bool
}

// DefaultPolicy returns the built-in multilingual policy.
func DefaultPolicy() *Policy { return &Policy{} }

// Engine checks messages against a policy. It is safe for concurrent use.
type Engine struct {
	policy *Policy
}

// NewEngine returns an engine for p.
func NewEngine(p *Policy) *Engine { return &Engine{policy: p} }

// Check returns the verdict for m sent with env.
func (e *Engine) Check(m *Message, env Envelope) Verdict {
	return Verdict{Action: Pass, Monitor: e.policy.Monitor}
}

// LoadPolicy reads a policy file strictly; errors name file and line.
func LoadPolicy(path string) (*Policy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading policy: %w", err)
	}
	var raw struct {
		Monitor bool `yaml:"monitor"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&raw); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &Policy{Monitor: raw.Monitor}, nil
}
