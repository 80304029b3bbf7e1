package sla

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Webhook posts alerts as JSON: Format "json" (the alert itself), "slack"
// (an incoming-webhook {"text": …}) or "teams" (a MessageCard).
type Webhook struct {
	URL    string
	Format string
	Client *http.Client
}

// describe is the one-line text of an alert, for chat and e-mail.
func describe(a Alert) string {
	order := a.Clock.OrderID
	if order == "" {
		order = "no order id"
	}
	switch a.Kind {
	case "breach":
		return fmt.Sprintf("SLA breach: buyer %s (%s, %s) has waited %s without a reply.",
			a.Clock.Buyer, a.Clock.Marketplace, order, a.Elapsed.Round(time.Minute))
	case "test":
		return "SLA test alert: sellergate can reach this channel; no buyer is waiting."
	case "summary_pending":
		return fmt.Sprintf("Summary pending: the off-Amazon exception in thread %s (%s, %s) still needs its closing summary in the Amazon thread.",
			a.Clock.Thread, a.Clock.Marketplace, order)
	}
	return fmt.Sprintf("SLA warning: buyer %s (%s, %s) has waited %s; %s left to reply.",
		a.Clock.Buyer, a.Clock.Marketplace, order, a.Elapsed.Round(time.Minute), a.Left.Round(time.Minute))
}

// webhookPayload is the generic JSON body.
type webhookPayload struct {
	Kind           string  `json:"kind"`
	Text           string  `json:"text"`
	Thread         string  `json:"thread"`
	Buyer          string  `json:"buyer"`
	Order          string  `json:"order,omitempty"`
	Marketplace    string  `json:"marketplace"`
	WaitingSince   string  `json:"waiting_since"`
	ThresholdHours float64 `json:"threshold_hours"`
	LeftSeconds    int64   `json:"time_left_seconds"`
	At             string  `json:"at"`
}

// Notify posts one alert.
func (w *Webhook) Notify(ctx context.Context, a Alert) error {
	text := describe(a)
	var body any
	switch w.Format {
	case "slack":
		body = map[string]string{"text": text}
	case "teams":
		body = map[string]any{
			"@type": "MessageCard", "@context": "https://schema.org/extensions",
			"summary": text, "themeColor": map[bool]string{true: "D70000", false: "FFA500"}[a.Kind == "breach"],
			"title": "sellergate SLA", "text": text,
		}
	default:
		body = webhookPayload{
			Kind: a.Kind, Text: text, Thread: a.Clock.Thread, Buyer: a.Clock.Buyer, Order: a.Clock.OrderID,
			Marketplace: a.Clock.Marketplace, WaitingSince: a.Clock.Since.UTC().Format(time.RFC3339),
			ThresholdHours: a.Threshold.Hours(), LeftSeconds: int64(a.Left / time.Second), At: a.At.UTC().Format(time.RFC3339),
		}
	}
	data, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	client := w.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook %s answered %s", w.URL, resp.Status)
	}
	return nil
}

// Mailer sends one message through the gateway's relay.
type Mailer func(ctx context.Context, from string, to []string, msg []byte) error

// Email sends alerts to a team address.
type Email struct {
	From, To string
	Send     Mailer
	Now      func() time.Time
}

// Notify mails one alert.
func (e *Email) Notify(ctx context.Context, a Alert) error {
	text := describe(a)
	subject := "[sellergate] " + strings.SplitN(text, ":", 2)[0] + " " + a.Clock.Buyer
	now := time.Now
	if e.Now != nil {
		now = e.Now
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: sellergate <%s>\r\nTo: <%s>\r\nSubject: %s\r\nDate: %s\r\nAuto-Submitted: auto-generated\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n\r\nThread: %s\r\nWaiting since: %s\r\n",
		e.From, e.To, subject, now().Format(time.RFC1123Z), text, a.Clock.Thread, a.Clock.Since.UTC().Format(time.RFC3339))
	return e.Send(ctx, e.From, []string{e.To}, b.Bytes())
}
