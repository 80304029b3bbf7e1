// Package filter holds sellergate's message model and the messaging-policy
// engine: a message is parsed once into a Message, which the policy checks and
// the store and relay share.
package filter

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/emersion/go-message/mail"
	// Registers decoders for non-UTF-8 charsets with go-message.
	_ "github.com/emersion/go-message/charset"
)

// Message is the parsed form of one e-mail, built once per message.
type Message struct {
	// Header is the top-level header as received.
	Header mail.Header
	// Subject is the decoded Subject header.
	Subject string
	// MessageID is the Message-ID without angle brackets.
	MessageID string
	// From lists the addresses of the From header.
	From []*mail.Address
	// OrderIDs lists the Amazon order IDs (123-1234567-1234567) found in the
	// subject and text, first occurrence first.
	OrderIDs []string
	// Problems lists what was malformed in the message; a malformed message
	// is still checked as far as it can be read.
	Problems []string
}

var orderIDRe = regexp.MustCompile(`\b\d{3}-\d{7}-\d{7}\b`)

// Parse reads a whole message. It fails only when the header cannot be read
// at all; other defects are listed in Message.Problems.
func Parse(r io.Reader) (*Message, error) {
	mr, err := mail.CreateReader(bufio.NewReader(r))
	if err != nil && mr == nil {
		return nil, fmt.Errorf("reading message header: %w", err)
	}
	m := &Message{Header: mr.Header}
	if err != nil {
		m.Problems = append(m.Problems, err.Error())
	}
	if s, err := m.Header.Subject(); err == nil {
		m.Subject = s
	} else {
		m.Subject = m.Header.Get("Subject")
	}
	m.MessageID, _ = m.Header.MessageID()
	if from, err := m.Header.AddressList("From"); err == nil {
		m.From = from
	} else if m.Header.Has("From") {
		m.Problems = append(m.Problems, "unreadable From header: "+err.Error())
	}
	var text strings.Builder
	text.WriteString(m.Subject)
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			m.Problems = append(m.Problems, err.Error())
			break
		}
		if _, ok := p.Header.(*mail.InlineHeader); ok {
			b, _ := io.ReadAll(io.LimitReader(p.Body, 1<<20))
			text.WriteByte('\n')
			text.Write(b)
		}
	}
	seen := map[string]bool{}
	for _, id := range orderIDRe.FindAllString(text.String(), -1) {
		if !seen[id] {
			seen[id] = true
			m.OrderIDs = append(m.OrderIDs, id)
		}
	}
	return m, nil
}
