package gateway

import (
	"errors"
	"fmt"

	"github.com/emersion/go-smtp"
)

// SMTP reply codes (RFC 5321 section 4.2.3) used by the gateway; no bare
// numbers elsewhere.
const (
	codeOK                  = 250 // RFC 5321 4.2.2: requested action completed
	codeServiceUnavailable  = 421 // RFC 5321 4.2.3: closing transmission channel
	codeLocalError          = 451 // RFC 5321 4.2.3: local error in processing
	codeInsufficientStorage = 452 // RFC 5321 4.2.3: insufficient system storage / too many recipients
	codeAuthRequired        = 530 // RFC 4954 6: authentication required
	codeAuthFailed          = 535 // RFC 4954 6: authentication credentials invalid
	codeMailboxUnavailable  = 550 // RFC 5321 4.2.3: mailbox unavailable / policy refusal
	codeExceededStorage     = 552 // RFC 5321 4.2.3: exceeded storage allocation
	codeBadSequence         = 503 // RFC 5321 4.2.3: bad sequence of commands
	codeSyntaxParams        = 501 // RFC 5321 4.2.3: syntax error in parameters or arguments
	codeTransactionFailed   = 554 // RFC 5321 4.2.3: transaction failed
)

// Enhanced status codes (RFC 3463) used by the gateway.
var (
	ecOK              = smtp.EnhancedCode{2, 0, 0}
	ecDelivered       = smtp.EnhancedCode{2, 6, 0} // RFC 3463 3.7: other or undefined media error; used as "accepted"
	ecPolicy          = smtp.EnhancedCode{5, 7, 1} // RFC 3463 3.8: delivery not authorized, message refused
	ecTempPolicy      = smtp.EnhancedCode{4, 7, 1}
	ecAuthRequired    = smtp.EnhancedCode{5, 7, 0} // RFC 4954 6
	ecAuthInvalid     = smtp.EnhancedCode{5, 7, 8} // RFC 4954 6
	ecEncryptRequired = smtp.EnhancedCode{5, 7, 11}
	ecTooManyRcpt     = smtp.EnhancedCode{4, 5, 3} // RFC 3463 3.6: too many recipients
	ecSystem          = smtp.EnhancedCode{4, 3, 0} // RFC 3463 3.4: other or undefined mail system status
	ecSystemFull      = smtp.EnhancedCode{4, 3, 1} // RFC 3463 3.4: mail system full
	ecNextHop         = smtp.EnhancedCode{4, 4, 0} // RFC 3463 3.5: other or undefined network or routing status
	ecNextHopTimeout  = smtp.EnhancedCode{4, 4, 2} // RFC 3463 3.5: bad connection
	ecTooBig          = smtp.EnhancedCode{5, 3, 4} // RFC 3463 3.4: message too big for system
	ecBadSender       = smtp.EnhancedCode{5, 1, 7} // RFC 3463 3.2: bad sender's mailbox address syntax
	ecBadDestSyntax   = smtp.EnhancedCode{5, 1, 3} // RFC 3463 3.2: bad destination mailbox address syntax
	ecBadSequence     = smtp.EnhancedCode{5, 5, 1}
	ecShuttingDown    = smtp.EnhancedCode{4, 3, 2} // RFC 3463 3.4: system not accepting network messages
	ecTooManyConns    = smtp.EnhancedCode{4, 7, 0}
)

// ReplyError is an SMTP reply the gateway gives, separating what the client
// reads (the reply) from what is logged (the cause).
type ReplyError struct {
	// Reply is what goes on the wire.
	Reply *smtp.SMTPError
	// Cause is the internal error behind it, logged but never sent.
	Cause error
}

func (e *ReplyError) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%d %v %s: %v", e.Reply.Code, e.Reply.EnhancedCode, e.Reply.Message, e.Cause)
	}
	return fmt.Sprintf("%d %v %s", e.Reply.Code, e.Reply.EnhancedCode, e.Reply.Message)
}

// Unwrap returns the cause.
func (e *ReplyError) Unwrap() error { return e.Cause }

// Temporary reports whether the client should try again later.
func (e *ReplyError) Temporary() bool { return e.Reply.Code/100 == 4 }

func reply(code int, ec smtp.EnhancedCode, format string, args ...any) *smtp.SMTPError {
	return &smtp.SMTPError{Code: code, EnhancedCode: ec, Message: fmt.Sprintf(format, args...)}
}

// wireError returns what go-smtp should write for err: the reply of a
// ReplyError, an SMTPError as is, anything else as a 451 with no detail.
func wireError(err error) error {
	var re *ReplyError
	if errors.As(err, &re) {
		return re.Reply
	}
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se
	}
	return reply(codeLocalError, ecSystem, "Local error, please try again later")
}
