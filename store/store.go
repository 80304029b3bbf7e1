// Package store keeps sellergate's audit trail: every exchange in both
// directions, in a hash chain that shows whether anything was changed,
// inserted or removed afterwards.
package store

import (
	"context"
	"io"
	"time"
)

// Kind says what a record is about.
type Kind string

// The kinds of record.
const (
	// KindMessage is a message as received by a listener, with its verdict
	// and raw bytes. It is written before the message is relayed.
	KindMessage Kind = "message"
	// KindDelivery is the outcome of relaying a message: the next hop's reply.
	KindDelivery Kind = "delivery"
)

// Direction tells outgoing (agent to buyer) from incoming (buyer to seller) mail.
type Direction string

// The directions.
const (
	Outbound Direction = "out"
	Inbound  Direction = "in"
)

// Status values of records.
const (
	StatusAccepted    = "accepted"    // checked, about to be relayed
	StatusRefused     = "refused"     // refused by the policy or a limit; never sent
	StatusQuarantined = "quarantined" // held for review
	StatusRelayed     = "relayed"     // the next hop accepted it
	StatusTempFail    = "tempfail"    // the next hop or the gateway failed temporarily
	StatusPermFail    = "permfail"    // the next hop refused it
	StatusRecorded    = "recorded"    // inbound, recorded only (copy mode)
)

// Violation is a policy finding as kept in the record.
type Violation struct {
	Rule     string `json:"rule"`
	Category string `json:"category"`
	Excerpt  string `json:"excerpt"`
	Where    string `json:"where"`
	Action   string `json:"action"`
}

// Record is one entry of the audit trail.
type Record struct {
	// ID is the record's position in the chain, assigned by Append.
	ID int64 `json:"id"`
	// Time is when the gateway saw the event, UTC, truncated to milliseconds
	// by Append.
	Time time.Time `json:"time,omitzero"`
	Kind Kind      `json:"kind"`
	// QueueID identifies the message across its records, log lines and SMTP replies.
	QueueID   string    `json:"queue_id,omitempty"`
	Direction Direction `json:"direction,omitempty"`
	// Agent is the authenticated agent's login ("" for trusted networks and inbound).
	Agent    string   `json:"agent,omitempty"`
	MailFrom string   `json:"mail_from,omitempty"`
	Rcpt     []string `json:"rcpt,omitempty"`
	// MessageID is the Message-ID header without brackets.
	MessageID string `json:"message_id,omitempty"`
	Subject   string `json:"subject,omitempty"`
	// From is the From header as written.
	From string `json:"from,omitempty"`
	// Buyer is the buyer's anonymized Amazon address (recipient of outbound,
	// sender of inbound mail).
	Buyer string `json:"buyer,omitempty"`
	// OrderID is the first Amazon order ID found in the subject or text.
	OrderID string `json:"order_id,omitempty"`
	// Thread groups one order's conversation; assigned by Append from Buyer
	// and OrderID when empty.
	Thread     string      `json:"thread,omitempty"`
	Verdict    string      `json:"verdict,omitempty"`
	Violations []Violation `json:"violations,omitempty"`
	Status     string      `json:"status,omitempty"`
	// Reply is the next hop's reply, or the reply the gateway gave.
	Reply string `json:"reply,omitempty"`
	Size  int64  `json:"size,omitempty"`
	// SHA256 is the hex SHA-256 of the raw message.
	SHA256 string `json:"sha256,omitempty"`
	// Raw, when not nil, is read once by Append and kept compressed.
	Raw io.Reader `json:"-"`
	// Note carries free text for events without a message.
	Note string `json:"note,omitempty"`
	// PrevHash and Hash are the chain links, assigned by Append.
	PrevHash string `json:"prev_hash,omitempty"`
	Hash     string `json:"hash,omitempty"`
}

// Store is the audit trail. Implementations are safe for concurrent use.
type Store interface {
	// Append adds r at the end of the chain and returns when it is durable.
	Append(ctx context.Context, r *Record) error
	// AppendOrdered adds r at the end of the chain like Append, and returns
	// once r is committed but before it is forced to disk: r becomes durable
	// with the next Append to return (a commit forced to disk takes every
	// earlier one with it) or at the store's next checkpoint. A crash of
	// the process loses nothing AppendOrdered returned; a power loss before
	// that next Append may.
	AppendOrdered(ctx context.Context, r *Record) error
	// Check reports whether the store can take records now: the database
	// answers and the last commit did not fail.
	Check(ctx context.Context) error
	// Close releases the store.
	Close() error
}
