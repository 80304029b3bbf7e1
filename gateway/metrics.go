package gateway

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// metrics are the gateway's Prometheus collectors, registered on the
// registry the caller gives (no global registry).
type metrics struct {
	sessions      *prometheus.GaugeVec
	connections   *prometheus.CounterVec
	messages      *prometheus.CounterVec
	violations    *prometheus.CounterVec
	refusals      *prometheus.CounterVec
	appeals       *prometheus.CounterVec
	tlsHandshakes *prometheus.CounterVec
	replies       *prometheus.CounterVec
	relaySeconds  *prometheus.HistogramVec
	storeSeconds  prometheus.Histogram
	storeErrors   prometheus.Counter
	authFailures  prometheus.Counter
	authSuccesses prometheus.Counter
	limitHits     *prometheus.CounterVec
	messageBytes  prometheus.Histogram
}

func newMetrics(reg prometheus.Registerer) *metrics {
	f := promauto.With(reg)
	m := &metrics{
		sessions: f.NewGaugeVec(prometheus.GaugeOpts{
			Name: "sellergate_gateway_sessions",
			Help: "SMTP sessions open now, by listener kind.",
		}, []string{"listener"}),
		connections: f.NewCounterVec(prometheus.CounterOpts{
			Name: "sellergate_gateway_connections_total",
			Help: "SMTP connections accepted, by listener kind.",
		}, []string{"listener"}),
		messages: f.NewCounterVec(prometheus.CounterOpts{
			Name: "sellergate_gateway_messages_total",
			Help: "Messages received, by direction (out, in), verdict (pass, tag, strip, quarantine, reject) and outcome (relayed, refused, tempfail, permfail, recorded, quarantined).",
		}, []string{"direction", "verdict", "outcome"}),
		violations: f.NewCounterVec(prometheus.CounterOpts{
			Name: "sellergate_gateway_violations_total",
			Help: "Policy findings in outgoing messages, by category, rule and action.",
		}, []string{"category", "rule", "action"}),
		appeals: f.NewCounterVec(prometheus.CounterOpts{
			Name: "sellergate_appeals_total",
			Help: "Agents' appeals of refusals: held for review, then released or rejected by an admin (a rule often overturned shows here).",
		}, []string{"decision"}),
		refusals: f.NewCounterVec(prometheus.CounterOpts{
			Name: "sellergate_gateway_refusals_total",
			Help: "Messages refused or quarantined by the policy, by agent.",
		}, []string{"agent"}),
		tlsHandshakes: f.NewCounterVec(prometheus.CounterOpts{
			Name: "sellergate_gateway_tls_handshakes_total",
			Help: "TLS handshakes, by stage: started (ClientHello seen) and ok (completed); the difference failed.",
		}, []string{"stage"}),
		replies: f.NewCounterVec(prometheus.CounterOpts{
			Name: "sellergate_gateway_replies_total",
			Help: "Final replies to DATA, by SMTP code class (2xx, 4xx, 5xx).",
		}, []string{"class"}),
		relaySeconds: f.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "sellergate_gateway_relay_seconds",
			Help:    "Time the next hop took to accept or refuse a message.",
			Buckets: []float64{.0005, .001, .002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"result"}),
		storeSeconds: f.NewHistogram(prometheus.HistogramOpts{
			Name:    "sellergate_gateway_store_seconds",
			Help:    "Time to make one audit record durable.",
			Buckets: []float64{.0001, .0005, .001, .002, .005, .01, .025, .05, .1, .25, 1},
		}),
		storeErrors: f.NewCounter(prometheus.CounterOpts{
			Name: "sellergate_store_errors_total",
			Help: "Audit records that could not be made durable (the client got a 451).",
		}),
		authFailures: f.NewCounter(prometheus.CounterOpts{
			Name: "sellergate_gateway_auth_failures_total",
			Help: "Failed AUTH attempts.",
		}),
		authSuccesses: f.NewCounter(prometheus.CounterOpts{
			Name: "sellergate_gateway_auth_successes_total",
			Help: "Successful AUTH attempts.",
		}),
		limitHits: f.NewCounterVec(prometheus.CounterOpts{
			Name: "sellergate_gateway_limit_hits_total",
			Help: "Times a limit refused a client, by limit.",
		}, []string{"limit"}),
		messageBytes: f.NewHistogram(prometheus.HistogramOpts{
			Name:    "sellergate_gateway_message_bytes",
			Help:    "Size of received messages.",
			Buckets: prometheus.ExponentialBuckets(1024, 4, 9),
		}),
	}
	// Series that exist from the start, so dashboards and alerts see zeros.
	for _, r := range []string{"relayed", "tempfail", "permfail"} {
		m.relaySeconds.WithLabelValues(r)
	}
	for _, l := range []string{"daily_limit", "connections_per_ip", "auth_failures_per_minute", "max_message_size"} {
		m.limitHits.WithLabelValues(l)
	}
	return m
}
